//! The stored form of each record type. One struct per type serves both as the table row (`FromRow`) and as
//! the revision content (serde JSON), so the history always holds exactly what the table held.

use crate::error::StoreError;
use eclinic_domain::{
    Birth, Clinician, Cnic, Consent, ConsentGiver, Encounter, LoincCode, Observation, ObservationFlags,
    ObservationSource, ObservationStatus, OptionalText, Patient, PhoneNumber, Photo, PmdcNumber, Prescriber,
    Prescription, PrescriptionItem, Quantity, RequiredText, Role, Route, Sex, SoapNote, Timestamp, UcumUnit, User,
    Username,
};
use serde::{Deserialize, Serialize};
use time::Date;
use time::macros::format_description;

fn bad(what: &'static str) -> impl Fn(eclinic_domain::ValidationError) -> StoreError {
    move |_| StoreError::BadRecord { what }
}

fn parse_id<T: std::str::FromStr>(text: &str, what: &'static str) -> Result<T, StoreError> {
    text.parse().map_err(|_| StoreError::BadRecord { what })
}

const DATE: &[time::format_description::BorrowedFormatItem<'static>] = format_description!("[year]-[month]-[day]");

pub(crate) fn format_date(date: Date) -> String {
    // Invariant: DATE has only numeric components, which format for every Date.
    date.format(DATE).expect("numeric date format never fails")
}

pub(crate) fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text, DATE).ok()
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize, Deserialize)]
pub(crate) struct UserRow {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub pmdc: Option<String>,
    pub active: bool,
}

impl From<&User> for UserRow {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.as_str().to_owned(),
            display_name: u.display_name.to_string(),
            role: u.role.code().to_owned(),
            pmdc: u.pmdc.as_ref().map(|p| p.as_str().to_owned()),
            active: u.active,
        }
    }
}

