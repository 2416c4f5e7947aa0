//! What the UI (and `eclinic --json`) is shown: flat, serialisable pictures of domain values.

use eclinic_domain::{
    Birth, ConsentGiver, Encounter, Observation, ObservationSource, Patient, Photo, Prescription, Role, SoapNote, User,
    VitalKind,
};
use eclinic_store::EncounterDocuments;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct UserView {
    pub username: String,
    /// `health-worker`, `doctor` or `admin`.
    pub role: String,
    /// The language this user chose last (a catalogue's tag), if they ever chose one.
    pub language: Option<String>,
    /// How long the window may sit untouched before it locks (set by an admin).
    pub auto_lock_seconds: u32,
}

impl UserView {
    pub fn new(username: &str, role: Role, language: Option<String>, auto_lock_seconds: u32) -> Self {
        Self { username: username.to_owned(), role: role.code().to_owned(), language, auto_lock_seconds }
    }
}

/// An account of this installation, as the admin console and `eclinic user list` show it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct AccountView {
    pub id: String,
    pub username: String,
    pub name: String,
    /// `health-worker`, `doctor` or `admin`.
    pub role: String,
    pub pmdc: Option<String>,
    pub active: bool,
}

impl From<&User> for AccountView {
    fn from(u: &User) -> Self {
        Self {
            id: u.id.to_string(),
            username: u.username.as_str().to_owned(),
            name: u.display_name.to_string(),
            role: u.role.code().to_owned(),
            pmdc: u.pmdc.as_ref().map(|p| p.as_str().to_owned()),
            active: u.active,
        }
    }
}

/// The doctor signed in at the server.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct DoctorView {
    pub name: String,
    /// The language this doctor chose last on this PC, if they ever chose one.
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PatientView {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub date_of_birth: Option<String>,
    pub stated_age: Option<u8>,
    pub cnic: Option<String>,
    pub phone: Option<String>,
    pub village: Option<String>,
    pub address: Option<String>,
}

