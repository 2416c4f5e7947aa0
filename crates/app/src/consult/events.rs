//! What the consult screens are told, as it happens: the queue, the doctor who took the patient, the call's
//! state and its statistics each second, the far end's live vitals, and the end.

use crate::ApiError;
use crate::views::{NoteView, PhotoView, PrescriptionView};
use eclinic_call::channel::{HistoryPush, LiveVital};
use eclinic_call::meter::SecondStats;
use eclinic_domain::{LoincCode, VitalKind};
use eclinic_signal::wire::{Outcome, Priority, QueueEntry};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ConsultEvent {
    /// Kiosk: the patient's place in the queue; the wait is unknown while no doctor is online.
    Queued {
        position: u32,
        estimated_wait_s: Option<u32>,
    },
    /// Kiosk: doctors online now (busy ones included).
    DoctorsOnline {
        count: u32,
    },
    /// Doctor: everyone waiting, in the order they will be served.
    Queue {
        entries: Vec<QueueEntryView>,
    },
    /// Kiosk: a doctor took the patient.
    Accepted {
        doctor: String,
        pmdc: Option<String>,
    },
    /// Doctor: the patient taken.
    Taken {
        label: String,
        kiosk: String,
    },
    /// One second of the call.
    Second {
        stats: CallSecondView,
    },
    /// The far end lost its connection; the consult is held for it.
    PeerAway,
    PeerBack,
    /// Doctor: a live reading from the kiosk's devices.
    Vital {
        vital: LiveVitalView,
    },
    /// A chat line from the far end.
    Chat {
        text: String,
    },
    /// Doctor: how many cameras the kiosk has to switch between.
    KioskCameras {
        count: u8,
    },
    /// Doctor: the patient's history, from the kiosk's record.
    History {
        history: HistoryView,
    },
    /// A still photo on its way: bytes the receiving end holds of the total.
    PhotoProgress {
        outgoing: bool,
        held: u32,
        total: u32,
    },
    /// Kiosk: a photo this kiosk took, kept in the visit's record (and on its way to the doctor).
    PhotoKept {
        photo: PhotoView,
    },
    /// Kiosk: the doctor's notes, filed in the visit's record.
    NotesFiled {
        note: NoteView,
    },
    /// Kiosk: the doctor's prescription, filed in the visit's record.
    PrescriptionFiled {
        prescription: PrescriptionView,
    },
    /// Doctor: the kiosk stored (or refused) the notes or prescription sent under this id.
    Receipt {
        record_id: String,
        stored: bool,
    },
    /// The consult ended: `completed`, `cancelled` or `abandoned`.
    Ended {
        outcome: String,
    },
    /// The connection to the server or the call failed; the screen goes back a step.
    Failed {
        error: ApiError,
    },
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct QueueEntryView {
    pub consult_id: String,
    pub kiosk: String,
    pub label: String,
    /// `routine`, `urgent` or `emergency`.
    pub priority: String,
    /// For ordering: higher is served first.
    #[serde(skip)]
    pub(crate) priority_rank: u8,
    pub waiting_s: u32,
    pub kiosk_connected: bool,
}

pub(crate) fn priority_code(priority: Priority) -> &'static str {
    match priority {
        Priority::Routine => "routine",
        Priority::Urgent => "urgent",
        Priority::Emergency => "emergency",
    }
}

impl From<&QueueEntry> for QueueEntryView {
    fn from(e: &QueueEntry) -> Self {
        Self {
            consult_id: e.consult_id.clone(),
            kiosk: e.kiosk.clone(),
            label: e.label.clone(),
            priority: priority_code(e.priority).to_owned(),
            priority_rank: e.priority as u8,
            waiting_s: saturate(e.queued_for_s),
            kiosk_connected: e.kiosk_connected,
        }
    }
}

pub(crate) fn saturate(value: u64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

pub(crate) fn outcome_code(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Completed => "completed",
        Outcome::Cancelled => "cancelled",
        Outcome::Abandoned => "abandoned",
    }
}

/// One second of the call, for the quality meter.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CallSecondView {
    pub second: u32,
    pub send_kbps: u32,
    pub receive_kbps: u32,
    pub estimate_kbps: u32,
    /// Pictures received and decoded this second.
    pub received_fps: u32,
    pub width: u32,
    pub height: u32,
    pub freeze_ms: u32,
    /// Packets lost of each thousand sent towards this end.
    pub loss_permille: u32,
    pub rtt_ms: Option<u32>,
    /// `good`, `fair` or `poor`: what the health worker or doctor is shown.
    pub quality: String,
}

/// Loss and freezes beyond these make a call `poor`; below the `fair` ones it is `good`.
const POOR_LOSS: f64 = 0.10;
const POOR_FREEZE_MS: u32 = 300;
const FAIR_LOSS: f64 = 0.03;
const FAIR_RTT_MS: u32 = 600;

