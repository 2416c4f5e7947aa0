//! Observations (vital signs): recorded against a patient, read back in time order, each access audited.

use crate::auth::Session;
use crate::error::StoreError;
use crate::records::ObservationRow;
use crate::store::Store;
use eclinic_domain::{Observation, PatientId, Timestamp};

impl Store {
    /// Records an observation after [`Observation::checked`]; returns it with any flags that check added.
    pub async fn add_observation(
        &self,
        session: &Session,
        observation: Observation,
        now: Timestamp,
    ) -> Result<Observation, StoreError> {
        let observation = observation.checked()?;
        let row = ObservationRow::from(&observation);
        self.transact(now, async |txn| {
            let patient_exists: i64 = sqlx::query_scalar("SELECT count(*) FROM patients WHERE id = ?1")
                .bind(&row.patient_id)
                .fetch_one(&mut *txn.conn)
                .await
                .map_err(StoreError::db("add observation"))?;
            if patient_exists == 0 {
                return Err(StoreError::NotFound { what: "patient" });
            }
            let revision = txn.revision(Some(session.user()), "observation", &row.id, &row).await?;
            sqlx::query(
                "INSERT INTO observations (id, patient_id, encounter_id, loinc, unit, value, effective_at, status, flags,
                     source_user, source_model, source_serial, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            )
            .bind(&row.id)
            .bind(&row.patient_id)
            .bind(&row.encounter_id)
            .bind(&row.loinc)
            .bind(&row.unit)
            .bind(&row.value)
            .bind(row.effective_at)
            .bind(&row.status)
            .bind(row.flags)
            .bind(&row.source_user)
            .bind(&row.source_model)
            .bind(&row.source_serial)
            .bind(revision)
            .execute(&mut *txn.conn)
            .await
            .map_err(StoreError::db("add observation"))?;
            txn.audit(Some(session.user()), "observation.create", Some(&row.id)).await
        })
        .await?;
        Ok(observation)
    }

    /// A patient's observations, oldest first. One audited read of the patient's record.
    pub async fn observations_for(
        &self,
        session: &Session,
        patient: PatientId,
        now: Timestamp,
    ) -> Result<Vec<Observation>, StoreError> {
        let patient = patient.to_string();
        let rows: Vec<ObservationRow> = self
            .transact(now, async |txn| {
                let rows = sqlx::query_as(
                    "SELECT id, patient_id, encounter_id, loinc, unit, value, effective_at, status, flags,
                         source_user, source_model, source_serial
                     FROM observations WHERE patient_id = ?1 ORDER BY effective_at, id",
                )
                .bind(&patient)
                .fetch_all(&mut *txn.conn)
                .await
                .map_err(StoreError::db("read observations"))?;
                txn.audit(Some(session.user()), "observation.read", Some(&patient)).await?;
                Ok(rows)
            })
            .await?;
        rows.into_iter().map(ObservationRow::into_observation).collect()
    }
}
