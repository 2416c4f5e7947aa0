//! Utilisation is what crossed the bottleneck against the capacity in force at the time: an offered load
//! below the capacity reads as its share, one above it as a full link, and a capacity step moves the
//! denominator with it.

use std::time::Duration;

use eclinic_linklab::{Link, Loss, Shape};

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

/// `capacity` as (from second, kb/s) steps.
fn shape(capacity: &[(u64, u64)], loss: Loss) -> Shape {
    Shape {
        capacity: capacity.iter().map(|(from, kbps)| (secs(*from), kbps * 1_000)).collect(),
        delay: Duration::from_millis(100),
        jitter: Duration::ZERO,
        loss,
        queue: Duration::from_millis(300),
        outages: Vec::new(),
    }
}

/// 1000-byte packets offered at `offered_kbps` for ten seconds.
fn link_after_ten_seconds(shape: Shape, offered_kbps: u64) -> Link<()> {
    let mut link = Link::new(shape, 3);
    let gap = Duration::from_micros(8_000_000 / offered_kbps);
    let mut now = Duration::ZERO;
    while now < secs(10) {
        link.handle_packet(now, 1_000, ());
        while link.poll_delivery(now).is_some() {}
        now += gap;
    }
    link
}

fn check(capacity: &[(u64, u64)], offered_kbps: u64, loss: Loss, window: (u64, u64), expect: f64) {
    let shape = shape(capacity, loss);
    let link = link_after_ten_seconds(shape.clone(), offered_kbps);
    let measured = link.throughput().utilisation(&shape, secs(window.0), secs(window.1));
    let measured = measured.unwrap_or_else(|| panic!("no utilisation for {capacity:?} over {window:?}"));
    assert!(
        (measured - expect).abs() <= 0.02,
        "{offered_kbps} kb/s offered to {capacity:?} over {window:?}: {measured:.3}, expected {expect}"
    );
}

#[test]
fn a_load_below_capacity_reads_as_its_share() {
    check(&[(0, 100)], 50, Loss::None, (2, 9), 0.5);
    check(&[(0, 400)], 300, Loss::None, (1, 10), 0.75);
}

#[test]
fn a_load_above_capacity_fills_the_link() {
    check(&[(0, 100)], 200, Loss::None, (2, 9), 1.0);
}

#[test]
fn what_the_radio_loses_after_the_bottleneck_still_used_it() {
    check(&[(0, 100)], 50, Loss::Random(0.2), (2, 9), 0.5);
}

#[test]
fn a_capacity_step_moves_the_denominator() {
    check(&[(0, 100), (5, 200)], 150, Loss::None, (2, 5), 1.0);
    check(&[(0, 100), (5, 200)], 150, Loss::None, (6, 10), 0.75);
}

#[test]
fn nothing_sent_has_no_last_sending_and_an_empty_window_no_figure() {
    let shape = shape(&[(0, 100)], Loss::None);
    let link = Link::<()>::new(shape.clone(), 1);
    assert_eq!(link.throughput().last_sent(), None);
    assert_eq!(link.throughput().utilisation(&shape, secs(3), secs(3)), None);
    assert_eq!(link.throughput().utilisation(&shape, secs(0), secs(1)), Some(0.0));
}
