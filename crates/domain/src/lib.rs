//! The e-clinic domain model.
//!
//! Plain types that are valid by construction: a value of `Cnic`, `LoincCode` or `Quantity` has passed its
//! checks. No IO, no clock reads, no serde: storage and wire formats live in the crates at those boundaries.

pub mod cnic;
pub mod encounter;
pub mod error;
pub mod hlc;
pub mod id;
pub mod note;
pub mod observation;
pub mod patient;
pub mod photo;
pub mod prescription;
pub mod text;
pub mod timestamp;
pub mod user;
pub mod vital;

pub use cnic::Cnic;
pub use encounter::{Consent, ConsentGiver, Encounter};
pub use error::ValidationError;
pub use hlc::{Hlc, HlcClock};
pub use id::{DeviceId, EncounterId, NoteId, ObservationId, PatientId, PhotoId, PrescriptionId, UserId};
pub use note::{Clinician, SoapNote};
pub use observation::{
    LoincCode, Observation, ObservationFlag, ObservationFlags, ObservationSource, ObservationStatus, Quantity, UcumUnit,
};
pub use patient::{Birth, Patient, PhoneNumber, Sex};
pub use photo::Photo;
pub use prescription::{PmdcNumber, Prescriber, Prescription, PrescriptionItem, Route};
pub use text::{OptionalText, RequiredText};
pub use timestamp::Timestamp;
pub use user::{CredentialKind, Role, User, Username};
pub use vital::{Plausibility, VitalKind};
