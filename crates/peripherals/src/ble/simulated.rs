//! Scripted BLE health devices for the demo and the tests: each kind sends what a real one sends, encoded
//! as the Bluetooth SIG profile says, at a believable pace on the caller's clock.

use std::time::Duration;

use std::collections::VecDeque;

use eclinic_devices::gatt::Characteristic;
use eclinic_devices::gatt::racp::{RACP_UUID16, RacpRequest};
use eclinic_domain::Timestamp;

use super::{BleKind, GattSource, GattValue};
use crate::{DeviceInfo, PeripheralError};

/// IEEE 11073 SFLOAT: 4-bit exponent, 12-bit mantissa.
fn sfloat(mantissa: i16, exponent: i8) -> [u8; 2] {
    let exponent = u16::from(exponent.cast_unsigned() & 0x0F) << 12;
    let mantissa = mantissa.cast_unsigned() & 0x0FFF;
    (exponent | mantissa).to_le_bytes()
}

/// IEEE 11073 FLOAT: 8-bit exponent, 24-bit mantissa.
fn float(mantissa: i32, exponent: i8) -> [u8; 4] {
    let exponent = u32::from(exponent.cast_unsigned()) << 24;
    (exponent | (mantissa.cast_unsigned() & 0x00FF_FFFF)).to_le_bytes()
}

/// A Date Time field: 2026-11-23 at `minute` past ten.
fn date_time(minute: u8) -> [u8; 7] {
    let [low, high] = 2026u16.to_le_bytes();
    [low, high, 11, 23, 10, minute % 60, 0]
}

/// How many records a simulated glucose meter holds from before it was switched on (sequence 1..=5).
pub const STORED_GLUCOSE_RECORDS: u16 = 5;

/// A glucose record: 95-99 mg/dL (0.00095-0.00099 kg/L), capillary blood from a finger.
fn glucose_record(sequence: u16) -> Vec<u8> {
    let wobble = i16::try_from(sequence % 5).unwrap_or(0);
    let minute = u8::try_from(sequence % 60).unwrap_or(0);
    let [low, high] = sequence.to_le_bytes();
    [&[0x02, low, high][..], &date_time(minute), &sfloat(95 + wobble, -5), &[0x11]].concat()
}

/// One item of a device's cycle: when (ms into the cycle), on which characteristic, what bytes.
type Scheduled = (u64, Characteristic, Vec<u8>);

/// The values of cycle `n` of a device of `kind`, and the cycle's length in ms. Values drift a little from
/// cycle to cycle, as a patient's do.
fn cycle(kind: BleKind, n: u64) -> (u64, Vec<Scheduled>) {
    let wobble = i16::try_from(n % 5).unwrap_or(0);
    match kind {
        BleKind::BloodPressure => {
            // The cuff inflates (live pressure feedback), then the measurement with a pulse rate.
            let mut values: Vec<Scheduled> = (0..5)
                .map(|step| {
                    let pressure = sfloat(40 + 30 * i16::try_from(step).unwrap_or(0), 0);
                    let nan = [0xFF, 0x07];
                    let value = [&[0x00][..], &pressure, &nan, &nan].concat();
                    (step * 300, Characteristic::IntermediateCuffPressure, value)
                })
                .collect();
            let measurement = [
                &[0x04][..],
                &sfloat(118 + wobble, 0),
                &sfloat(78 + wobble, 0),
                &sfloat(91 + wobble, 0),
                &sfloat(72 + wobble, 0),
            ]
            .concat();
            values.push((1_800, Characteristic::BloodPressureMeasurement, measurement));
            (30_000, values)
        }
        BleKind::Thermometer => {
            let value = [&[0x00][..], &float(368 + i32::from(wobble), -1)].concat();
            (10_000, vec![(0, Characteristic::TemperatureMeasurement, value)])
        }
        BleKind::PulseOximeter => {
            let value = [&[0x00][..], &sfloat(97 - wobble % 2, 0), &sfloat(74 + wobble, 0)].concat();
            (1_000, vec![(0, Characteristic::PlxContinuousMeasurement, value)])
        }
        BleKind::HeartRate => {
            let bpm = u8::try_from(72 + wobble).unwrap_or(72);
            (1_000, vec![(0, Characteristic::HeartRateMeasurement, vec![0x00, bpm])])
        }
        BleKind::Glucose => {
            // New readings follow the records the meter already holds.
            let sequence = u16::try_from(n).map_or(u16::MAX, |n| n.saturating_add(STORED_GLUCOSE_RECORDS + 1));
            (20_000, vec![(0, Characteristic::GlucoseMeasurement, glucose_record(sequence))])
        }
        BleKind::Scale => {
            // 62.5 kg in steps of 5 g.
            let steps = u16::try_from(12_500 + 20 * wobble).unwrap_or(12_500);
            let value = [&[0x00][..], &steps.to_le_bytes()].concat();
            (15_000, vec![(0, Characteristic::WeightMeasurement, value)])
        }
    }
}

