#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;
use eclinic_devices::DecodeError;
use eclinic_devices::gatt::{
    BloodPressure, Characteristic, GlucoseDeduplicator, GlucoseUnit, Measurement, PressureUnit, PulseRange,
    SensorContact, TemperatureSite, TemperatureUnit, WeightUnits, decode,
};
use eclinic_devices::{Numeric, Special};
use support::hex;

fn num(n: &Numeric) -> String {
    match n {
        Numeric::Value(q) => q.to_string(),
        Numeric::Special(s) => format!("{s:?}"),
    }
}

fn bp(c: Characteristic, bytes: &str) -> Result<BloodPressure, DecodeError> {
    match decode(c, &hex(bytes))? {
        Measurement::BloodPressure(b) | Measurement::IntermediateCuffPressure(b) => Ok(b),
        other => panic!("not blood pressure: {other:?}"),
    }
}

#[test]
fn blood_pressure_every_flag() {
    let full =
        bp(Characteristic::BloodPressureMeasurement, "1E 7800 5000 5D00 EA07 0B 17 0A 0F 1E 4800 01 0500").unwrap();
    assert_eq!(full.unit, PressureUnit::MmHg);
    assert_eq!([num(&full.systolic), num(&full.diastolic), num(&full.mean_arterial)], ["120", "80", "93"]);
    let time = full.time.unwrap();
    assert_eq!(
        (time.year, time.month, time.day, time.hours, time.minutes, time.seconds),
        (Some(2026), Some(11), Some(23), 10, 15, 30)
    );
    assert_eq!(full.pulse_rate.map(|p| num(&p)).as_deref(), Some("72"));
    assert_eq!(full.user, Some(1));
    let status = full.status.unwrap();
    assert!(status.body_movement && status.irregular_pulse && !status.cuff_too_loose && !status.improper_position);
    assert_eq!(status.pulse_range, PulseRange::InRange);

    let kpa = bp(Characteristic::IntermediateCuffPressure, "01 A0F0 6BF0 FF07").unwrap();
    assert_eq!(kpa.unit, PressureUnit::KPa);
    assert_eq!([num(&kpa.systolic), num(&kpa.diastolic), num(&kpa.mean_arterial)], ["16.0", "10.7", "NaN"]);
    assert_eq!((kpa.time, kpa.pulse_rate, kpa.user, kpa.status), (None, None, None, None));

    let unknown_user = bp(Characteristic::BloodPressureMeasurement, "08 7800 5000 5D00 FF").unwrap();
    assert_eq!(unknown_user.user, None);
    let above = bp(Characteristic::BloodPressureMeasurement, "10 7800 5000 5D00 2A00").unwrap().status.unwrap();
    assert!(above.cuff_too_loose && above.improper_position);
    assert_eq!(above.pulse_range, PulseRange::Above);
    assert_eq!(
        bp(Characteristic::BloodPressureMeasurement, "10 7800 5000 5D00 1800"),
        Err(DecodeError::Reserved { what: "pulse rate range", value: 3 })
    );
    assert_eq!(
        bp(Characteristic::BloodPressureMeasurement, "02 7800 5000 5D00 EA07 0D 17 0A 0F 1E"),
        Err(DecodeError::BadDateTime { what: "blood pressure" })
    );
    assert_eq!(
        bp(Characteristic::BloodPressureMeasurement, "00 7800 50"),
        Err(DecodeError::Truncated { what: "blood pressure", offset: 3, needed: 1 })
    );
}

#[test]
fn temperature_units_sites_and_specials() {
    let check = |bytes: &str, unit: TemperatureUnit, value: &str, site: Option<TemperatureSite>| {
        let Measurement::Temperature(t) = decode(Characteristic::TemperatureMeasurement, &hex(bytes)).unwrap() else {
            panic!("not a temperature")
        };
        assert_eq!((t.unit, num(&t.value).as_str(), t.site), (unit, value, site), "{bytes}");
    };
    check("00 6E0100FF", TemperatureUnit::Celsius, "36.6", None);
    check("05 DA0300FF 06", TemperatureUnit::Fahrenheit, "98.6", Some(TemperatureSite::Mouth));
    check("04 4A0E00FE 01", TemperatureUnit::Celsius, "36.58", Some(TemperatureSite::Armpit));
    check("00 FFFF7F00", TemperatureUnit::Celsius, "NaN", None);
    assert_eq!(
        decode(Characteristic::TemperatureMeasurement, &hex("04 6E0100FF 0A")),
        Err(DecodeError::Reserved { what: "temperature type", value: 10 })
    );
}

