//! Readings become Observations: LOINC code, UCUM unit, the device's precision, its provenance and its status
//! flags. A special value, a missing sensor contact or a unit e-clinic does not record yields a typed reason
//! instead of an Observation; a value no living patient can have is kept but flagged (see
//! [`Observation::checked`]).

use crate::gatt::{
    BloodPressure, Glucose, GlucoseUnit, HeartRate, Measurement, PlxStatus, PressureUnit, SensorContact, Temperature,
    TemperatureUnit, Weight, WeightUnits,
};
use crate::ieee11073::{Numeric, Special};
use crate::serial::cms50d::Cms50Sample;
use crate::serial::nonin::NoninSample;
use crate::serial::nonin13::NoninSpotCheck;
use eclinic_domain::{
    EncounterId, Observation, ObservationFlag, ObservationFlags, ObservationId, ObservationSource, ObservationStatus,
    PatientId, Quantity, RequiredText, Timestamp, UcumUnit, ValidationError, VitalKind,
};

/// Why a reading did not become an Observation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotRecorded {
    /// The device sent a special value: there is no valid measurement.
    NoValidMeasurement {
        kind: VitalKind,
        special: Special,
    },
    /// The device reported no sensor or finger contact, so its value is not a measurement of the patient.
    NoContact {
        kind: VitalKind,
    },
    /// A unit e-clinic does not store for this kind yet (molar glucose).
    UnsupportedUnit {
        kind: VitalKind,
    },
    Invalid {
        kind: VitalKind,
        error: ValidationError,
    },
}

impl std::fmt::Display for NotRecorded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotRecorded::NoValidMeasurement { kind, special } => {
                write!(f, "{}: the device has no valid measurement ({special:?})", kind.name())
            }
            NotRecorded::NoContact { kind } => write!(f, "{}: no sensor contact", kind.name()),
            NotRecorded::UnsupportedUnit { kind } => write!(f, "{}: a unit e-clinic does not record", kind.name()),
            NotRecorded::Invalid { kind, error } => write!(f, "{}: {error}", kind.name()),
        }
    }
}

/// Who the reading is of and which device took it.
#[derive(Debug, Clone)]
pub struct Context {
    pub patient: PatientId,
    pub encounter: Option<EncounterId>,
    pub model: RequiredText,
    pub serial: Option<RequiredText>,
    pub at: Timestamp,
}

pub type Recorded = Result<Observation, NotRecorded>;

impl Context {
    fn observation(&self, kind: VitalKind, value: Quantity, unit: &str, flags: ObservationFlags) -> Recorded {
        let invalid = |error| NotRecorded::Invalid { kind, error };
        let unit = UcumUnit::parse(unit).map_err(invalid)?;
        Observation {
            id: ObservationId::new(self.at),
            patient: self.patient,
            encounter: self.encounter,
            code: kind.loinc(),
            unit,
            value,
            effective_at: self.at,
            status: ObservationStatus::Final,
            flags,
            source: ObservationSource::Device { model: self.model.clone(), serial: self.serial.clone() },
        }
        .checked()
        .map_err(invalid)
    }

    fn numeric(&self, kind: VitalKind, value: Numeric, unit: &str, flags: ObservationFlags) -> Recorded {
        match value {
            Numeric::Value(q) => self.observation(kind, q, unit, flags),
            Numeric::Special(special) => Err(NotRecorded::NoValidMeasurement { kind, special }),
        }
    }
}

/// The Observations a decoded characteristic value makes. Intermediate cuff pressure is live feedback while
/// the cuff inflates, not a measurement, and makes none.
pub fn from_measurement(measurement: &Measurement, cx: &Context) -> Vec<Recorded> {
    match measurement {
        Measurement::BloodPressure(bp) => blood_pressure(bp, cx),
        Measurement::IntermediateCuffPressure(_) => Vec::new(),
        Measurement::Temperature(t) => vec![temperature(t, cx)],
        Measurement::HeartRate(hr) => vec![heart_rate(hr, cx)],
        Measurement::Glucose(g) => glucose(g, cx).into_iter().collect(),
        Measurement::PlxSpotCheck(plx) => oximetry(plx.spo2, plx.pulse_rate, plx.status.into(), cx),
        Measurement::PlxContinuous(plx) => oximetry(plx.normal.spo2, plx.normal.pulse_rate, plx.status.into(), cx),
        Measurement::Weight(w) => weight(w, cx),
    }
}

fn blood_pressure(bp: &BloodPressure, cx: &Context) -> Vec<Recorded> {
    let mut flags = ObservationFlags::default();
    if let Some(status) = bp.status {
        for (set, flag) in [
            (status.body_movement, ObservationFlag::BodyMovement),
            (status.cuff_too_loose, ObservationFlag::CuffLoose),
            (status.irregular_pulse, ObservationFlag::IrregularPulse),
        ] {
            if set {
                flags = flags.with(flag);
            }
        }
    }
    let unit = match bp.unit {
        PressureUnit::MmHg => "mm[Hg]",
        PressureUnit::KPa => "kPa",
    };
    let mut out = vec![
        cx.numeric(VitalKind::SystolicPressure, bp.systolic, unit, flags),
        cx.numeric(VitalKind::DiastolicPressure, bp.diastolic, unit, flags),
    ];
    if let Some(pulse) = bp.pulse_rate {
        out.push(cx.numeric(VitalKind::HeartRate, pulse, "/min", flags));
    }
    out
}

fn temperature(t: &Temperature, cx: &Context) -> Recorded {
    let unit = match t.unit {
        TemperatureUnit::Celsius => "Cel",
        TemperatureUnit::Fahrenheit => "[degF]",
    };
    cx.numeric(VitalKind::BodyTemperature, t.value, unit, ObservationFlags::default())
}

