//! Patients: register, read, search and update, each audited; every change appends a revision.

use crate::auth::Session;
use crate::error::StoreError;
use crate::records::PatientRow;
use crate::store::{Store, Txn};
use eclinic_domain::{Birth, Cnic, OptionalText, Patient, PatientId, PhoneNumber, RequiredText, Sex, Timestamp};

/// A patient about to be registered: everything but the id, already validated.
#[derive(Debug, Clone)]
pub struct NewPatient {
    pub name: RequiredText,
    pub sex: Sex,
    pub birth: Birth,
    pub phone: Option<PhoneNumber>,
    pub village: OptionalText,
    pub address: OptionalText,
    pub cnic: Option<Cnic>,
}

/// What a health worker types in the search box: a CNIC, a phone number or part of a name.
#[derive(Debug, Clone)]
pub enum PatientQuery {
    Cnic(Cnic),
    Phone(String),
    Name(String),
}

impl PatientQuery {
    pub fn parse(text: &str) -> Self {
        let text = text.trim();
        if let Ok(cnic) = Cnic::parse(text) {
            return Self::Cnic(cnic);
        }
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let phone_like = text.chars().all(|c| c.is_ascii_digit() || " +-".contains(c));
        if phone_like && digits.len() >= 4 { Self::Phone(digits) } else { Self::Name(text.to_owned()) }
    }
}

/// `text` as a LIKE pattern that matches it anywhere, with LIKE's wildcards escaped.
fn contains_pattern(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

const COLUMNS: &str = "id, name, sex, birth_date, stated_age, stated_on, phone, village, address, cnic";

async fn write_patient(txn: &mut Txn<'_>, session: &Session, row: &PatientRow, action: &str) -> Result<(), StoreError> {
    let revision = txn.revision(Some(session.user), "patient", &row.id, row).await?;
    sqlx::query(
        "INSERT INTO patients (id, name, sex, birth_date, stated_age, stated_on, phone, village, address, cnic, revision)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
         ON CONFLICT (id) DO UPDATE SET name = ?2, sex = ?3, birth_date = ?4, stated_age = ?5, stated_on = ?6,
             phone = ?7, village = ?8, address = ?9, cnic = ?10, revision = ?11",
    )
    .bind(&row.id)
    .bind(&row.name)
    .bind(&row.sex)
    .bind(&row.birth_date)
    .bind(row.stated_age)
    .bind(&row.stated_on)
    .bind(&row.phone)
    .bind(&row.village)
    .bind(&row.address)
    .bind(&row.cnic)
    .bind(revision)
    .execute(&mut *txn.conn)
    .await
    .map_err(StoreError::db("write patient"))?;
    txn.audit(Some(session.user), action, Some(&row.id)).await
}

impl Store {
    pub async fn add_patient(&self, session: &Session, new: NewPatient, now: Timestamp) -> Result<Patient, StoreError> {
        let patient = Patient {
            id: PatientId::new(now),
            name: new.name,
            sex: new.sex,
            birth: new.birth,
            phone: new.phone,
            village: new.village,
            address: new.address,
            cnic: new.cnic,
        };
        let row = PatientRow::from(&patient);
        self.transact(now, async |txn| write_patient(txn, session, &row, "patient.create").await).await?;
        Ok(patient)
    }

    /// Replaces a patient's details; the previous content stays in the revision history.
    pub async fn update_patient(&self, session: &Session, patient: &Patient, now: Timestamp) -> Result<(), StoreError> {
        let row = PatientRow::from(patient);
        self.transact(now, async |txn| {
            let exists: i64 = sqlx::query_scalar("SELECT count(*) FROM patients WHERE id = ?1")
                .bind(&row.id)
                .fetch_one(&mut *txn.conn)
                .await
                .map_err(StoreError::db("update patient"))?;
            if exists == 0 {
                return Err(StoreError::NotFound { what: "patient" });
            }
            write_patient(txn, session, &row, "patient.update").await
        })
        .await
    }

    pub async fn patient(&self, session: &Session, id: PatientId, now: Timestamp) -> Result<Patient, StoreError> {
        let id = id.to_string();
        let row: PatientRow = self
            .transact(now, async |txn| {
                let row: Option<PatientRow> =
                    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM patients WHERE id = ?1")))
                        .bind(&id)
                        .fetch_optional(&mut *txn.conn)
                        .await
                        .map_err(StoreError::db("read patient"))?;
                let row = row.ok_or(StoreError::NotFound { what: "patient" })?;
                txn.audit(Some(session.user), "patient.read", Some(&row.id)).await?;
                Ok(row)
            })
            .await?;
        row.into_patient()
    }

    /// Finds up to `limit` patients, ordered by name; each one returned is an audited read.
    pub async fn search_patients(
        &self,
        session: &Session,
        query: &PatientQuery,
        limit: u32,
        now: Timestamp,
    ) -> Result<Vec<Patient>, StoreError> {
        let (filter, arg) = match query {
            PatientQuery::Cnic(c) => ("cnic = ?1", c.to_string()),
            PatientQuery::Phone(digits) => ("phone LIKE ?1 ESCAPE '\\'", contains_pattern(digits)),
            PatientQuery::Name(name) => ("name LIKE ?1 ESCAPE '\\'", contains_pattern(name)),
        };
        let sql = format!("SELECT {COLUMNS} FROM patients WHERE {filter} ORDER BY name, id LIMIT ?2");
        let rows: Vec<PatientRow> = self
            .transact(now, async |txn| {
                let rows: Vec<PatientRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(arg)
                    .bind(i64::from(limit))
                    .fetch_all(&mut *txn.conn)
                    .await
                    .map_err(StoreError::db("search patients"))?;
                for row in &rows {
                    txn.audit(Some(session.user), "patient.read", Some(&row.id)).await?;
                }
                Ok(rows)
            })
            .await?;
        rows.into_iter().map(PatientRow::into_patient).collect()
    }
}
