#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! The link on a simulated clock: rate, queue, delay, loss and outages come out as configured.

use std::time::Duration;

use eclinic_linklab::{Link, Loss, Shape};

fn ms(ms: u64) -> Duration {
    Duration::from_millis(ms)
}

fn shape(kbps: u64, loss: Loss) -> Shape {
    Shape {
        capacity: vec![(Duration::ZERO, kbps * 1_000)],
        delay: ms(250),
        jitter: Duration::ZERO,
        loss,
        queue: ms(1_000),
        outages: Vec::new(),
    }
}

/// Offers 1000-byte packets at `offered_kbps` for `seconds`; returns (delivered per second, delivery
/// times of the first packet, the link).
fn offer(shape: Shape, offered_kbps: u64, seconds: u64) -> (Vec<u64>, Link<u64>) {
    let mut link = Link::new(shape, 7);
    let gap_us = 8_000_000 / offered_kbps; // 1000 bytes = 8000 bits
    let mut per_second = vec![0; seconds as usize + 2];
    let mut next_send = Duration::ZERO;
    let mut id = 0;
    for step in 0..(seconds + 2) * 1_000 {
        let now = ms(step);
        while next_send <= now && now < Duration::from_secs(seconds) {
            link.handle_packet(now, 1_000, id);
            id += 1;
            next_send += Duration::from_micros(gap_us);
        }
        while link.poll_delivery(now).is_some() {
            per_second[(step / 1_000) as usize] += 1;
        }
    }
    (per_second, link)
}

#[test]
fn below_capacity_everything_arrives_after_the_delay() {
    let mut link = Link::new(shape(150, Loss::None), 1);
    link.handle_packet(Duration::ZERO, 1_000, "first");
    // 1000 bytes at 150 kb/s take 53 ms on the wire, then 250 ms of delay.
    assert_eq!(link.poll_timeout(), Some(Duration::from_secs_f64(8_000.0 / 150_000.0) + ms(250)));
    assert_eq!(link.poll_delivery(ms(300)), None);
    assert_eq!(link.poll_delivery(ms(304)), Some("first"));
    let (per_second, link) = offer(shape(150, Loss::None), 100, 10);
    assert_eq!(link.counters().delivered, link.counters().offered);
    assert!((12..=13).contains(&per_second[5]), "100 kb/s of 1000-byte packets: {per_second:?}");
}

#[test]
fn above_capacity_the_rate_is_held_and_the_queue_overflows() {
    let (per_second, link) = offer(shape(150, Loss::None), 300, 10);
    // 150 kb/s = 18.75 packets of 1000 bytes a second.
    assert!(per_second[3..9].iter().all(|n| (18..=19).contains(n)), "{per_second:?}");
    assert!(link.counters().queue_drops > 50, "{:?}", link.counters());
}

#[test]
fn loss_and_outages_take_their_share() {
    for (name, loss, expect) in [
        ("random 5 %", Loss::Random(0.05), 0.05),
        ("Gilbert-Elliott ~2 %", Loss::Bursty { enter_bad: 0.005, leave_bad: 0.25 }, 0.02),
    ] {
        let (_, link) = offer(shape(2_000, loss), 1_000, 60);
        let c = link.counters();
        let lost = c.radio_losses as f64 / c.offered as f64;
        assert!((lost - expect).abs() < expect * 0.4, "{name}: {lost} of {c:?}");
    }
    let mut with_outage = shape(150, Loss::None);
    with_outage.outages.push((Duration::from_secs(2), Duration::from_secs(4)));
    let (per_second, _) = offer(with_outage, 100, 8);
    // Sent from 2 s to 4 s: lost; what was already on the way before 2 s still lands in the first 0.3 s.
    assert!(per_second[2] <= 4 && per_second[3] == 0, "{per_second:?}");
    assert!(per_second[5] > 10, "{per_second:?}");
}

#[test]
fn jitter_never_reorders() {
    let mut jittery = shape(1_000, Loss::None);
    jittery.jitter = ms(40);
    let mut link = Link::new(jittery, 3);
    for id in 0..500u64 {
        link.handle_packet(ms(id * 5), 200, id);
    }
    let mut delivered = Vec::new();
    for step in 0..5_000 {
        while let Some(id) = link.poll_delivery(ms(step)) {
            delivered.push(id);
        }
    }
    assert_eq!(delivered, (0..500).collect::<Vec<_>>());
}

#[test]
fn capacity_steps_apply_from_their_time() {
    let mut stepped = shape(500, Loss::None);
    stepped.capacity.push((Duration::from_secs(5), 150_000));
    let (per_second, _) = offer(stepped, 400, 10);
    assert!((49..=51).contains(&per_second[3]), "400 kb/s fits in 500: {per_second:?}");
    assert!((18..=19).contains(&per_second[8]), "then 150 kb/s: {per_second:?}");
}
