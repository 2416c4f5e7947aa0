#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;
use eclinic_devices::gatt::{Characteristic, decode};
use eclinic_devices::observe::{Context, Recorded, from_measurement, from_oximeter};
use eclinic_devices::serial::cms50d::Cms50dParser;
use eclinic_devices::serial::nonin::NoninFormat8Parser;
use eclinic_domain::{ObservationSource, PatientId, RequiredText, Timestamp, VitalKind};
use support::hex;

fn cx() -> Context {
    Context {
        patient: PatientId::new(Timestamp::from_unix_ms(0)),
        encounter: None,
        model: RequiredText::parse("model", "Omron HEM-9210T", 200).unwrap(),
        serial: None,
        at: Timestamp::from_unix_ms(1_795_392_000_000),
    }
}

/// Each result as `kind value unit [flags]` or the reason it was not recorded.
fn shown(results: Vec<Recorded>) -> Vec<String> {
    results
        .into_iter()
        .map(|r| match r {
            Ok(o) => {
                let kind = VitalKind::from_loinc(&o.code).map_or("?", |k| k.name());
                let flags: Vec<&str> = o.flags.iter().map(|f| f.code()).collect();
                assert!(matches!(o.source, ObservationSource::Device { .. }), "device provenance");
                format!("{kind} {} {} {flags:?}", o.value, o.unit.as_str())
            }
            Err(reason) => format!("{reason:?}"),
        })
        .collect()
}

fn check(characteristic: Characteristic, bytes: &str, expect: &[&str]) {
    let measurement = decode(characteristic, &hex(bytes)).unwrap();
    assert_eq!(shown(from_measurement(&measurement, &cx())), expect, "{characteristic:?} {bytes}");
}

#[test]
fn gatt_measurements_become_coded_observations() {
    check(
        Characteristic::BloodPressureMeasurement,
        "1E 7800 5000 5D00 EA07 0B 17 0A 0F 1E 4800 01 0500",
        &[
            r#"systolic 120 mm[Hg] ["body-movement", "irregular-pulse"]"#,
            r#"diastolic 80 mm[Hg] ["body-movement", "irregular-pulse"]"#,
            r#"heart-rate 72 /min ["body-movement", "irregular-pulse"]"#,
        ],
    );
    check(
        Characteristic::BloodPressureMeasurement,
        "01 A0F0 6BF0 FF07",
        &["systolic 16.0 kPa []", "diastolic 10.7 kPa []"],
    );
    check(
        Characteristic::BloodPressureMeasurement,
        "00 FF07 5000 5D00",
        &["NoValidMeasurement { kind: SystolicPressure, special: NaN }", "diastolic 80 mm[Hg] []"],
    );
    check(Characteristic::IntermediateCuffPressure, "00 6400 FF07 FF07", &[]);
    check(Characteristic::TemperatureMeasurement, "05 DA0300FF 06", &["temperature 98.6 [degF] []"]);
    check(
        Characteristic::TemperatureMeasurement,
        "00 0000 8000",
        &["NoValidMeasurement { kind: BodyTemperature, special: NotAtThisResolution }"],
    );
    check(Characteristic::HeartRateMeasurement, "16 48 0004", &["heart-rate 72 /min []"]);
    check(Characteristic::HeartRateMeasurement, "04 48", &["NoContact { kind: HeartRate }"]);
    check(Characteristic::GlucoseMeasurement, "03 0100 EA070B17080000 FBFF 6EB0 11", &["glucose 110 mg/dL []"]);
    check(
        Characteristic::GlucoseMeasurement,
        "06 0200 EA070B17080000 3DC0 11",
        &["UnsupportedUnit { kind: CapillaryGlucose }"],
    );
    check(Characteristic::GlucoseMeasurement, "00 0300 EA070B17080000", &[]);
    check(
        Characteristic::WeightMeasurement,
        "08 B036 E500 D606",
        &["weight 70.000 kg []", "bmi 22.9 kg/m2 []", "height 175.0 cm []"],
    );
    check(
        Characteristic::PlxSpotCheckMeasurement,
        "00 6800 4800",
        &[r#"spo2 104 % ["implausible"]"#, "heart-rate 72 /min []"],
    );
}

#[test]
fn oximeter_samples_carry_their_conditions() {
    let mut cms = Cms50dParser::default();
    cms.handle_bytes(cx().at, &[0x85, 0x40, 0x03, 0x48, 0x62, 0x90, 0x00, 0x40, 0x7F, 0x7F]);
    let on = cms.poll_sample().unwrap();
    assert_eq!(
        shown(from_oximeter(on.spo2, on.pulse_rate, (&on).into(), &cx())),
        ["spo2 98 % []", "heart-rate 72 /min []"]
    );
    let off = cms.poll_sample().unwrap();
    assert_eq!(
        shown(from_oximeter(off.spo2, off.pulse_rate, (&off).into(), &cx())),
        ["NoContact { kind: OxygenSaturation }", "NoContact { kind: HeartRate }",]
    );

    let mut nonin = NoninFormat8Parser::default();
    nonin.handle_bytes(cx().at, &[0x94, 0x48, 0x7F, 0x00]);
    let s = nonin.poll_sample().unwrap();
    assert_eq!(
        shown(from_oximeter(s.spo2, s.heart_rate, (&s).into(), &cx())),
        [
            "NoValidMeasurement { kind: OxygenSaturation, special: NaN }",
            r#"heart-rate 72 /min ["body-movement", "low-perfusion"]"#,
        ]
    );
}