impl UserRow {
    pub fn into_user(self) -> Result<User, StoreError> {
        let what = "user";
        Ok(User {
            id: parse_id(&self.id, what)?,
            username: Username::parse(&self.username).map_err(bad(what))?,
            display_name: RequiredText::parse("name", &self.display_name, User::NAME_MAX).map_err(bad(what))?,
            role: Role::from_code(&self.role).map_err(bad(what))?,
            pmdc: self.pmdc.as_deref().map(PmdcNumber::parse).transpose().map_err(bad(what))?,
            active: self.active,
        })
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub(crate) struct PatientRow {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub birth_date: Option<String>,
    pub stated_age: Option<i64>,
    pub stated_on: Option<String>,
    pub phone: Option<String>,
    pub village: Option<String>,
    pub address: Option<String>,
    pub cnic: Option<String>,
}

impl From<&Patient> for PatientRow {
    fn from(p: &Patient) -> Self {
        let (birth_date, stated_age, stated_on) = match p.birth {
            Birth::Date(d) => (Some(format_date(d)), None, None),
            Birth::StatedAge { years, stated_on } => (None, Some(i64::from(years)), Some(format_date(stated_on))),
        };
        Self {
            id: p.id.to_string(),
            name: p.name.to_string(),
            sex: p.sex.code().to_owned(),
            birth_date,
            stated_age,
            stated_on,
            phone: p.phone.as_ref().map(|ph| ph.as_str().to_owned()),
            village: p.village.as_deref().map(str::to_owned),
            address: p.address.as_deref().map(str::to_owned),
            cnic: p.cnic.map(|c| c.to_string()),
        }
    }
}

impl PatientRow {
    pub fn into_patient(self) -> Result<Patient, StoreError> {
        let what = "patient";
        let date = |text: Option<&str>| text.and_then(parse_date).ok_or(StoreError::BadRecord { what });
        let birth = match (self.birth_date.as_deref(), self.stated_age) {
            (Some(d), None) => Birth::Date(date(Some(d))?),
            (None, Some(years)) => Birth::StatedAge {
                years: u8::try_from(years).map_err(|_| StoreError::BadRecord { what })?,
                stated_on: date(self.stated_on.as_deref())?,
            },
            _ => return Err(StoreError::BadRecord { what }),
        };
        Ok(Patient {
            id: parse_id(&self.id, what)?,
            name: RequiredText::parse("name", &self.name, Patient::NAME_MAX).map_err(bad(what))?,
            sex: Sex::from_code(&self.sex).map_err(bad(what))?,
            birth,
            phone: self.phone.as_deref().map(PhoneNumber::parse).transpose().map_err(bad(what))?,
            village: OptionalText::parse("village", self.village.as_deref(), Patient::PLACE_MAX).map_err(bad(what))?,
            address: OptionalText::parse("address", self.address.as_deref(), Patient::PLACE_MAX).map_err(bad(what))?,
            cnic: self.cnic.as_deref().map(Cnic::parse).transpose().map_err(bad(what))?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub(crate) struct ObservationRow {
    pub id: String,
    pub patient_id: String,
    pub encounter_id: Option<String>,
    pub loinc: String,
    pub unit: String,
    /// Text, so the written precision survives storage: `2.0` stays `2.0`.
    pub value: String,
    pub effective_at: i64,
    pub status: String,
    pub flags: i64,
    pub source_user: Option<String>,
    pub source_model: Option<String>,
    pub source_serial: Option<String>,
}

impl From<&Observation> for ObservationRow {
    fn from(o: &Observation) -> Self {
        let (source_user, source_model, source_serial) = match &o.source {
            ObservationSource::Manual { entered_by } => (Some(entered_by.to_string()), None, None),
            ObservationSource::Device { model, serial } => {
                (None, Some(model.to_string()), serial.as_ref().map(ToString::to_string))
            }
        };
        Self {
            id: o.id.to_string(),
            patient_id: o.patient.to_string(),
            encounter_id: o.encounter.map(|e| e.to_string()),
            loinc: o.code.as_str().to_owned(),
            unit: o.unit.as_str().to_owned(),
            value: o.value.to_string(),
            effective_at: o.effective_at.unix_ms(),
            status: o.status.code().to_owned(),
            flags: i64::from(o.flags.bits()),
            source_user,
            source_model,
            source_serial,
        }
    }
}

impl ObservationRow {
    pub fn into_observation(self) -> Result<Observation, StoreError> {
        let what = "observation";
        let text = |t: &str| RequiredText::parse("device", t, 200).map_err(bad(what));
        let source = match (self.source_user.as_deref(), self.source_model.as_deref()) {
            (Some(user), None) => ObservationSource::Manual { entered_by: parse_id(user, what)? },
            (None, Some(model)) => ObservationSource::Device {
                model: text(model)?,
                serial: self.source_serial.as_deref().map(text).transpose()?,
            },
            _ => return Err(StoreError::BadRecord { what }),
        };
        Ok(Observation {
            id: parse_id(&self.id, what)?,
            patient: parse_id(&self.patient_id, what)?,
            encounter: self.encounter_id.as_deref().map(|e| parse_id(e, what)).transpose()?,
            code: LoincCode::parse(&self.loinc).map_err(bad(what))?,
            unit: UcumUnit::parse(&self.unit).map_err(bad(what))?,
            value: Quantity::parse(&self.value).map_err(bad(what))?,
            effective_at: Timestamp::from_unix_ms(self.effective_at),
            status: ObservationStatus::from_code(&self.status).map_err(bad(what))?,
            flags: ObservationFlags::from_bits(u32::try_from(self.flags).map_err(|_| StoreError::BadRecord { what })?),
            source,
        })
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub(crate) struct EncounterRow {
    pub id: String,
    pub patient_id: String,
    pub kiosk: String,
    pub health_worker: String,
    pub doctor: Option<String>,
    pub reason: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    /// `patient` or `guardian` (then `consent_guardian` names them).
    pub consent_by: String,
    pub consent_guardian: Option<String>,
    pub consent_recorder: String,
    pub consent_at: i64,
    pub consent_language: String,
}

impl From<&Encounter> for EncounterRow {
    fn from(e: &Encounter) -> Self {
        let (consent_by, consent_guardian) = match &e.consent.given_by {
            ConsentGiver::Patient => ("patient", None),
            ConsentGiver::Guardian { name } => ("guardian", Some(name.to_string())),
        };
        Self {
            id: e.id.to_string(),
            patient_id: e.patient.to_string(),
            kiosk: e.kiosk.to_string(),
            health_worker: e.health_worker.to_string(),
            doctor: e.doctor.map(|d| d.to_string()),
            reason: e.reason.to_string(),
            started_at: e.started_at.unix_ms(),
            ended_at: e.ended_at.map(Timestamp::unix_ms),
            consent_by: consent_by.to_owned(),
            consent_guardian,
            consent_recorder: e.consent.recorded_by.to_string(),
            consent_at: e.consent.recorded_at.unix_ms(),
            consent_language: e.consent.language.to_string(),
        }
    }
}

impl EncounterRow {
    pub fn into_encounter(self) -> Result<Encounter, StoreError> {
        let what = "encounter";
        let text = |field, t: &str, max| RequiredText::parse(field, t, max).map_err(bad(what));
        let given_by = match (self.consent_by.as_str(), self.consent_guardian.as_deref()) {
            ("patient", None) => ConsentGiver::Patient,
            ("guardian", Some(name)) => ConsentGiver::Guardian { name: text("guardian", name, Patient::NAME_MAX)? },
            _ => return Err(StoreError::BadRecord { what }),
        };
        Ok(Encounter {
            id: parse_id(&self.id, what)?,
            patient: parse_id(&self.patient_id, what)?,
            kiosk: parse_id(&self.kiosk, what)?,
            health_worker: parse_id(&self.health_worker, what)?,
            doctor: self.doctor.as_deref().map(|d| parse_id(d, what)).transpose()?,
            reason: text("reason", &self.reason, Encounter::REASON_MAX)?,
            started_at: Timestamp::from_unix_ms(self.started_at),
            ended_at: self.ended_at.map(Timestamp::from_unix_ms),
            consent: Consent {
                given_by,
                recorded_by: parse_id(&self.consent_recorder, what)?,
                recorded_at: Timestamp::from_unix_ms(self.consent_at),
                language: text("language", &self.consent_language, 35)?,
            },
        })
    }
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub(crate) struct NoteRow {
    pub id: String,
    pub encounter_id: String,
    pub patient_id: String,
    pub author_name: String,
    pub author_pmdc: Option<String>,
    pub written_at: i64,
    pub subjective: Option<String>,
    pub objective: Option<String>,
    pub assessment: Option<String>,
    pub plan: Option<String>,
}

impl From<&SoapNote> for NoteRow {
    fn from(n: &SoapNote) -> Self {
        let section = |s: &OptionalText| s.as_deref().map(str::to_owned);
        Self {
            id: n.id.to_string(),
            encounter_id: n.encounter.to_string(),
            patient_id: n.patient.to_string(),
            author_name: n.author.name.to_string(),
            author_pmdc: n.author.pmdc.as_ref().map(|p| p.as_str().to_owned()),
            written_at: n.written_at.unix_ms(),
            subjective: section(&n.subjective),
            objective: section(&n.objective),
            assessment: section(&n.assessment),
            plan: section(&n.plan),
        }
    }
}

impl NoteRow {
    pub fn into_note(self) -> Result<SoapNote, StoreError> {
        let what = "note";
        let section = |name, s: Option<&str>| OptionalText::parse(name, s, SoapNote::SECTION_MAX).map_err(bad(what));
        Ok(SoapNote {
            id: parse_id(&self.id, what)?,
            encounter: parse_id(&self.encounter_id, what)?,
            patient: parse_id(&self.patient_id, what)?,
            author: Clinician {
                name: RequiredText::parse("name", &self.author_name, User::NAME_MAX).map_err(bad(what))?,
                pmdc: self.author_pmdc.as_deref().map(PmdcNumber::parse).transpose().map_err(bad(what))?,
            },
            written_at: Timestamp::from_unix_ms(self.written_at),
            subjective: section("subjective", self.subjective.as_deref())?,
            objective: section("objective", self.objective.as_deref())?,
            assessment: section("assessment", self.assessment.as_deref())?,
            plan: section("plan", self.plan.as_deref())?,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ItemRow {
    pub drug: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    pub duration: String,
    pub instructions: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub(crate) struct PrescriptionRow {
    pub id: String,
    pub encounter_id: String,
    pub patient_id: String,
    pub prescriber_name: String,
    pub prescriber_pmdc: String,
    pub issued_at: i64,
    /// `ItemRow`s as a JSON array.
    pub items: String,
}

impl From<&Prescription> for PrescriptionRow {
    fn from(p: &Prescription) -> Self {
        let items: Vec<ItemRow> = p
            .items
            .iter()
            .map(|i| ItemRow {
                drug: i.drug.to_string(),
                dose: i.dose.to_string(),
                route: i.route.code().to_owned(),
                frequency: i.frequency.to_string(),
                duration: i.duration.to_string(),
                instructions: i.instructions.as_deref().map(str::to_owned),
            })
            .collect();
        Self {
            id: p.id.to_string(),
            encounter_id: p.encounter.to_string(),
            patient_id: p.patient.to_string(),
            prescriber_name: p.prescriber.name.to_string(),
            prescriber_pmdc: p.prescriber.pmdc.as_str().to_owned(),
            issued_at: p.issued_at.unix_ms(),
            // Invariant: a Vec of plain string structs always serialises.
            items: serde_json::to_string(&items).expect("prescription items serialise"),
        }
    }
}

impl PrescriptionRow {
    pub fn into_prescription(self) -> Result<Prescription, StoreError> {
        let what = "prescription";
        let field = |name, s: &str| RequiredText::parse(name, s, Prescription::FIELD_MAX).map_err(bad(what));
        let rows: Vec<ItemRow> = serde_json::from_str(&self.items).map_err(|_| StoreError::BadRecord { what })?;
        let items = rows
            .iter()
            .map(|i| {
                Ok(PrescriptionItem {
                    drug: field("drug", &i.drug)?,
                    dose: field("dose", &i.dose)?,
                    route: Route::from_code(&i.route).map_err(bad(what))?,
                    frequency: field("frequency", &i.frequency)?,
                    duration: field("duration", &i.duration)?,
                    instructions: OptionalText::parse(
                        "instructions",
                        i.instructions.as_deref(),
                        Prescription::INSTRUCTIONS_MAX,
                    )
                    .map_err(bad(what))?,
                })
            })
            .collect::<Result<_, StoreError>>()?;
        Ok(Prescription {
            id: parse_id(&self.id, what)?,
            encounter: parse_id(&self.encounter_id, what)?,
            patient: parse_id(&self.patient_id, what)?,
            prescriber: Prescriber {
                name: RequiredText::parse("name", &self.prescriber_name, User::NAME_MAX).map_err(bad(what))?,
                pmdc: PmdcNumber::parse(&self.prescriber_pmdc).map_err(bad(what))?,
            },
            issued_at: Timestamp::from_unix_ms(self.issued_at),
            items,
        })
    }
}

/// A photo's description; the JPEG is stored beside it, and only its digest goes into revisions.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, Serialize, Deserialize)]
pub(crate) struct PhotoRow {
    pub id: String,
    pub encounter_id: String,
    pub patient_id: String,
    pub taken_by: String,
    pub taken_at: i64,
    pub width: i64,
    pub height: i64,
    pub jpeg_sha256: String,
}

impl PhotoRow {
    pub fn new(p: &Photo, jpeg: &[u8]) -> Self {
        use sha2::Digest;
        Self {
            id: p.id.to_string(),
            encounter_id: p.encounter.to_string(),
            patient_id: p.patient.to_string(),
            taken_by: p.taken_by.to_string(),
            taken_at: p.taken_at.unix_ms(),
            width: i64::from(p.width),
            height: i64::from(p.height),
            jpeg_sha256: hex::encode(sha2::Sha256::digest(jpeg)),
        }
    }

    pub fn into_photo(self) -> Result<Photo, StoreError> {
        let what = "photo";
        let size = |v: i64| u32::try_from(v).map_err(|_| StoreError::BadRecord { what });
        Ok(Photo {
            id: parse_id(&self.id, what)?,
            encounter: parse_id(&self.encounter_id, what)?,
            patient: parse_id(&self.patient_id, what)?,
            taken_by: parse_id(&self.taken_by, what)?,
            taken_at: Timestamp::from_unix_ms(self.taken_at),
            width: size(self.width)?,
            height: size(self.height)?,
        })
    }
}
