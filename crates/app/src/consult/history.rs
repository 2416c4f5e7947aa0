//! Kiosk: the patient's history as the doctor needs it — who they are, earlier visits with the doctor's
//! assessment, plan and medicines, and the recorded vitals — read from the record when the call starts and
//! sent to the doctor in one frame. The doctor's PC keeps none of it.

use eclinic_call::channel::{HistoryPush, MAX_ITEM_FIELD_BYTES, PastVisit, PastVital};
use eclinic_domain::{Encounter, Observation, OptionalText};
use eclinic_store::EncounterDocuments;

use super::filing::Filing;
use crate::{AppError, now};

/// `text` cut to at most `max` bytes, on a character boundary.
fn clipped(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

fn section(text: &OptionalText) -> String {
    clipped(text.or_empty(), MAX_ITEM_FIELD_BYTES)
}

fn past_visit(encounter: &Encounter, documents: &EncounterDocuments) -> PastVisit {
    let note = documents.notes.last();
    let medicines: Vec<&str> =
        documents.prescriptions.iter().flat_map(|p| p.items.iter().map(|item| item.drug.as_str())).collect();
    PastVisit {
        started_at_ms: u64::try_from(encounter.started_at.unix_ms()).unwrap_or(0),
        reason: clipped(encounter.reason.as_str(), MAX_ITEM_FIELD_BYTES),
        assessment: note.map(|n| section(&n.assessment)).unwrap_or_default(),
        plan: note.map(|n| section(&n.plan)).unwrap_or_default(),
        medicines: clipped(&medicines.join("; "), MAX_ITEM_FIELD_BYTES),
    }
}

fn past_vital(observation: &Observation) -> PastVital {
    PastVital {
        loinc: observation.code.as_str().to_owned(),
        value: observation.value.to_string(),
        unit: observation.unit.as_str().to_owned(),
        at_ms: u64::try_from(observation.effective_at.unix_ms()).unwrap_or(0),
    }
}

impl Filing {
    /// The open visit's patient's history, cut to one frame (the newest kept).
    pub(crate) async fn history(&self) -> Result<HistoryPush, AppError> {
        let at = now();
        let history = self
            .records
            .with_store(async |store, session| {
                let patient = store.patient(session, self.visit.patient, at).await?;
                let mut visits = Vec::new();
                for encounter in store.encounters_for(session, patient.id, at).await? {
                    if encounter.id != self.visit.id && visits.len() < eclinic_call::channel::MAX_HISTORY_VISITS {
                        let documents = store.encounter_documents(session, encounter.id, at).await?;
                        visits.push(past_visit(&encounter, &documents));
                    }
                }
                let vitals = store.observations_for(session, patient.id, at).await?.iter().map(past_vital).collect();
                Ok(HistoryPush {
                    name: clipped(patient.name.as_str(), MAX_ITEM_FIELD_BYTES),
                    sex: patient.sex.code().to_owned(),
                    age_years: u16::try_from(patient.birth.age_on(at.date())).unwrap_or(u16::MAX),
                    visits,
                    vitals,
                })
            })
            .await?;
        Ok(history.fitted()?)
    }
}
