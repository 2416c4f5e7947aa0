//! What a consult leaves in the record besides vitals: the doctor's SOAP notes and prescriptions (pushed
//! during the call and filed by the kiosk's signed-in health worker) and the still photos taken at the
//! kiosk. Filing the same note or prescription again (a push repeated after a lost receipt) stores it once.

use crate::auth::Session;
use crate::error::StoreError;
use crate::records::{NoteRow, PhotoRow, PrescriptionRow};
use crate::store::{Store, Txn};
use eclinic_domain::{EncounterId, Photo, PhotoId, Prescription, Role, SoapNote, Timestamp};

/// Whether a filed document is new or was already in the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    New,
    AlreadyFiled,
}

/// Everything filed for one encounter, oldest first.
#[derive(Debug, Clone, Default)]
pub struct EncounterDocuments {
    pub notes: Vec<SoapNote>,
    pub prescriptions: Vec<Prescription>,
    pub photos: Vec<Photo>,
}

/// The encounter exists and is this patient's: a document is never filed under someone else.
async fn check_encounter(
    txn: &mut Txn<'_>,
    encounter: &str,
    patient: &str,
    op: &'static str,
) -> Result<(), StoreError> {
    let found: i64 = sqlx::query_scalar("SELECT count(*) FROM encounters WHERE id = ?1 AND patient_id = ?2")
        .bind(encounter)
        .bind(patient)
        .fetch_one(&mut *txn.conn)
        .await
        .map_err(StoreError::db(op))?;
    if found == 0 { Err(StoreError::NotFound { what: "encounter" }) } else { Ok(()) }
}

/// Whether the document `id` is already filed for this encounter (a repeated push); filed for another, the
/// push is refused rather than acknowledged as stored.
async fn already_filed(
    txn: &mut Txn<'_>,
    (table, what): (&'static str, &'static str),
    id: &str,
    encounter_id: &str,
    op: &'static str,
) -> Result<bool, StoreError> {
    let filed_for: Option<String> =
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT encounter_id FROM {table} WHERE id = ?1")))
            .bind(id)
            .fetch_optional(&mut *txn.conn)
            .await
            .map_err(StoreError::db(op))?;
    match filed_for {
        None => Ok(false),
        Some(encounter) if encounter == encounter_id => Ok(true),
        Some(_) => Err(StoreError::IdTaken { what }),
    }
}

impl Store {
    /// Files a doctor's note for an encounter at this kiosk.
    pub async fn file_note(&self, session: &Session, note: &SoapNote, now: Timestamp) -> Result<Filed, StoreError> {
        session.require(Role::HealthWorker)?;
        note.validate()?;
        let row = NoteRow::from(note);
        let op = "file note";
        self.transact(now, async |txn| {
            check_encounter(txn, &row.encounter_id, &row.patient_id, op).await?;
            if already_filed(txn, ("notes", "note"), &row.id, &row.encounter_id, op).await? {
                return Ok(Filed::AlreadyFiled);
            }
            let revision = txn.revision(Some(session.user()), "note", &row.id, &row).await?;
            sqlx::query(
                "INSERT INTO notes (id, encounter_id, patient_id, author_name, author_pmdc, written_at, subjective,
                     objective, assessment, plan, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )
            .bind(&row.id)
            .bind(&row.encounter_id)
            .bind(&row.patient_id)
            .bind(&row.author_name)
            .bind(&row.author_pmdc)
            .bind(row.written_at)
            .bind(&row.subjective)
            .bind(&row.objective)
            .bind(&row.assessment)
            .bind(&row.plan)
            .bind(revision)
            .execute(&mut *txn.conn)
            .await
            .map_err(StoreError::db(op))?;
            txn.audit(Some(session.user()), "note.file", Some(&row.id)).await?;
            Ok(Filed::New)
        })
        .await
    }