/// A simulated BLE device of one kind. It is switched on at the first call and sends on the caller's
/// clock (`wait` is not slept, so tests run faster than real time).
#[derive(Debug)]
pub struct SimulatedGattDevice {
    kind: BleKind,
    switched_on: Option<Timestamp>,
    cycle: u64,
    next_in_cycle: usize,
    /// Answers to control-point writes, sent before anything else.
    answers: VecDeque<GattValue>,
}

impl SimulatedGattDevice {
    pub fn new(kind: BleKind) -> Self {
        Self { kind, switched_on: None, cycle: 0, next_in_cycle: 0, answers: VecDeque::new() }
    }

    /// A glucose meter's answer to an RACP request: the stored records asked for, then the response code.
    fn answer_racp(&mut self, request: &[u8]) {
        let glucose = Characteristic::GlucoseMeasurement.uuid16();
        let racp = |value: Vec<u8>| GattValue { uuid16: RACP_UUID16, value };
        let from = match RacpRequest::decode(request) {
            Some(RacpRequest::ReportAll) => 1,
            Some(RacpRequest::ReportFrom(first)) => first,
            Some(RacpRequest::CountAll) => {
                self.answers.push_back(racp([&[0x05, 0x00][..], &STORED_GLUCOSE_RECORDS.to_le_bytes()].concat()));
                return;
            }
            Some(RacpRequest::Abort) => {
                self.answers.push_back(racp(vec![0x06, 0x00, 0x03, 0x01]));
                return;
            }
            None => {
                let opcode = request.first().copied().unwrap_or(0);
                self.answers.push_back(racp(vec![0x06, 0x00, opcode, 0x02]));
                return;
            }
        };
        let records: Vec<u16> = (from.max(1)..=STORED_GLUCOSE_RECORDS).collect();
        let code = if records.is_empty() { 0x06 } else { 0x01 };
        self.answers.extend(records.into_iter().map(|n| GattValue { uuid16: glucose, value: glucose_record(n) }));
        self.answers.push_back(racp(vec![0x06, 0x00, 0x01, code]));
    }
}

impl GattSource for SimulatedGattDevice {
    fn info(&self) -> DeviceInfo {
        DeviceInfo { model: format!("simulated {}", self.kind.name()), address: "simulated".into() }
    }

    fn next_value(&mut self, now: Timestamp, _wait: Duration) -> Result<Option<GattValue>, PeripheralError> {
        if let Some(answer) = self.answers.pop_front() {
            return Ok(Some(answer));
        }
        let on = *self.switched_on.get_or_insert(now);
        let elapsed = u64::try_from(now.unix_ms().saturating_sub(on.unix_ms())).unwrap_or(0);
        loop {
            let (length, values) = cycle(self.kind, self.cycle);
            let cycle_start = self.cycle.saturating_mul(length);
            match values.into_iter().nth(self.next_in_cycle) {
                Some((offset, characteristic, value)) if cycle_start + offset <= elapsed => {
                    self.next_in_cycle += 1;
                    return Ok(Some(GattValue { uuid16: characteristic.uuid16(), value }));
                }
                Some(_) => return Ok(None),
                None if cycle_start + length <= elapsed => {
                    self.cycle += 1;
                    self.next_in_cycle = 0;
                }
                None => return Ok(None),
            }
        }
    }

    fn write(&mut self, uuid16: u16, value: &[u8]) -> Result<(), PeripheralError> {
        if uuid16 == RACP_UUID16 && self.kind == BleKind::Glucose {
            self.answer_racp(value);
            Ok(())
        } else {
            Err(PeripheralError::Bluetooth(format!("the simulated {} has no writable {uuid16:04x}", self.kind.name())))
        }
    }
}
