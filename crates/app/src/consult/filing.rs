//! Kiosk: what arrives during a consult goes into the open visit's record at once, written as the signed-in
//! health worker — the doctor's notes and prescription (the doctor named as the server vouched for them)
//! and the photos the kiosk's camera took.

use std::sync::Arc;

use eclinic_call::channel::{NotesPush, PrescriptionPush};
use eclinic_domain::{Encounter, Photo, PhotoId};
use eclinic_media::video::StillPhoto;

use crate::documents::{DoctorIdentity, note_from_push, prescription_from_push};
use crate::records::Records;
use crate::views::{NoteView, PhotoView, PrescriptionView};
use crate::{AppError, now};

#[derive(Debug)]
pub(crate) struct Filing {
    pub(super) records: Arc<Records>,
    pub(super) visit: Encounter,
}

impl Filing {
    pub(crate) fn new(records: Arc<Records>, visit: Encounter) -> Self {
        Self { records, visit }
    }

    pub(crate) async fn notes(&self, push: &NotesPush, doctor: Option<&DoctorIdentity>) -> Result<NoteView, AppError> {
        let note = note_from_push(push, &self.visit, doctor.ok_or(AppError::UnknownDoctor)?, now())?;
        self.records.with_store(async |store, session| Ok(store.file_note(session, &note, now()).await?)).await?;
        Ok(NoteView::from(&note))
    }

    pub(crate) async fn prescription(
        &self,
        push: &PrescriptionPush,
        doctor: Option<&DoctorIdentity>,
    ) -> Result<PrescriptionView, AppError> {
        let prescription = prescription_from_push(push, &self.visit, doctor.ok_or(AppError::UnknownDoctor)?, now())?;
        self.records
            .with_store(async |store, session| Ok(store.file_prescription(session, &prescription, now()).await?))
            .await?;
        Ok(PrescriptionView::from(&prescription))
    }

    pub(crate) async fn photo(&self, still: &StillPhoto) -> Result<PhotoView, AppError> {
        let at = now();
        self.records
            .with_store(async |store, session| {
                let photo = Photo {
                    id: PhotoId::new(at),
                    encounter: self.visit.id,
                    patient: self.visit.patient,
                    taken_by: session.user(),
                    taken_at: at,
                    width: still.width,
                    height: still.height,
                };
                store.add_photo(session, &photo, &still.jpeg, at).await?;
                Ok(PhotoView::from(&photo))
            })
            .await
    }
}
