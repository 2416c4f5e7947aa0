use crate::error::ValidationError;
use crate::id::{EncounterId, NoteId, UserId};
use crate::text::OptionalText;
use crate::timestamp::Timestamp;

/// A doctor's note in SOAP form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapNote {
    pub id: NoteId,
    pub encounter: EncounterId,
    pub author: UserId,
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
