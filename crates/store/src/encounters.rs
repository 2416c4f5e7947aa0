//! Encounters (consults): started by a health worker with the patient's consent, read back per patient, each
//! access audited; every change appends a revision.

use crate::auth::Session;
use crate::error::StoreError;
use crate::records::EncounterRow;
use crate::store::Store;
use eclinic_domain::{Consent, ConsentGiver, Encounter, EncounterId, PatientId, RequiredText, Role, Timestamp};

/// A consult about to start: the patient, why they came, and who consented in which language.
#[derive(Debug, Clone)]
pub struct NewEncounter {
    pub patient: PatientId,
    pub reason: RequiredText,
    pub consent_given_by: ConsentGiver,
    /// The language the consent text was shown in (BCP 47).
    pub consent_language: RequiredText,
}

const COLUMNS: &str = "id, patient_id, kiosk, health_worker, doctor, reason, started_at, ended_at, consent_by,
    consent_guardian, consent_recorder, consent_at, consent_language";

impl Store {
    /// Starts a consult at this kiosk. Only a health worker starts one, and the consent is recorded with it
    /// (by the same user, at the same time) in one transaction, so no encounter exists without consent.
    pub async fn start_encounter(
        &self,
        session: &Session,
        new: NewEncounter,
        now: Timestamp,
    ) -> Result<Encounter, StoreError> {
        session.require(Role::HealthWorker)?;
        let encounter = Encounter {
            id: EncounterId::new(now),
            patient: new.patient,
            kiosk: self.device_id(),
            health_worker: session.user(),
            doctor: None,
            reason: new.reason,
            started_at: now,
            ended_at: None,
            consent: Consent {
                given_by: new.consent_given_by,
                recorded_by: session.user(),
                recorded_at: now,
                language: new.consent_language,
            },
        };
        let row = EncounterRow::from(&encounter);
        self.transact(now, async |txn| {
            let patient_exists: i64 = sqlx::query_scalar("SELECT count(*) FROM patients WHERE id = ?1")
                .bind(&row.patient_id)
                .fetch_one(&mut *txn.conn)
                .await
                .map_err(StoreError::db("start encounter"))?;
            if patient_exists == 0 {
                return Err(StoreError::NotFound { what: "patient" });
            }
            let revision = txn.revision(Some(session.user()), "encounter", &row.id, &row).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "INSERT INTO encounters ({COLUMNS}, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
            )))
            .bind(&row.id)
            .bind(&row.patient_id)
            .bind(&row.kiosk)
            .bind(&row.health_worker)
            .bind(&row.doctor)
            .bind(&row.reason)
            .bind(row.started_at)
            .bind(row.ended_at)
            .bind(&row.consent_by)
            .bind(&row.consent_guardian)
            .bind(&row.consent_recorder)
            .bind(row.consent_at)
            .bind(&row.consent_language)
            .bind(revision)
            .execute(&mut *txn.conn)
            .await
            .map_err(StoreError::db("start encounter"))?;
            txn.audit(Some(session.user()), "encounter.create", Some(&row.id)).await?;
            txn.audit(Some(session.user()), "consent.record", Some(&row.id)).await
        })
        .await?;
        Ok(encounter)
    }

    /// A patient's encounters, newest first. One audited read of the patient's record.
    pub async fn encounters_for(
        &self,
        session: &Session,
        patient: PatientId,
        now: Timestamp,
    ) -> Result<Vec<Encounter>, StoreError> {
        let patient = patient.to_string();
        let rows: Vec<EncounterRow> = self
            .transact(now, async |txn| {
                let rows = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT {COLUMNS} FROM encounters WHERE patient_id = ?1 ORDER BY started_at DESC, id DESC"
                )))
                .bind(&patient)
                .fetch_all(&mut *txn.conn)
                .await
                .map_err(StoreError::db("read encounters"))?;
                txn.audit(Some(session.user()), "encounter.read", Some(&patient)).await?;
                Ok(rows)
            })
            .await?;
        rows.into_iter().map(EncounterRow::into_encounter).collect()
    }
}
