use crate::error::ValidationError;
use crate::patient::Sex;

/// A Pakistani Computerised National Identity Card number, kept as its 13 digits. Written `XXXXX-XXXXXXX-X`;
/// input without dashes is accepted. There is no check digit; the first digit is the province and the last
/// is odd for men and even for women.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cnic([u8; 13]);

impl Cnic {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        let bytes = raw.as_bytes();
        let digits: Vec<u8> = match bytes.len() {
            15 if bytes[5] == b'-' && bytes[13] == b'-' => {
                bytes.iter().enumerate().filter(|(i, _)| *i != 5 && *i != 13).map(|(_, b)| *b).collect()
            }
            13 => bytes.to_vec(),
            _ => return Err(ValidationError::CnicFormat),
        };
        let mut out = [0u8; 13];
        for (slot, b) in out.iter_mut().zip(&digits) {
            if !b.is_ascii_digit() {
                return Err(ValidationError::CnicFormat);
            }
            *slot = b - b'0';
        }
        if !(1..=7).contains(&out[0]) {
            return Err(ValidationError::CnicProvince);
        }
        Ok(Self(out))
    }

    /// The sex the number was issued for, from the parity of the last digit.
    pub fn registered_sex(&self) -> Sex {
        if self.0[12] % 2 == 1 { Sex::Male } else { Sex::Female }
    }
}

impl std::fmt::Display for Cnic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i == 5 || i == 12 {
                f.write_str("-")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}