impl From<&Patient> for PatientView {
    fn from(p: &Patient) -> Self {
        let (date_of_birth, stated_age) = match p.birth {
            Birth::Date(d) => (Some(d.to_string()), None),
            Birth::StatedAge { years, .. } => (None, Some(years)),
        };
        Self {
            id: p.id.to_string(),
            name: p.name.to_string(),
            sex: p.sex.code().to_owned(),
            date_of_birth,
            stated_age,
            cnic: p.cnic.map(|c| c.to_string()),
            phone: p.phone.as_ref().map(|ph| ph.as_str().to_owned()),
            village: p.village.as_deref().map(str::to_owned),
            address: p.address.as_deref().map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ObservationView {
    pub id: String,
    pub patient: String,
    pub encounter: Option<String>,
    pub loinc: String,
    /// The vital's name when the code is one e-clinic knows.
    pub kind: Option<String>,
    /// Text, so that the written precision is kept (37.0 is not 37).
    pub value: String,
    pub unit: String,
    pub effective_at_ms: i64,
    pub status: String,
    /// Device conditions and plausibility (`implausible`, `probe-off`, …).
    pub flags: Vec<String>,
    /// The device model, or `None` when typed by hand.
    pub device: Option<String>,
}

impl From<&Observation> for ObservationView {
    fn from(o: &Observation) -> Self {
        Self {
            id: o.id.to_string(),
            patient: o.patient.to_string(),
            encounter: o.encounter.map(|e| e.to_string()),
            loinc: o.code.as_str().to_owned(),
            kind: VitalKind::from_loinc(&o.code).map(|k| k.name().to_owned()),
            value: o.value.to_string(),
            unit: o.unit.as_str().to_owned(),
            effective_at_ms: o.effective_at.unix_ms(),
            status: o.status.code().to_owned(),
            flags: o.flags.iter().map(|f| f.code().to_owned()).collect(),
            device: match &o.source {
                ObservationSource::Device { model, .. } => Some(model.to_string()),
                ObservationSource::Manual { .. } => None,
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct VisitView {
    pub id: String,
    pub patient: String,
    pub reason: String,
    pub started_at_ms: i64,
    /// `patient`, or the guardian's name.
    pub consent_by: String,
    pub consent_language: String,
}

impl From<&Encounter> for VisitView {
    fn from(e: &Encounter) -> Self {
        Self {
            id: e.id.to_string(),
            patient: e.patient.to_string(),
            reason: e.reason.to_string(),
            started_at_ms: e.started_at.unix_ms(),
            consent_by: match &e.consent.given_by {
                ConsentGiver::Patient => "patient".to_owned(),
                ConsentGiver::Guardian { name } => name.to_string(),
            },
            consent_language: e.consent.language.to_string(),
        }
    }
}

/// The outcome of a registration: the new patient, or the patients it may be the same person as.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Registration {
    Registered { patient: PatientView },
    PossibleDuplicates { candidates: Vec<PatientView> },
}

/// A doctor's note as filed at the kiosk.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct NoteView {
    pub id: String,
    pub author: String,
    pub pmdc: Option<String>,
    pub written_at_ms: i64,
    pub subjective: String,
    pub objective: String,
    pub assessment: String,
    pub plan: String,
}

impl From<&SoapNote> for NoteView {
    fn from(n: &SoapNote) -> Self {
        Self {
            id: n.id.to_string(),
            author: n.author.name.to_string(),
            pmdc: n.author.pmdc.as_ref().map(|p| p.as_str().to_owned()),
            written_at_ms: n.written_at.unix_ms(),
            subjective: n.subjective.or_empty().to_owned(),
            objective: n.objective.or_empty().to_owned(),
            assessment: n.assessment.or_empty().to_owned(),
            plan: n.plan.or_empty().to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PrescriptionItemView {
    pub drug: String,
    pub dose: String,
    /// The route's code (`oral`, …); the UI's catalogue names it.
    pub route: String,
    pub frequency: String,
    pub duration: String,
    pub instructions: String,
}

/// A prescription as filed at the kiosk.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PrescriptionView {
    pub id: String,
    pub prescriber: String,
    pub pmdc: String,
    pub issued_at_ms: i64,
    pub items: Vec<PrescriptionItemView>,
    /// Printed on the prescription; see `printing::verification_code`.
    pub verification_code: String,
}

impl From<&Prescription> for PrescriptionView {
    fn from(p: &Prescription) -> Self {
        Self {
            id: p.id.to_string(),
            prescriber: p.prescriber.name.to_string(),
            pmdc: p.prescriber.pmdc.as_str().to_owned(),
            issued_at_ms: p.issued_at.unix_ms(),
            verification_code: crate::printing::verification_code(p),
            items: p
                .items
                .iter()
                .map(|i| PrescriptionItemView {
                    drug: i.drug.to_string(),
                    dose: i.dose.to_string(),
                    route: i.route.code().to_owned(),
                    frequency: i.frequency.to_string(),
                    duration: i.duration.to_string(),
                    instructions: i.instructions.or_empty().to_owned(),
                })
                .collect(),
        }
    }
}

/// A prescription as it is printed for the patient: the clinic, the patient, and the prescription.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PrescriptionSheetView {
    /// The kiosk's name as the server knows it, when it is enrolled.
    pub clinic: Option<String>,
    pub patient: PatientView,
    pub prescription: PrescriptionView,
}

/// A visit as printed for the patient: the clinic, the patient, the visit and its consent, the vitals taken
/// in it, and the doctor's notes and prescriptions.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct VisitSummaryView {
    pub clinic: Option<String>,
    pub patient: PatientView,
    pub visit: VisitView,
    pub vitals: Vec<ObservationView>,
    pub documents: VisitDocumentsView,
}

/// A still photo kept with the visit (its picture is fetched separately).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PhotoView {
    pub id: String,
    pub taken_at_ms: i64,
    pub width: u32,
    pub height: u32,
}

impl From<&Photo> for PhotoView {
    fn from(p: &Photo) -> Self {
        Self { id: p.id.to_string(), taken_at_ms: p.taken_at.unix_ms(), width: p.width, height: p.height }
    }
}

/// What the visit's consult left in the record.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct VisitDocumentsView {
    pub notes: Vec<NoteView>,
    pub prescriptions: Vec<PrescriptionView>,
    pub photos: Vec<PhotoView>,
}

impl From<&EncounterDocuments> for VisitDocumentsView {
    fn from(d: &EncounterDocuments) -> Self {
        Self {
            notes: d.notes.iter().map(NoteView::from).collect(),
            prescriptions: d.prescriptions.iter().map(PrescriptionView::from).collect(),
            photos: d.photos.iter().map(PhotoView::from).collect(),
        }
    }
}
