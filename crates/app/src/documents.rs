//! The consult's documents on their way: the doctor's notes and prescription from the doctor's form to the
//! data channel, and from the data channel into the kiosk's record. Both ends check with the same rules:
//! the doctor's screen so that nothing is sent that the kiosk must refuse, the kiosk because what arrives
//! from a peer is input like any other.

use eclinic_call::channel::{NotesPush, PrescribedItem, PrescriptionPush};
use eclinic_domain::{
    Clinician, Encounter, NoteId, OptionalText, PmdcNumber, Prescriber, Prescription, PrescriptionId, PrescriptionItem,
    RequiredText, Route, SoapNote, Timestamp, ValidationError,
};
use serde::Deserialize;

use crate::error::AppError;

/// The doctor's SOAP note as typed; empty sections are left out.
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct NotesForm {
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
}

/// One medicine as typed; `route` is a route code (`oral`, `topical`, …).
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct PrescriptionItemForm {
    pub drug: String,
    pub dose: String,
    pub route: String,
    pub frequency: String,
    pub duration: String,
    pub instructions: String,
}

#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
pub struct PrescriptionForm {
    pub items: Vec<PrescriptionItemForm>,
}

type Sections = [OptionalText; 4];

fn sections(texts: [&str; 4]) -> Result<Sections, ValidationError> {
    let [s, o, a, p] = texts;
    let section = |name, text: &str| OptionalText::parse(name, Some(text), SoapNote::SECTION_MAX);
    let sections =
        [section("subjective", s)?, section("objective", o)?, section("assessment", a)?, section("plan", p)?];
    if sections.iter().all(OptionalText::is_empty) {
        return Err(ValidationError::EmptyNote);
    }
    Ok(sections)
}

fn items<'a>(typed: impl ExactSizeIterator<Item = [&'a str; 6]>) -> Result<Vec<PrescriptionItem>, ValidationError> {
    if typed.len() == 0 {
        return Err(ValidationError::EmptyPrescription);
    }
    if typed.len() > Prescription::ITEMS_MAX {
        return Err(ValidationError::TooLong { field: "prescription", max: Prescription::ITEMS_MAX });
    }
    typed
        .map(|[drug, dose, route, frequency, duration, instructions]| {
            let field = |name, text: &str| RequiredText::parse(name, text, Prescription::FIELD_MAX);
            Ok(PrescriptionItem {
                drug: field("drug", drug)?,
                dose: field("dose", dose)?,
                route: Route::from_code(route.trim())?,
                frequency: field("frequency", frequency)?,
                duration: field("duration", duration)?,
                instructions: OptionalText::parse("instructions", Some(instructions), Prescription::INSTRUCTIONS_MAX)?,
            })
        })
        .collect()
}

impl NotesForm {
    /// Doctor: the note checked, ready to push under a new id.
    pub fn to_push(&self, id: NoteId) -> Result<NotesPush, AppError> {
        let [subjective, objective, assessment, plan] =
            sections([&self.subjective, &self.objective, &self.assessment, &self.plan])?;
        let push = NotesPush {
            record_id: id.to_bytes(),
            subjective: subjective.or_empty().to_owned(),
            objective: objective.or_empty().to_owned(),
            assessment: assessment.or_empty().to_owned(),
            plan: plan.or_empty().to_owned(),
        };
        eclinic_call::channel::Message::Notes(push.clone()).encode()?;
        Ok(push)
    }
}

impl PrescriptionForm {
    /// Doctor: the prescription checked, ready to push under a new id.
    pub fn to_push(&self, id: PrescriptionId) -> Result<PrescriptionPush, AppError> {
        let typed =
            self.items.iter().map(|i| [&*i.drug, &*i.dose, &*i.route, &*i.frequency, &*i.duration, &*i.instructions]);
        let items = items(typed)?
            .iter()
            .map(|item| PrescribedItem {
                drug: item.drug.to_string(),
                dose: item.dose.to_string(),
                route: item.route.code().to_owned(),
                frequency: item.frequency.to_string(),
                duration: item.duration.to_string(),
                instructions: item.instructions.or_empty().to_owned(),
            })
            .collect();
        let push = PrescriptionPush { record_id: id.to_bytes(), items };
        eclinic_call::channel::Message::Prescription(push.clone()).encode()?;
        Ok(push)
    }
}

/// The doctor as the server vouched for them when they took the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DoctorIdentity {
    pub name: String,
    pub pmdc: Option<String>,
}

impl DoctorIdentity {
    fn clinician(&self) -> Result<Clinician, ValidationError> {
        Ok(Clinician {
            name: RequiredText::parse("doctor's name", &self.name, eclinic_domain::User::NAME_MAX)?,
            pmdc: self.pmdc.as_deref().map(PmdcNumber::parse).transpose()?,
        })
    }
}

/// Kiosk: a pushed note as a record of the visit.
pub(crate) fn note_from_push(
    push: &NotesPush,
    visit: &Encounter,
    doctor: &DoctorIdentity,
    now: Timestamp,
) -> Result<SoapNote, AppError> {
    let [subjective, objective, assessment, plan] =
        sections([&push.subjective, &push.objective, &push.assessment, &push.plan])?;
    Ok(SoapNote {
        id: NoteId::from_bytes(push.record_id),
        encounter: visit.id,
        patient: visit.patient,
        author: doctor.clinician()?,
        written_at: now,
        subjective,
        objective,
        assessment,
        plan,
    })
}

/// Kiosk: a pushed prescription as a record of the visit; only a doctor with a PMDC number prescribes.
pub(crate) fn prescription_from_push(
    push: &PrescriptionPush,
    visit: &Encounter,
    doctor: &DoctorIdentity,
    now: Timestamp,
) -> Result<Prescription, AppError> {
    let clinician = doctor.clinician()?;
    let pmdc = clinician.pmdc.ok_or(ValidationError::Pmdc)?;
    let typed =
        push.items.iter().map(|i| [&*i.drug, &*i.dose, &*i.route, &*i.frequency, &*i.duration, &*i.instructions]);
    Ok(Prescription {
        id: PrescriptionId::from_bytes(push.record_id),
        encounter: visit.id,
        patient: visit.patient,
        prescriber: Prescriber { name: clinician.name, pmdc },
        issued_at: now,
        items: items(typed)?,
    })
}
