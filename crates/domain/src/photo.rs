use crate::error::ValidationError;
use crate::id::{EncounterId, PatientId, PhotoId, UserId};
use crate::timestamp::Timestamp;

/// A still photo taken at the kiosk during a consult; its JPEG bytes are kept beside this description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Photo {
    pub id: PhotoId,
    pub encounter: EncounterId,
    pub patient: PatientId,
    pub taken_by: UserId,
    pub taken_at: Timestamp,
    pub width: u32,
    pub height: u32,
}

impl Photo {
    /// The largest photo kept: a full-resolution JPEG from a kiosk camera.
    pub const MAX_BYTES: usize = 8 * 1024 * 1024;

    /// A photo has a picture, and its JPEG is not empty nor larger than [`Photo::MAX_BYTES`].
    pub fn validate(&self, jpeg_bytes: usize) -> Result<(), ValidationError> {
        if self.width == 0 || self.height == 0 || jpeg_bytes == 0 {
            return Err(ValidationError::Required { field: "photo" });
        }
        if jpeg_bytes > Self::MAX_BYTES {
            return Err(ValidationError::TooLong { field: "photo", max: Self::MAX_BYTES });
        }
        Ok(())
    }
}
