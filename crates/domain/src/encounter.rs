use crate::error::ValidationError;
use crate::id::{DeviceId, EncounterId, PatientId, UserId};
use crate::text::RequiredText;
use crate::timestamp::Timestamp;

/// Who agreed to the consult.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConsentGiver {
    Patient,
    /// A parent or guardian, named, for a child or a patient who cannot consent.
    Guardian {
        name: RequiredText,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub given_by: ConsentGiver,
    pub recorded_by: UserId,
    pub recorded_at: Timestamp,
    /// The language the consent text was shown in (BCP 47, e.g. `ur`).
    pub language: RequiredText,
}

/// One consult of a patient at a kiosk. It cannot exist without the patient's recorded consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encounter {
    pub id: EncounterId,
    pub patient: PatientId,
    pub kiosk: DeviceId,
    pub health_worker: UserId,
    pub doctor: Option<UserId>,
    pub reason: RequiredText,
    pub started_at: Timestamp,
    pub ended_at: Option<Timestamp>,
    pub consent: Consent,
}

impl Encounter {
    pub const REASON_MAX: usize = 500;

    pub fn end(&mut self, at: Timestamp) -> Result<(), ValidationError> {
        if at < self.started_at {
            return Err(ValidationError::EndsBeforeStart { field: "encounter" });
        }
        self.ended_at = Some(at);
        Ok(())
    }
}
