use thiserror::Error;

/// Why a value was refused. Messages name the field and the rule, never the rejected value, so they can
/// reach logs and the UI without carrying patient data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    #[error("{field} is required")]
    Required { field: &'static str },
    #[error("{field} is longer than {max} characters")]
    TooLong { field: &'static str, max: usize },
    #[error("CNIC must be 13 digits written XXXXX-XXXXXXX-X")]
    CnicFormat,
    #[error("CNIC province digit must be 1 to 7")]
    CnicProvince,
    #[error("phone number must be 7 to 15 digits, optionally with a leading + and spaces or dashes")]
    Phone,
    #[error("{field} is not a valid date (expected YYYY-MM-DD)")]
    Date { field: &'static str },
    #[error("date of birth is in the future")]
    BirthInFuture,
    #[error("age must be between 0 and 130 years")]
    Age,
    #[error("unknown {field}")]
    UnknownVariant { field: &'static str },
    #[error("LOINC code must be digits, a dash and a correct check digit")]
    Loinc,
    #[error("UCUM unit is not one e-clinic records")]
    Ucum,
    #[error("unit does not fit {kind}")]
    UnitForKind { kind: &'static str },
    #[error("value must be a decimal number")]
    Decimal,
    #[error("PMDC number must be 3 to 20 letters, digits or dashes and contain a digit")]
    Pmdc,
    #[error("username must be 3 to 32 lowercase letters, digits, dots, dashes or underscores")]
    Username,
    #[error("a PIN is 4 to 8 digits and not one digit repeated")]
    Pin,
    #[error("a password has at least 10 characters")]
    Password,
    #[error("a doctor needs a PMDC number")]
    DoctorWithoutPmdc,
    #[error("a prescription needs at least one item")]
    EmptyPrescription,
    #[error("{field} ends before it starts")]
    EndsBeforeStart { field: &'static str },
    #[error("a SOAP note needs at least one section")]
    EmptyNote,
}