    /// Files a doctor's prescription for an encounter at this kiosk.
    pub async fn file_prescription(
        &self,
        session: &Session,
        prescription: &Prescription,
        now: Timestamp,
    ) -> Result<Filed, StoreError> {
        session.require(Role::HealthWorker)?;
        prescription.validate()?;
        let row = PrescriptionRow::from(prescription);
        let op = "file prescription";
        self.transact(now, async |txn| {
            check_encounter(txn, &row.encounter_id, &row.patient_id, op).await?;
            if already_filed(txn, ("prescriptions", "prescription"), &row.id, &row.encounter_id, op).await? {
                return Ok(Filed::AlreadyFiled);
            }
            let revision = txn.revision(Some(session.user()), "prescription", &row.id, &row).await?;
            sqlx::query(
                "INSERT INTO prescriptions (id, encounter_id, patient_id, prescriber_name, prescriber_pmdc, issued_at,
                     items, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .bind(&row.id)
            .bind(&row.encounter_id)
            .bind(&row.patient_id)
            .bind(&row.prescriber_name)
            .bind(&row.prescriber_pmdc)
            .bind(row.issued_at)
            .bind(&row.items)
            .bind(revision)
            .execute(&mut *txn.conn)
            .await
            .map_err(StoreError::db(op))?;
            txn.audit(Some(session.user()), "prescription.file", Some(&row.id)).await?;
            Ok(Filed::New)
        })
        .await
    }

    /// Keeps a still photo taken during an encounter.
    pub async fn add_photo(
        &self,
        session: &Session,
        photo: &Photo,
        jpeg: &[u8],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        session.require(Role::HealthWorker)?;
        photo.validate(jpeg.len())?;
        let row = PhotoRow::new(photo, jpeg);
        let op = "add photo";
        self.transact(now, async |txn| {
            check_encounter(txn, &row.encounter_id, &row.patient_id, op).await?;
            let revision = txn.revision(Some(session.user()), "photo", &row.id, &row).await?;
            sqlx::query(
                "INSERT INTO photos (id, encounter_id, patient_id, taken_by, taken_at, width, height, jpeg_sha256,
                     jpeg, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .bind(&row.id)
            .bind(&row.encounter_id)
            .bind(&row.patient_id)
            .bind(&row.taken_by)
            .bind(row.taken_at)
            .bind(row.width)
            .bind(row.height)
            .bind(&row.jpeg_sha256)
            .bind(jpeg)
            .bind(revision)
            .execute(&mut *txn.conn)
            .await
            .map_err(StoreError::db(op))?;
            txn.audit(Some(session.user()), "photo.create", Some(&row.id)).await
        })
        .await
    }

    /// The notes, prescriptions and photos (without their bytes) of one encounter. One audited read.
    pub async fn encounter_documents(
        &self,
        session: &Session,
        encounter: EncounterId,
        now: Timestamp,
    ) -> Result<EncounterDocuments, StoreError> {
        let id = encounter.to_string();
        let op = "read documents";
        let (notes, prescriptions, photos): (Vec<NoteRow>, Vec<PrescriptionRow>, Vec<PhotoRow>) = self
            .transact(now, async |txn| {
                let notes = sqlx::query_as(
                    "SELECT id, encounter_id, patient_id, author_name, author_pmdc, written_at, subjective, objective,
                         assessment, plan
                     FROM notes WHERE encounter_id = ?1 ORDER BY written_at, id",
                )
                .bind(&id)
                .fetch_all(&mut *txn.conn)
                .await
                .map_err(StoreError::db(op))?;
                let prescriptions = sqlx::query_as(
                    "SELECT id, encounter_id, patient_id, prescriber_name, prescriber_pmdc, issued_at, items
                     FROM prescriptions WHERE encounter_id = ?1 ORDER BY issued_at, id",
                )
                .bind(&id)
                .fetch_all(&mut *txn.conn)
                .await
                .map_err(StoreError::db(op))?;
                let photos = sqlx::query_as(
                    "SELECT id, encounter_id, patient_id, taken_by, taken_at, width, height, jpeg_sha256
                     FROM photos WHERE encounter_id = ?1 ORDER BY taken_at, id",
                )
                .bind(&id)
                .fetch_all(&mut *txn.conn)
                .await
                .map_err(StoreError::db(op))?;
                txn.audit(Some(session.user()), "documents.read", Some(&id)).await?;
                Ok((notes, prescriptions, photos))
            })
            .await?;
        Ok(EncounterDocuments {
            notes: notes.into_iter().map(NoteRow::into_note).collect::<Result<_, _>>()?,
            prescriptions: prescriptions
                .into_iter()
                .map(PrescriptionRow::into_prescription)
                .collect::<Result<_, _>>()?,
            photos: photos.into_iter().map(PhotoRow::into_photo).collect::<Result<_, _>>()?,
        })
    }

    /// A photo's JPEG bytes. An audited read.
    pub async fn photo_jpeg(&self, session: &Session, photo: PhotoId, now: Timestamp) -> Result<Vec<u8>, StoreError> {
        let id = photo.to_string();
        self.transact(now, async |txn| {
            let jpeg: Option<Vec<u8>> = sqlx::query_scalar("SELECT jpeg FROM photos WHERE id = ?1")
                .bind(&id)
                .fetch_optional(&mut *txn.conn)
                .await
                .map_err(StoreError::db("read photo"))?;
            let jpeg = jpeg.ok_or(StoreError::NotFound { what: "photo" })?;
            txn.audit(Some(session.user()), "photo.read", Some(&id)).await?;
            Ok(jpeg)
        })
        .await
    }
}
