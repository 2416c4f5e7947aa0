#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::{
    Observation, ObservationFlag, ObservationFlags, ObservationId, ObservationSource, ObservationStatus, Quantity,
    UcumUnit, VitalKind,
};
use support::{Fixture, at, new_patient};

fn check_round_trip(kind: VitalKind, value: &str, unit: &str, implausible: bool) -> (VitalKind, String, String, bool) {
    (kind, value.to_owned(), unit.to_owned(), implausible)
}

#[tokio::test]
async fn values_keep_their_precision_and_impossible_ones_are_flagged() {
    let f = Fixture::new().await;
    let p =
        f.store.add_patient(&f.admin, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(1)).await.unwrap();
    let cases = [
        check_round_trip(VitalKind::BodyTemperature, "37.0", "Cel", false),
        check_round_trip(VitalKind::BodyTemperature, "37", "Cel", false),
        check_round_trip(VitalKind::BodyWeight, "62.50", "kg", false),
        check_round_trip(VitalKind::OxygenSaturation, "104", "%", true),
        check_round_trip(VitalKind::HeartRate, "0", "/min", true),
    ];
    for (i, (kind, value, unit, _)) in cases.iter().enumerate() {
        let o = Observation {
            id: ObservationId::new(at(10 + i as i64)),
            patient: p.id,
            encounter: None,
            code: kind.loinc(),
            unit: UcumUnit::parse(unit).unwrap(),
            value: Quantity::parse(value).unwrap(),
            effective_at: at(10 + i as i64),
            status: ObservationStatus::Final,
            flags: ObservationFlags::default().with(ObservationFlag::BodyMovement),
            source: ObservationSource::Device {
                model: eclinic_domain::RequiredText::parse("d", "Contec CMS50D+", 200).unwrap(),
                serial: None,
            },
        };
        f.store.add_observation(&f.admin, o, at(10 + i as i64)).await.unwrap();
    }
    let stored = f.store.observations_for(&f.admin, p.id, at(100)).await.unwrap();
    assert_eq!(stored.len(), cases.len());
    for (o, (kind, value, unit, implausible)) in stored.iter().zip(&cases) {
        assert_eq!(o.value.to_string(), *value, "precision kept");
        assert_eq!(o.unit.as_str(), unit);
        assert_eq!(o.code, kind.loinc());
        assert!(o.flags.contains(ObservationFlag::BodyMovement), "device flags kept");
        assert_eq!(o.flags.contains(ObservationFlag::Implausible), *implausible, "{value} {unit}");
        assert_eq!(o.is_valid_measurement(), !implausible);
    }
    f.close().await;
}

#[tokio::test]
async fn a_unit_that_does_not_fit_or_an_unknown_patient_is_refused() {
    let f = Fixture::new().await;
    let p =
        f.store.add_patient(&f.admin, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(1)).await.unwrap();
    let base = Observation {
        id: ObservationId::new(at(2)),
        patient: p.id,
        encounter: None,
        code: VitalKind::HeartRate.loinc(),
        unit: UcumUnit::parse("kg").unwrap(),
        value: Quantity::parse("72").unwrap(),
        effective_at: at(2),
        status: ObservationStatus::Final,
        flags: ObservationFlags::default(),
        source: ObservationSource::Manual { entered_by: f.admin.user() },
    };
    let err = f.store.add_observation(&f.admin, base.clone(), at(3)).await.unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    let orphan =
        Observation { unit: UcumUnit::parse("/min").unwrap(), patient: eclinic_domain::PatientId::new(at(4)), ..base };
    let err = f.store.add_observation(&f.admin, orphan, at(5)).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(f.store.observations_for(&f.admin, p.id, at(6)).await.unwrap().is_empty());
    f.close().await;
}