#[test]
fn heart_rate_formats_contact_energy_and_rr_intervals() {
    let hr = |bytes: &str| match decode(Characteristic::HeartRateMeasurement, &hex(bytes)) {
        Ok(Measurement::HeartRate(h)) => Ok(h),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e),
    };
    let plain = hr("00 48").unwrap();
    assert_eq!(
        (plain.bpm, plain.contact, plain.energy_expended_kj, plain.rr_intervals.len()),
        (72, SensorContact::NotSupported, None, 0)
    );
    let rr = hr("16 48 0004 0003").unwrap();
    assert_eq!((rr.bpm, rr.contact, rr.rr_intervals.clone()), (72, SensorContact::Detected, vec![1024, 768]));
    let wide = hr("0D 2C01 0A00").unwrap();
    assert_eq!((wide.bpm, wide.contact, wide.energy_expended_kj), (300, SensorContact::NotDetected, Some(10)));
    assert!(matches!(hr("10 48 0004 01"), Err(DecodeError::Truncated { .. })));
    assert!(matches!(hr("01 48"), Err(DecodeError::Truncated { .. })));
}

#[test]
fn weight_si_imperial_bmi_and_failures() {
    let w = |bytes: &str| match decode(Characteristic::WeightMeasurement, &hex(bytes)).unwrap() {
        Measurement::Weight(w) => w,
        other => panic!("{other:?}"),
    };
    let si = w("00 B036");
    assert_eq!((si.units, num(&si.weight)), (WeightUnits::Si, "70.000".to_owned()));
    let full = w("0E B036 EA070B170A0F1E 02 E500 D606");
    assert_eq!(
        (full.user, full.bmi.map(|b| num(&b)), full.height.map(|h| num(&h))),
        (Some(2), Some("22.9".into()), Some("1.750".into()))
    );
    let lb = w("09 463C 2E01 BC02");
    assert_eq!(
        (lb.units, num(&lb.weight), lb.height.map(|h| num(&h))),
        (WeightUnits::Imperial, "154.30".into(), Some("70.0".into()))
    );
    assert_eq!(w("00 FFFF").weight, Numeric::Special(Special::NaN));
}

#[test]
fn glucose_units_offsets_and_deduplication() {
    let g = |bytes: &str| match decode(Characteristic::GlucoseMeasurement, &hex(bytes)).unwrap() {
        Measurement::Glucose(g) => g,
        other => panic!("{other:?}"),
    };
    let mass = g("03 0100 EA070B17080000 FBFF 6EB0 11");
    assert_eq!((mass.sequence, mass.time_offset_minutes), (1, Some(-5)));
    let (value, unit) = mass.concentration.unwrap();
    assert_eq!((num(&value), unit), ("0.00110".into(), GlucoseUnit::KgPerLitre));
    assert_eq!((mass.sample_type, mass.sample_location, mass.context_follows), (Some(1), Some(1), false));
    let molar = g("1E 0200 EA070B17080000 3DC0 11 4000");
    assert_eq!(molar.concentration.map(|(v, u)| (num(&v), u)), Some(("0.0061".into(), GlucoseUnit::MolPerLitre)));
    assert_eq!((molar.sensor_status, molar.context_follows), (Some(0x0040), true));
    let time_only = g("00 0300 EA070B17080000");
    assert_eq!(time_only.concentration, None);

    let mut dedupe = GlucoseDeduplicator::default();
    let burst = [&mass, &molar, &mass, &time_only, &molar];
    let fresh: Vec<bool> = burst.iter().map(|r| dedupe.is_new(r)).collect();
    assert_eq!(fresh, [true, true, false, true, false]);
    assert_eq!(dedupe.last_sequence(), Some(3));
}

