//! Typed UUIDv7 identifiers: time-ordered (so new rows land at the end of the B-tree) and unguessable.

use crate::timestamp::Timestamp;
use uuid::{NoContext, Uuid};

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh UUIDv7 whose time part is `now`.
            pub fn new(now: Timestamp) -> Self {
                Self(new_v7(now))
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> &Uuid {
                &self.0
            }

            /// The 16 bytes of the UUID, for compact wire formats.
            pub const fn to_bytes(self) -> [u8; 16] {
                self.0.into_bytes()
            }

            pub const fn from_bytes(bytes: [u8; 16]) -> Self {
                Self(Uuid::from_bytes(bytes))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

fn new_v7(now: Timestamp) -> Uuid {
    let ms = u64::try_from(now.unix_ms()).unwrap_or(0);
    let ts = uuid::Timestamp::from_unix(NoContext, ms / 1000, u32::try_from((ms % 1000) * 1_000_000).unwrap_or(0));
    Uuid::new_v7(ts)
}

typed_id!(
    /// A patient.
    PatientId
);
typed_id!(
    /// One consult: a visit of a patient to a kiosk and the doctor who saw them.
    EncounterId
);
typed_id!(
    /// One measured or typed value.
    ObservationId
);
typed_id!(
    /// A SOAP note.
    NoteId
);
typed_id!(
    /// An e-prescription.
    PrescriptionId
);
typed_id!(
    /// A clinical still photo (a wound, a rash) taken during a consult.
    PhotoId
);
typed_id!(
    /// A person who signs in: health worker, doctor or admin.
    UserId
);
typed_id!(
    /// An installation of e-clinic (a kiosk, a doctor's PC, the server); it stamps every revision it writes.
    DeviceId
);
