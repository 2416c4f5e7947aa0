use crate::error::ValidationError;
use crate::id::{EncounterId, PatientId, PrescriptionId};
use crate::text::{OptionalText, RequiredText};
use crate::timestamp::Timestamp;

/// A Pakistan Medical and Dental Council registration number, e.g. `12345-P`. Formats have changed over the
/// years, so only the shape is checked: 3 to 20 letters, digits or dashes with at least one digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PmdcNumber(String);

impl PmdcNumber {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim().to_ascii_uppercase();
        let shape_ok = (3..=20).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && s.bytes().any(|b| b.is_ascii_digit())
            && !s.starts_with('-')
            && !s.ends_with('-');
        if shape_ok { Ok(Self(s)) } else { Err(ValidationError::Pmdc) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Route {
    Oral,
    Sublingual,
    Topical,
    Inhaled,
    Nasal,
    Ophthalmic,
    Otic,
    Rectal,
    Vaginal,
    Intramuscular,
    Intravenous,
    Subcutaneous,
}

impl Route {
    pub const ALL: [Route; 12] = [
        Route::Oral,
        Route::Sublingual,
        Route::Topical,
        Route::Inhaled,
        Route::Nasal,
        Route::Ophthalmic,
        Route::Otic,
        Route::Rectal,
        Route::Vaginal,
        Route::Intramuscular,
        Route::Intravenous,
        Route::Subcutaneous,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Route::Oral => "oral",
            Route::Sublingual => "sublingual",
            Route::Topical => "topical",
            Route::Inhaled => "inhaled",
            Route::Nasal => "nasal",
            Route::Ophthalmic => "ophthalmic",
            Route::Otic => "otic",
            Route::Rectal => "rectal",
            Route::Vaginal => "vaginal",
            Route::Intramuscular => "intramuscular",
            Route::Intravenous => "intravenous",
            Route::Subcutaneous => "subcutaneous",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, ValidationError> {
        Self::ALL.into_iter().find(|r| r.code() == code).ok_or(ValidationError::UnknownVariant { field: "route" })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrescriptionItem {
    pub drug: RequiredText,
    /// e.g. "500 mg" or "1 tablet".
    pub dose: RequiredText,
    pub route: Route,
    /// e.g. "three times a day".
    pub frequency: RequiredText,
    /// e.g. "5 days".
    pub duration: RequiredText,
    pub instructions: OptionalText,
}

/// The doctor who signs a prescription, as printed on it: only a registered doctor prescribes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prescriber {
    pub name: RequiredText,
    pub pmdc: PmdcNumber,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prescription {
    pub id: PrescriptionId,
    pub encounter: EncounterId,
    pub patient: PatientId,
    pub prescriber: Prescriber,
    pub issued_at: Timestamp,
    pub items: Vec<PrescriptionItem>,
}

impl Prescription {
    /// The most items one prescription carries (a consult's medicines fit well within it).
    pub const ITEMS_MAX: usize = 20;
    pub const FIELD_MAX: usize = 200;
    pub const INSTRUCTIONS_MAX: usize = 500;

    pub fn validate(&self) -> Result<(), ValidationError> {
        match self.items.len() {
            0 => Err(ValidationError::EmptyPrescription),
            n if n > Self::ITEMS_MAX => Err(ValidationError::TooLong { field: "prescription", max: Self::ITEMS_MAX }),
            _ => Ok(()),
        }
    }
}
