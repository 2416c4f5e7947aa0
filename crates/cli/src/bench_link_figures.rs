//! The figures of one `eclinic bench link` run, from the two ends' `--stats-json` and their /proc samples.
//! The kiosk's uplink is the constrained direction: picture and sound quality are what the doctor received,
//! the estimate and the send rate are the kiosk's.

use std::time::Duration;

use eclinic_linklab::Shape;
use serde_json::Value;

use crate::output::LinkRunOut;

/// A step has converged when the 2-second mean estimate is within this fraction of the new capacity.
const CONVERGED_WITHIN: f64 = 0.35;

fn per_second(stats: &Value, field: &str) -> Vec<f64> {
    stats["seconds"].as_array().map_or_else(Vec::new, |s| s.iter().map(|x| x[field].as_f64().unwrap_or(0.0)).collect())
}

fn capacity_kbps_at(shape: &Shape, second: usize) -> f64 {
    shape.capacity_at(Duration::from_secs(second as u64)) as f64 / 1_000.0
}

/// Seconds from each capacity change until the estimate's 2-second mean is within 35 % of the new capacity.
fn convergence(shape: &Shape, estimate: &[f64]) -> Vec<(u64, u64, Option<f64>)> {
    shape
        .capacity
        .iter()
        .skip(1)
        .map(|(from, bps)| {
            let (step, target) = (from.as_secs(), *bps as f64 / 1_000.0);
            let converged = (step as usize + 1..estimate.len()).find(|&s| {
                let mean = (estimate[s - 1] + estimate[s]) / 2.0;
                (mean - target).abs() <= CONVERGED_WITHIN * target
            });
            (step, *bps / 1_000, converged.map(|s| s as f64 - step as f64))
        })
        .collect()
}

fn most_common_resolution(doctor: &Value) -> Option<String> {
    let seconds = doctor["seconds"].as_array()?;
    let mut counts = std::collections::BTreeMap::<(u64, u64), usize>::new();
    for s in seconds {
        let size = (s["width"].as_u64().unwrap_or(0), s["height"].as_u64().unwrap_or(0));
        if size.0 > 0 {
            *counts.entry(size).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|((w, h), _)| format!("{w}x{h}"))
}

/// CPU share of one core and peak memory, from the last /proc sample of a process.
type Usage = Option<((f64, u64), Duration)>;

fn cpu_percent(usage: Usage) -> Option<f64> {
    usage.map(|((cpu_s, _), wall)| 100.0 * cpu_s / wall.as_secs_f64().max(0.001))
}

pub fn figures(
    name: &str,
    uplink: &Shape,
    kiosk: &Value,
    doctor: &Value,
    usage: [Usage; 2],
    wire_utilisation: Option<f64>,
) -> LinkRunOut {
    let received = &doctor["summary"];
    let seconds = received["seconds"].as_f64().unwrap_or(0.0).max(1.0);
    let estimate = per_second(kiosk, "estimate_kbps");
    let sent = per_second(kiosk, "send_kbps");
    let tail = estimate.len() * 7 / 10;
    let mean = |values: &[f64]| if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 };
    let capacity_tail = mean(&(tail..estimate.len()).map(|s| capacity_kbps_at(uplink, s)).collect::<Vec<_>>());
    let pictures = per_second(doctor, "fps");
    let outage_recovery_s = uplink.outages.first().map(|(_, end)| {
        let end = end.as_secs() as usize;
        (end..pictures.len()).find(|&s| pictures[s] > 0.0).map(|s| (s + 1 - end) as f64)
    });
    LinkRunOut {
        link: name.to_owned(),
        uplink_one_way_ms: uplink.delay.as_millis() as u64,
        connect_ms: kiosk["connect_ms"].as_u64(),
        received_fps: received["mean_fps"].as_f64(),
        resolution: most_common_resolution(doctor),
        freeze_percent: received["freeze_ms"].as_f64().map(|ms| ms / 10.0 / seconds),
        audio_concealed_percent: received["audio_concealed_fraction"].as_f64().map(|f| f * 100.0),
        glass_to_glass_p50_ms: received["glass_to_glass_p50_ms"].as_u64(),
        glass_to_glass_p95_ms: received["glass_to_glass_p95_ms"].as_u64(),
        kiosk_send_kbps: mean(&sent),
        estimate_tail_kbps: mean(&estimate[tail..]),
        utilisation_percent: (capacity_tail > 0.0).then(|| 100.0 * mean(&sent[tail..]) / capacity_tail),
        wire_utilisation_percent: wire_utilisation.map(|u| u * 100.0),
        estimate_percent_of_capacity: (capacity_tail > 0.0).then(|| 100.0 * mean(&estimate[tail..]) / capacity_tail),
        convergence: convergence(uplink, &estimate),
        outage_recovery_s: outage_recovery_s.flatten(),
        reconnections: kiosk["reconnections"].as_u64().unwrap_or(0),
        ice_restarts: kiosk["ice_restarts"].as_u64().unwrap_or(0),
        kiosk_cpu_percent: cpu_percent(usage[0]),
        doctor_cpu_percent: cpu_percent(usage[1]),
        kiosk_peak_rss_kib: usage[0].map(|((_, rss), _)| rss),
        doctor_peak_rss_kib: usage[1].map(|((_, rss), _)| rss),
    }
}
