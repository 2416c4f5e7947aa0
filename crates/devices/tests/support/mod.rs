//! Shared helpers for the device tests.

/// Bytes from hex written with optional spaces, as in protocol documents: `"1E 7800"`.
pub fn hex(text: &str) -> Vec<u8> {
    let clean: String = text.split_whitespace().collect();
    (0..clean.len()).step_by(2).map(|i| u8::from_str_radix(&clean[i..i + 2], 16).expect("test hex")).collect()
}
