//! What the UI (or the command line) sends in, as typed text, and its validation into domain values. Both the
//! desktop app and `eclinic` register patients and record vitals through these, so the rules are in one place.

use crate::error::AppError;
use eclinic_domain::{
    Birth, Cnic, ConsentGiver, Encounter, Observation, ObservationFlags, ObservationId, ObservationSource,
    ObservationStatus, OptionalText, Patient, PatientId, PhoneNumber, Quantity, RequiredText, Sex, Timestamp, UcumUnit,
    UserId, VitalKind,
};
use eclinic_signal::wire::Priority;
use eclinic_store::{NewEncounter, NewPatient};
use serde::Deserialize;
use time::macros::format_description;

/// The registration form. Empty optional fields may come as `None` or as blank text.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct PatientForm {
    pub name: String,
    /// `female`, `male`, `other` or `unknown`.
    pub sex: String,
    /// YYYY-MM-DD; or give `age`.
    pub date_of_birth: Option<String>,
    /// Years, as the patient states it, when the date of birth is not known.
    pub age: Option<u32>,
    pub cnic: Option<String>,
    pub phone: Option<String>,
    pub village: Option<String>,
    pub address: Option<String>,
}

fn filled(text: &Option<String>) -> Option<&str> {
    text.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

impl PatientForm {
    pub fn validate(&self, today: time::Date) -> Result<NewPatient, AppError> {
        let birth = match (filled(&self.date_of_birth), self.age) {
            (Some(text), None) => Birth::date(
                time::Date::parse(text, format_description!("[year]-[month]-[day]"))
                    .map_err(|_| eclinic_domain::ValidationError::Date { field: "date of birth" })?,
                today,
            )?,
            (None, Some(years)) => Birth::stated_age(years, today)?,
            _ => return Err(AppError::BirthEither),
        };
        Ok(NewPatient {
            name: RequiredText::parse("name", &self.name, Patient::NAME_MAX)?,
            sex: Sex::from_code(self.sex.trim())?,
            birth,
            phone: filled(&self.phone).map(PhoneNumber::parse).transpose()?,
            village: OptionalText::parse("village", filled(&self.village), Patient::PLACE_MAX)?,
            address: OptionalText::parse("address", filled(&self.address), Patient::PLACE_MAX)?,
            cnic: filled(&self.cnic).map(Cnic::parse).transpose()?,
        })
    }
}

/// A visit about to start: the reason and who consented.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct VisitForm {
    pub patient_id: String,
    pub reason: String,
    /// Set when a parent or guardian consented for the patient.
    pub guardian: Option<String>,
    /// The language the consent text was shown in (BCP 47, `en` or `ur`).
    pub consent_language: String,
}

pub(crate) fn parse_id<T: std::str::FromStr>(text: &str, what: &'static str) -> Result<T, AppError> {
    text.trim().parse().map_err(|_| AppError::BadId { what })
}

impl VisitForm {
    pub fn validate(&self) -> Result<NewEncounter, AppError> {
        let patient: PatientId = parse_id(&self.patient_id, "the patient id")?;
        let given_by = match filled(&self.guardian) {
            Some(name) => ConsentGiver::Guardian { name: RequiredText::parse("guardian", name, Patient::NAME_MAX)? },
            None => ConsentGiver::Patient,
        };
        Ok(NewEncounter {
            patient,
            reason: RequiredText::parse("reason", &self.reason, Encounter::REASON_MAX)?,
            consent_given_by: given_by,
            consent_language: RequiredText::parse("consent language", &self.consent_language, 35)?,
        })
    }
}

/// A vital sign typed by hand.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct VitalEntry {
    /// The vital's name (`spo2`, `systolic`, `temperature`, …).
    pub kind: String,
    pub value: String,
    /// A UCUM unit; the vital's usual unit when absent.
    pub unit: Option<String>,
}

impl VitalEntry {
    /// The observation this entry records, typed by `entered_by` at `at`. The store adds plausibility flags.
    pub fn observation(
        &self,
        patient: PatientId,
        encounter: Option<eclinic_domain::EncounterId>,
        entered_by: UserId,
        at: Timestamp,
    ) -> Result<Observation, AppError> {
        let kind = VitalKind::from_name(self.kind.trim())?;
        Ok(Observation {
            id: ObservationId::new(at),
            patient,
            encounter,
            code: kind.loinc(),
            unit: filled(&self.unit).map_or(Ok(kind.default_unit()), UcumUnit::parse)?,
            value: Quantity::parse(self.value.trim())?,
            effective_at: at,
            status: ObservationStatus::Final,
            flags: ObservationFlags::default(),
            source: ObservationSource::Manual { entered_by },
        })
    }
}

/// The longest queue label the server accepts, in characters.
const QUEUE_LABEL_CHARS: usize = 80;

/// What doctors see of a waiting patient: the visit's reason, cut to the server's limit. The name stays
/// at the kiosk until a doctor takes the patient.
pub(crate) fn queue_label(reason: &str) -> String {
    let reason = reason.trim();
    if reason.chars().count() <= QUEUE_LABEL_CHARS {
        return reason.to_owned();
    }
    let cut: String = reason.chars().take(QUEUE_LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

pub(crate) fn parse_priority(text: &str) -> Result<Priority, AppError> {
    match text {
        "routine" => Ok(Priority::Routine),
        "urgent" => Ok(Priority::Urgent),
        "emergency" => Ok(Priority::Emergency),
        _ => Err(AppError::UnknownChoice { what: "priority" }),
    }
}
