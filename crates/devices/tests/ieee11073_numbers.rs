#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
use eclinic_devices::ieee11073::{float, sfloat};
use eclinic_devices::{Numeric, Special};

fn shown(n: Numeric) -> String {
    match n {
        Numeric::Value(q) => q.to_string(),
        Numeric::Special(s) => format!("{s:?}"),
    }
}

#[test]
fn sfloat_values_keep_precision_and_specials_are_not_numbers() {
    for (raw, expect) in [
        (0xF014, "2.0"),
        (0xE0C8, "2.00"),
        (0x0078, "120"),
        (0x0FFF, "-1"),
        (0x1001, "10"),
        (0x8001, "0.00000001"),
        (0x7001, "10000000"),
        (0x07FF, "NaN"),
        (0x0800, "NotAtThisResolution"),
        (0x07FE, "PositiveInfinity"),
        (0x0802, "NegativeInfinity"),
        (0x0801, "Reserved"),
    ] {
        assert_eq!(shown(sfloat(raw)), expect, "{raw:#06x}");
    }
}

#[test]
fn float_values_keep_precision_and_specials_are_not_numbers() {
    for (raw, expect) in [
        (0xFF00_016E, "36.6"),
        (0xFE00_0E4A, "36.58"),
        (0x00FF_FFFF, "-1"),
        (0x0000_0000, "0"),
        (0x8000_0001, "NotAtThisResolution"),
        (0x007F_FFFF, "NaN"),
        (0x0080_0000, "NotAtThisResolution"),
        (0x007F_FFFE, "PositiveInfinity"),
        (0x0080_0002, "NegativeInfinity"),
        (0x0080_0001, "Reserved"),
        // A vendor header lists this as NaN; with exponent 7 it is an ordinary (absurd) value, not a special.
        (0x07FF_FFFF, "-10000000"),
    ] {
        assert_eq!(shown(float(raw)), expect, "{raw:#010x}");
    }
    assert_eq!(sfloat(0x07FF).value(), None);
    assert_eq!(float(0x007F_FFFF), Numeric::Special(Special::NaN));
}
