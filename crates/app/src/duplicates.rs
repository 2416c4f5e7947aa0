//! Likely duplicates: before a patient is registered, the health worker sees who already in the store may be
//! the same person. A CNIC decides when both have one; otherwise a similar name with the same sex and age, or
//! the same phone with a similar name (families in a village often share one phone).

use eclinic_domain::Patient;
use eclinic_store::{NewPatient, PatientQuery};

/// Years two stated ages or birth dates may differ by and still be the same person.
const AGE_SLACK_YEARS: u32 = 2;

/// The searches that find every patient [`likely_same_person`] could accept.
pub(crate) fn candidate_queries(new: &NewPatient) -> Vec<PatientQuery> {
    let mut queries: Vec<PatientQuery> = name_tokens(new.name.as_str())
        .into_iter()
        .filter(|token| token.chars().count() >= 3)
        .map(PatientQuery::Name)
        .collect();
    queries.extend(new.cnic.map(PatientQuery::Cnic));
    if let Some(phone) = &new.phone {
        queries.push(PatientQuery::parse(phone.as_str()));
    }
    queries
}

pub fn likely_same_person(new: &NewPatient, existing: &Patient, today: time::Date) -> bool {
    if let (Some(a), Some(b)) = (new.cnic, existing.cnic) {
        return a == b;
    }
    let names = similar_names(new.name.as_str(), existing.name.as_str());
    let same_phone = matches!((&new.phone, &existing.phone), (Some(a), Some(b)) if a == b);
    let age_gap = new.birth.age_on(today).abs_diff(existing.birth.age_on(today));
    names && (same_phone || (new.sex == existing.sex && age_gap <= AGE_SLACK_YEARS))
}

fn name_tokens(name: &str) -> Vec<String> {
    name.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_lowercase).collect()
}

/// Every word of the shorter name is in the longer one ("Rukhsana" and "Rukhsana Bibi").
fn similar_names(a: &str, b: &str) -> bool {
    let (a, b) = (name_tokens(a), name_tokens(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && short.iter().all(|t| long.contains(t))
}