fn heart_rate(hr: &HeartRate, cx: &Context) -> Recorded {
    if hr.contact == SensorContact::NotDetected {
        return Err(NotRecorded::NoContact { kind: VitalKind::HeartRate });
    }
    cx.observation(
        VitalKind::HeartRate,
        Quantity::from_mantissa_exponent(hr.bpm.into(), 0)
            .map_err(|error| NotRecorded::Invalid { kind: VitalKind::HeartRate, error })?,
        "/min",
        ObservationFlags::default(),
    )
}

fn glucose(g: &Glucose, cx: &Context) -> Option<Recorded> {
    let kind = VitalKind::CapillaryGlucose;
    let (value, unit) = g.concentration?;
    Some(match (value, unit) {
        (Numeric::Special(special), _) => Err(NotRecorded::NoValidMeasurement { kind, special }),
        (Numeric::Value(_), GlucoseUnit::MolPerLitre) => Err(NotRecorded::UnsupportedUnit { kind }),
        (Numeric::Value(kg_per_l), GlucoseUnit::KgPerLitre) => kg_per_l
            .shift_decimal_point(5)
            .map_err(|error| NotRecorded::Invalid { kind, error })
            .and_then(|mg_per_dl| cx.observation(kind, mg_per_dl, "mg/dL", ObservationFlags::default())),
    })
}

fn weight(w: &Weight, cx: &Context) -> Vec<Recorded> {
    let (mass, length) = match w.units {
        WeightUnits::Si => ("kg", "cm"),
        WeightUnits::Imperial => ("[lb_av]", "[in_i]"),
    };
    let none = ObservationFlags::default();
    let mut out = vec![cx.numeric(VitalKind::BodyWeight, w.weight, mass, none)];
    if let Some(bmi) = w.bmi {
        out.push(cx.numeric(VitalKind::Bmi, bmi, "kg/m2", none));
    }
    if let Some(height) = w.height {
        // SI height comes in metres; e-clinic records centimetres.
        let height = match (w.units, height) {
            (WeightUnits::Si, Numeric::Value(m)) => match m.shift_decimal_point(2) {
                Ok(cm) => Numeric::Value(cm),
                Err(error) => {
                    out.push(Err(NotRecorded::Invalid { kind: VitalKind::BodyHeight, error }));
                    return out;
                }
            },
            (_, other) => other,
        };
        out.push(cx.numeric(VitalKind::BodyHeight, height, length, none));
    }
    out
}

/// One serial oximeter sample as SpO2 and pulse Observations (a missing value is the device's "no valid
/// measurement").
pub fn from_oximeter(
    spo2: Option<u8>,
    pulse: Option<u16>,
    conditions: OximeterConditions,
    cx: &Context,
) -> Vec<Recorded> {
    let whole = |v: Option<i64>| match v.map(|v| Quantity::from_mantissa_exponent(v, 0)) {
        Some(Ok(q)) => Numeric::Value(q),
        Some(Err(_)) | None => Numeric::Special(Special::NaN),
    };
    oximetry(whole(spo2.map(i64::from)), whole(pulse.map(i64::from)), conditions, cx)
}

/// SpO2 and pulse from any oximeter, with the device's conditions as flags. A sample taken with the probe off
/// or that the device itself calls no measurement records nothing.
fn oximetry(spo2: Numeric, pulse: Numeric, conditions: OximeterConditions, cx: &Context) -> Vec<Recorded> {
    let kinds = [VitalKind::OxygenSaturation, VitalKind::HeartRate];
    if conditions.probe_off {
        return kinds.map(|kind| Err(NotRecorded::NoContact { kind })).into();
    }
    if conditions.not_a_measurement {
        return kinds.map(|kind| Err(NotRecorded::NoValidMeasurement { kind, special: Special::NaN })).into();
    }
    let mut flags = ObservationFlags::default();
    for (set, flag) in
        [(conditions.low_perfusion, ObservationFlag::LowPerfusion), (conditions.motion, ObservationFlag::BodyMovement)]
    {
        if set {
            flags = flags.with(flag);
        }
    }
    vec![
        cx.numeric(VitalKind::OxygenSaturation, spo2, "%", flags),
        cx.numeric(VitalKind::HeartRate, pulse, "/min", flags),
    ]
}

/// What a serial oximeter says about its own reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OximeterConditions {
    pub probe_off: bool,
    pub low_perfusion: bool,
    pub motion: bool,
    /// The device marks the value unavailable, invalid, or demonstration/test data.
    pub not_a_measurement: bool,
}

impl From<PlxStatus> for OximeterConditions {
    fn from(s: PlxStatus) -> Self {
        Self {
            probe_off: s.probe_off(),
            low_perfusion: s.low_perfusion(),
            motion: s.disturbed_signal(),
            not_a_measurement: s.not_a_measurement(),
        }
    }
}

impl From<&Cms50Sample> for OximeterConditions {
    fn from(s: &Cms50Sample) -> Self {
        Self { probe_off: s.finger_out || s.probe_error, ..Self::default() }
    }
}

impl From<&NoninSpotCheck> for OximeterConditions {
    fn from(s: &NoninSpotCheck) -> Self {
        Self { not_a_measurement: s.no_measurement, ..Self::default() }
    }
}

impl From<&NoninSample> for OximeterConditions {
    fn from(s: &NoninSample) -> Self {
        Self {
            probe_off: s.sensor_alarm || s.out_of_track,
            low_perfusion: s.low_perfusion || s.marginal_perfusion,
            // Nonin reports a pulse disturbed by artifact, which at a kiosk is almost always movement.
            motion: s.artifact,
            not_a_measurement: false,
        }
    }
}