#[test]
fn plx_spot_check_with_and_without_options() {
    let p = |bytes: &str| match decode(Characteristic::PlxSpotCheckMeasurement, &hex(bytes)).unwrap() {
        Measurement::PlxSpotCheck(p) => p,
        other => panic!("{other:?}"),
    };
    let plain = p("00 6200 4800");
    assert_eq!(
        (num(&plain.spo2), num(&plain.pulse_rate), plain.device_clock_not_set),
        ("98".into(), "72".into(), false)
    );
    let full = p("1F 6100 4C00 EA070B170A0F1E 0000 000400 19F0");
    assert_eq!(full.status.device_and_sensor_status, Some(0x0000_0400));
    assert_eq!(full.status.measurement_status, Some(0));
    assert_eq!(full.pulse_amplitude_index.map(|n| num(&n)), Some("2.5".into()));
    assert!(full.device_clock_not_set && full.time.is_some());
}

#[test]
fn plx_continuous_every_optional_field() {
    let p = |bytes: &str| match decode(Characteristic::PlxContinuousMeasurement, &hex(bytes)) {
        Ok(Measurement::PlxContinuous(p)) => Ok(p),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e),
    };
    let plain = p("00 6200 4800").unwrap();
    assert_eq!((num(&plain.normal.spo2), num(&plain.normal.pulse_rate)), ("98".into(), "72".into()));
    assert_eq!((plain.fast, plain.slow, plain.pulse_amplitude_index), (None, None, None));

    let full = p("1F 6100 4C00 6000 4E00 6200 4A00 0040 200100 19F0").unwrap();
    let pair = |p: Option<eclinic_devices::gatt::SpO2Pr>| p.map(|p| (num(&p.spo2), num(&p.pulse_rate)));
    assert_eq!(pair(full.fast), Some(("96".into(), "78".into())));
    assert_eq!(pair(full.slow), Some(("98".into(), "74".into())));
    assert_eq!(full.status.measurement_status, Some(0x4000));
    assert_eq!(full.status.device_and_sensor_status, Some(0x0120));
    assert!(full.status.questionable() && full.status.low_perfusion() && full.status.disturbed_signal());
    assert!(!full.status.probe_off() && !full.status.not_a_measurement());
    assert_eq!(full.pulse_amplitude_index.map(|n| num(&n)), Some("2.5".into()));

    let probe_off = p("08 FF07 FF07 008000").unwrap();
    assert!(probe_off.status.probe_off(), "bit 15: sensor disconnected");
    assert_eq!(num(&probe_off.normal.spo2), "NaN");
    assert_eq!(p("01 6200 4800 6000"), Err(DecodeError::Truncated { what: "PLX continuous", offset: 7, needed: 2 }));
}

#[test]
fn characteristic_ids_in_every_written_form() {
    for (text, expect) in [
        ("2a35", Ok(Characteristic::BloodPressureMeasurement)),
        ("0x2A36", Ok(Characteristic::IntermediateCuffPressure)),
        ("2A1C", Ok(Characteristic::TemperatureMeasurement)),
        ("00002a37-0000-1000-8000-00805f9b34fb", Ok(Characteristic::HeartRateMeasurement)),
        ("2a18", Ok(Characteristic::GlucoseMeasurement)),
        ("2a5e", Ok(Characteristic::PlxSpotCheckMeasurement)),
        ("2A5F", Ok(Characteristic::PlxContinuousMeasurement)),
        ("2a9d", Ok(Characteristic::WeightMeasurement)),
        ("2a00", Err(DecodeError::UnknownCharacteristic)),
        ("heart", Err(DecodeError::UnknownCharacteristic)),
        ("", Err(DecodeError::UnknownCharacteristic)),
    ] {
        assert_eq!(Characteristic::parse(text), expect, "{text:?}");
    }
    assert!(Characteristic::BloodPressureMeasurement.is_indicated());
    assert!(!Characteristic::HeartRateMeasurement.is_indicated());
    assert!(!Characteristic::PlxContinuousMeasurement.is_indicated(), "PLX continuous is notified");
    assert_eq!(Characteristic::PlxContinuousMeasurement.service_uuid16(), 0x1822);
}
