use crate::error::ValidationError;
use crate::id::{EncounterId, NoteId, PatientId};
use crate::prescription::PmdcNumber;
use crate::text::{OptionalText, RequiredText};
use crate::timestamp::Timestamp;

/// The doctor who wrote a note, as the server vouched for them. Doctors work from home and are not users
/// of the kiosk whose record keeps their notes, so they are named rather than referenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clinician {
    pub name: RequiredText,
    pub pmdc: Option<PmdcNumber>,
}

/// A doctor's note in SOAP form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapNote {
    pub id: NoteId,
    pub encounter: EncounterId,
    pub patient: PatientId,
    pub author: Clinician,
    pub written_at: Timestamp,
    pub subjective: OptionalText,
    pub objective: OptionalText,
    pub assessment: OptionalText,
    pub plan: OptionalText,
}

impl SoapNote {
    pub const SECTION_MAX: usize = 10_000;

    /// A note with every section empty says nothing and is refused.
    pub fn validate(&self) -> Result<(), ValidationError> {
        let sections = [&self.subjective, &self.objective, &self.assessment, &self.plan];
        if sections.iter().all(|s| s.is_empty()) { Err(ValidationError::EmptyNote) } else { Ok(()) }
    }
}