fn quality(s: &SecondStats) -> &'static str {
    if s.loss_fraction > POOR_LOSS || s.freeze_ms > POOR_FREEZE_MS || s.pictures == 0 {
        "poor"
    } else if s.loss_fraction > FAIR_LOSS || s.rtt_ms.is_some_and(|rtt| rtt > FAIR_RTT_MS) || s.freeze_ms > 0 {
        "fair"
    } else {
        "good"
    }
}

impl From<&SecondStats> for CallSecondView {
    fn from(s: &SecondStats) -> Self {
        Self {
            second: s.second,
            send_kbps: s.send_kbps.round() as u32,
            receive_kbps: s.receive_kbps.round() as u32,
            estimate_kbps: s.estimate_kbps.round() as u32,
            received_fps: s.pictures,
            width: s.width,
            height: s.height,
            freeze_ms: s.freeze_ms,
            loss_permille: (s.loss_fraction * 1_000.0).round() as u32,
            rtt_ms: s.rtt_ms,
            quality: quality(s).to_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LiveVitalView {
    pub loinc: String,
    /// The vital's name when the code is one e-clinic knows.
    pub kind: Option<String>,
    /// The value as the device gave it, as text (`36.8`).
    pub value: String,
    pub unit: String,
}

/// The vital's name when the code is one e-clinic knows.
fn vital_kind(loinc: &str) -> Option<String> {
    let kind = LoincCode::parse(loinc).ok().and_then(|code| VitalKind::from_loinc(&code));
    kind.map(|k| k.name().to_owned())
}

impl From<&LiveVital> for LiveVitalView {
    fn from(v: &LiveVital) -> Self {
        Self {
            loinc: v.loinc.clone(),
            kind: vital_kind(&v.loinc),
            value: decimal_text(v.mantissa, v.exponent),
            unit: v.unit.clone(),
        }
    }
}

/// The patient's history as the doctor sees it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct HistoryView {
    pub name: String,
    pub sex: String,
    pub age_years: u16,
    /// Newest first.
    pub visits: Vec<PastVisitView>,
    /// Oldest first.
    pub vitals: Vec<PastVitalView>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PastVisitView {
    pub started_at_ms: i64,
    pub reason: String,
    pub assessment: String,
    pub plan: String,
    pub medicines: String,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PastVitalView {
    pub loinc: String,
    pub kind: Option<String>,
    pub value: String,
    pub unit: String,
    pub at_ms: i64,
}

impl From<&HistoryPush> for HistoryView {
    fn from(h: &HistoryPush) -> Self {
        let ms = |at: u64| i64::try_from(at).unwrap_or(i64::MAX);
        Self {
            name: h.name.clone(),
            sex: h.sex.clone(),
            age_years: h.age_years,
            visits: h
                .visits
                .iter()
                .map(|v| PastVisitView {
                    started_at_ms: ms(v.started_at_ms),
                    reason: v.reason.clone(),
                    assessment: v.assessment.clone(),
                    plan: v.plan.clone(),
                    medicines: v.medicines.clone(),
                })
                .collect(),
            vitals: h
                .vitals
                .iter()
                .map(|v| PastVitalView {
                    loinc: v.loinc.clone(),
                    kind: vital_kind(&v.loinc),
                    value: v.value.clone(),
                    unit: v.unit.clone(),
                    at_ms: ms(v.at_ms),
                })
                .collect(),
        }
    }
}

/// Beyond this many trailing zeros the value is written with an exponent (no vital is that large).
const MOST_ZEROS_WRITTEN: u8 = 9;

/// `mantissa × 10^exponent` written out exactly (`368, -1` is `36.8`).
fn decimal_text(mantissa: i32, exponent: i8) -> String {
    let digits = mantissa.unsigned_abs().to_string();
    let sign = if mantissa < 0 { "-" } else { "" };
    if exponent >= 0 {
        let zeros = exponent.unsigned_abs();
        if zeros > MOST_ZEROS_WRITTEN {
            return format!("{sign}{digits}e{zeros}");
        }
        return format!("{sign}{digits}{}", "0".repeat(usize::from(zeros)));
    }
    let places = usize::from(exponent.unsigned_abs());
    let padded = format!("{digits:0>width$}", width = places + 1);
    let (whole, fraction) = padded.split_at(padded.len() - places);
    format!("{sign}{whole}.{fraction}")
}

#[cfg(test)]
mod tests {
    use super::decimal_text;

    #[test]
    fn device_values_are_written_out_exactly() {
        for (mantissa, exponent, expect) in [
            (97, 0, "97"),
            (368, -1, "36.8"),
            (5, -2, "0.05"),
            (-125, -1, "-12.5"),
            (12, 2, "1200"),
            (i32::MIN, -3, "-2147483.648"),
            (1, 9, "1000000000"),
            (1, 127, "1e127"),
        ] {
            assert_eq!(decimal_text(mantissa, exponent), expect, "{mantissa}e{exponent}");
        }
    }
}
