//! A whole consult in the real windows, as the health worker (in Urdu) and the doctor do it: the kiosk (enrolled with
//! a one-time code through `eclinic server enrol`) opens a visit with consent, its simulated oximeter and cuff
//! fill the vitals panel, the patient joins the queue; the doctor signs in at the server, sees the patient
//! waiting and takes them; the call connects and pictures are drawn in both windows, the oximeter's readings
//! live beside the doctor's video, the patient's history (the vitals saved before the call, as trends) beside
//! it, and a chat line each way; the doctor switches between the kiosk's cameras, zooms and asks
//! for a photo, which the kiosk keeps and the doctor sees; the doctor writes notes and a prescription, which
//! the kiosk files in the visit's record and shows; the health worker ends the consult, both windows say
//! so, and the kiosk shows what the record now holds.
//!
//! Measured while the call runs (printed, and written to `figures.json` beside the screenshots): each
//! window's drawn and received frame rates, and the resident memory and CPU of each app and of its web
//! content process. `ECLINIC_DESKTOP_APP` points the test at a release build for figures.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod desktop;
#[path = "../../crates/server/tests/common/server_process.rs"]
mod server_process;

use desktop::webdriver::Session;
use server_process::ServerProcess;
use std::path::Path;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const DOCTOR: &str = "dr.saima";
const DOCTOR_PASSWORD: &str = "e2e doctor password";
/// How long the call's figures are sampled for.
const MEASURED: Duration = Duration::from_secs(6);

#[test]
fn a_patient_is_queued_taken_and_seen_in_a_call() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&desktop::build_dir()?.join("eclinic-server"), dir.path(), None);
    server.create_doctor(DOCTOR, DOCTOR_PASSWORD);
    let address = ["--url", &server.base, "--ca", server.certificate.to_str().unwrap(), "--media-bind", "127.0.0.1:0"];
    let kiosk = desktop::kiosk_data(dir.path())?;
    desktop::eclinic(
        &kiosk,
        &[&["server", "enrol"], &address[..]].concat(),
        &[&server.enrolment_code("Basti Malook")],
    )?;
    let doctor = dir.path().join("doctor");
    desktop::eclinic(&doctor, &["init", "--admin", "admin", "--name", "Doctor's PC"], &[desktop::ADMIN_PASSWORD])?;
    desktop::eclinic(&doctor, &[&["server", "set"], &address[..]].concat(), &[])?;

    let (config, downloads) = desktop::downloads_folder(dir.path())?;

    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(consult(&kiosk, &doctor, &config, &downloads))
}

async fn consult(kiosk_data: &Path, doctor_data: &Path, kiosk_config: &Path, downloads: &Path) -> anyhow::Result<()> {
    let shots = desktop::screenshot_dir("consult")?;
    let (_x, display) = desktop::xvfb()?;
    let app = desktop::desktop_app()?;
    let (kiosk_face, doctor_face) = (Path::new("kiosk"), Path::new("doctor"));
    let (_kiosk_driver, kiosk_port) = desktop::tauri_driver(
        &display,
        &[("ECLINIC_DATA", kiosk_data), ("ECLINIC_FACE", kiosk_face), ("XDG_CONFIG_HOME", kiosk_config)],
    )?;
    let (_doctor_driver, doctor_port) =
        desktop::tauri_driver(&display, &[("ECLINIC_DATA", doctor_data), ("ECLINIC_FACE", doctor_face)])?;
    let kiosk = Session::start(kiosk_port, &app).await?;
    let doctor = Session::start(doctor_port, &app).await?;
    let shot = async |window: &Session, name: &str, css: &str| {
        window.screenshot_at(css, &shots.join(format!("{name}.png"))).await
    };

    // The health worker works in Urdu (the doctor in English); she opens a visit for a known patient and
    // the devices fill the panel.
    desktop::sign_in(&kiosk, desktop::NURSE, desktop::NURSE_PIN, desktop::NURSE).await?;
    kiosk.click("[data-testid=language] option[value=ur]").await?;
    kiosk.wait_for("html[dir=rtl][lang=ur]", 5 * SECOND).await?;
    kiosk.type_into("[data-testid=search-text]", "Rukhsana").await?;
    kiosk.click("[data-testid=search]").await?;
    kiosk.click("[data-testid=results] [data-testid=open-patient]").await?;
    kiosk.type_into("[data-testid=reason]", "fever for three days, short of breath").await?;
    kiosk.click("[data-testid=consented]").await?;
    kiosk.click("[data-testid=start-visit]").await?;
    kiosk.wait_for("[data-testid=live-spo2]", 10 * SECOND).await?;
    // The cuff's reading and the oximeter's are saved with the visit: the doctor's history shows them.
    kiosk.wait_for("[data-testid=live-systolic]", 20 * SECOND).await?;
    kiosk.click("[data-testid=save-devices]").await?;
    kiosk.wait_for("[data-testid=saved-vitals] tr[data-kind=systolic]", 5 * SECOND).await?;

    // The doctor signs in at the server and watches the queue.
    desktop::sign_in(&doctor, DOCTOR, DOCTOR_PASSWORD, "Dr Call").await?;
    doctor.wait_for("[data-testid=queue-empty]", 10 * SECOND).await?;

    // The patient joins the queue as urgent, and is first.
    kiosk.click("[data-testid=priority] option[value=urgent]").await?;
    kiosk.click("[data-testid=join-queue]").await?;
    kiosk.wait_for("[data-testid=queue-position][data-position='1']", 10 * SECOND).await?;
    shot(&kiosk, "01-kiosk-queued", "[data-testid=queue-waiting]").await?;
    let row = doctor.wait_for_text("[data-testid=queue-entry]", "short of breath", 10 * SECOND).await?;
    assert!(row.contains("Urgent") && row.contains("Basti Malook"), "the doctor's queue row: {row}");
    shot(&doctor, "02-doctor-queue", "[data-testid=doctor-queue]").await?;

    // The doctor takes the patient; both windows draw the far end and their own camera.
    doctor.click("[data-testid=take]").await?;
    kiosk.wait_for_text("[data-testid=doctor-joined]", "Dr Call", 10 * SECOND).await?;
    for window in [&kiosk, &doctor] {
        for view in ["far", "self"] {
            window.wait_for_at_least(&format!("[data-testid=video-{view}]"), "data-drawn", 30.0, 30 * SECOND).await?;
        }
        window.wait_for("[data-testid=call-quality]", 10 * SECOND).await?;
    }
    doctor.wait_for_text("[data-testid=call-vitals]", "SpO₂", 10 * SECOND).await?;

    // Beside the call, the patient's history from the kiosk's record, with the saved vitals' trends.
    doctor.wait_for_text("[data-testid=history-patient]", "Rukhsana Bibi", 10 * SECOND).await?;
    for group in ["blood-pressure", "spo2"] {
        doctor
            .wait_for(&format!("[data-testid=trend-chart][data-group={group}][data-state=drawn]"), 5 * SECOND)
            .await?;
    }
    doctor.wait_for("[data-testid=history-first-visit]", 5 * SECOND).await?;
    shot(&doctor, "04a-doctor-history", "[data-testid=patient-history]").await?;

    // They write to each other beside the video.
    for (from, to, line) in [(&doctor, &kiosk, "Please hold the oximeter still"), (&kiosk, &doctor, "Done, doctor")] {
        from.type_into("[data-testid=chat-text]", line).await?;
        from.click("[data-testid=chat-send]").await?;
        from.wait_for_text("[data-testid=chat] [data-mine=true]", line, 5 * SECOND).await?;
        to.wait_for_text("[data-testid=chat] [data-mine=false]", line, 10 * SECOND).await?;
    }
    // The kiosk has two (simulated) cameras: the doctor switches to the handheld one, whose larger picture
    // the kiosk's self-view (half size) shows, and back to the room's.
    for width in [320, 160] {
        doctor.click("[data-testid=switch-camera]").await?;
        kiosk.wait_for(&format!("[data-testid=video-self][width='{width}']"), 10 * SECOND).await?;
    }
    // The doctor zooms in and asks for a photo; the kiosk keeps it with the visit and the doctor sees it.
    doctor.click("[data-testid=zoom-200]").await?;
    doctor.click("[data-testid=request-photo]").await?;
    kiosk.wait_for("[data-testid=photos-kept][data-count='1']", 20 * SECOND).await?;
    doctor.wait_for("[data-testid=photo-gallery][data-count='1']", 30 * SECOND).await?;
    doctor.click("[data-testid=zoom-100]").await?;
    shot(&doctor, "05-doctor-photo", "[data-testid=photo-gallery]").await?;

    // Notes and a prescription go to the kiosk, which files them and says so.
    for (field, text) in [
        ("notes-subjective", "Fever three days, breathless on walking"),
        ("notes-assessment", "Lower respiratory tract infection"),
        ("notes-plan", "Amoxicillin; review in 3 days"),
    ] {
        doctor.type_into(&format!("[data-testid={field}]"), text).await?;
    }
    doctor.click("[data-testid=send-notes]").await?;
    for (field, text) in [
        ("item-drug", "Amoxicillin 500 mg"),
        ("item-dose", "1 capsule"),
        ("item-frequency", "three times a day"),
        ("item-duration", "5 days"),
        ("item-instructions", "after meals"),
    ] {
        doctor.type_into(&format!("[data-testid={field}]"), text).await?;
    }
    doctor.click("[data-testid=send-prescription]").await?;
    for kind in ["notes", "prescription"] {
        let stored = format!("[data-testid=record-status][data-kind={kind}][data-state=stored]");
        doctor.wait_for(&stored, 10 * SECOND).await?;
        // What is in the record is not sent again (it would be filed twice) until the doctor changes it.
        doctor.wait_for(&format!("[data-testid=send-{kind}]:disabled"), SECOND).await?;
    }
    kiosk.wait_for_text("[data-testid=filed-prescription]", "Amoxicillin 500 mg", 10 * SECOND).await?;
    shot(&doctor, "06-doctor-notes", "[data-testid=consult-notes]").await?;
    shot(&kiosk, "07-kiosk-from-doctor", "[data-testid=doctors-documents]").await?;

    let figures = measure(&kiosk, &doctor, kiosk_data, doctor_data).await?;
    println!("{}", serde_json::to_string_pretty(&figures)?);
    std::fs::write(shots.join("figures.json"), serde_json::to_string_pretty(&figures)?)?;
    shot(&kiosk, "03-kiosk-call", "[data-testid=call]").await?;
    shot(&doctor, "04-doctor-call", "[data-testid=call]").await?;
    for (window, renderer) in [("kiosk", &figures["kiosk"]["renderer"]), ("doctor", &figures["doctor"]["renderer"])] {
        assert!(renderer == "webgl" || renderer == "2d", "{window} draws the pictures: {renderer}");
    }

    // The health worker ends the consult; both windows say it has ended, and the doctor is back at the queue.
    // The kiosk reads back from its store what the consult left in the record.
    kiosk.click("[data-testid=hang-up]").await?;
    kiosk.wait_for("[data-testid=consult-ended][data-outcome=completed]", 10 * SECOND).await?;
    doctor.wait_for("[data-testid=doctor-queue] [data-testid=consult-ended]", 10 * SECOND).await?;
    let record = "[data-testid=doctors-documents][data-source=record]";
    let filed = kiosk.wait_for_text(record, "Lower respiratory tract infection", 10 * SECOND).await?;
    assert!(filed.contains("Amoxicillin 500 mg") && filed.contains("12345-P"), "the record: {filed}");
    kiosk.wait_for("[data-testid=consult-ended] [data-testid=photos-kept][data-count='1']", 5 * SECOND).await?;
    shot(&kiosk, "08-kiosk-ended", "main").await?;

    // She saves the prescription as a PDF for the patient to take away.
    kiosk.click(&format!("{record} [data-testid=save-prescription]")).await?;
    kiosk.wait_for("[data-testid=saved-to]", 30 * SECOND).await?;
    check_printed_prescription(&downloads.join("e-clinic"), &shots)?;
    shot(&doctor, "09-doctor-back-at-queue", "[data-testid=doctor-queue]").await?;
    kiosk.end().await?;
    doctor.end().await?;
    Ok(())
}

/// The saved PDF is one A5 page naming the clinic, the doctor with their PMDC number, the patient and the
/// medicine, with the verification code its file is named by; page 1 is rendered beside the screenshots.
fn check_printed_prescription(folder: &Path, shots: &Path) -> anyhow::Result<()> {
    let printed = desktop::Printed::only_one_in(folder)?;
    printed.check("A5", &["Basti Malook", "Dr Call", "PMDC 12345-P", "Rukhsana Bibi", "Amoxicillin 500 mg"])?;
    let code = printed.name().strip_prefix("prescription-").unwrap().to_owned();
    printed.check("A5", &[&code])?;
    printed.render_first_page(&shots.join("10-kiosk-printed-prescription"))
}

/// Each window's drawn and received frame rates (the far view), and each app's memory and CPU, over
/// [`MEASURED`] of the call.
async fn measure(
    kiosk: &Session,
    doctor: &Session,
    kiosk_data: &Path,
    doctor_data: &Path,
) -> anyhow::Result<serde_json::Value> {
    let far = "[data-testid=video-far]";
    let windows = [("kiosk", kiosk), ("doctor", doctor)];
    let counts = async || -> anyhow::Result<Vec<[f64; 2]>> {
        let mut counts = Vec::new();
        for (_, window) in windows {
            let number =
                async |name| Ok::<_, anyhow::Error>(window.attribute(far, name).await?.and_then(|v| v.parse().ok()));
            counts.push([
                number("data-drawn").await?.unwrap_or(f64::NAN),
                number("data-received").await?.unwrap_or(f64::NAN),
            ]);
        }
        Ok(counts)
    };
    let apps = [desktop::app_pid(kiosk_data)?, desktop::app_pid(doctor_data)?];
    // Each app, then each app's web content process.
    let pids = [apps[0], apps[1], desktop::web_process_pid(apps[0])?, desktop::web_process_pid(apps[1])?];
    let (cpu_before, counts_before) = (pids.map(desktop::process_usage::cpu_seconds), counts().await?);
    tokio::time::sleep(MEASURED).await;
    let (cpu_after, counts_after) = (pids.map(desktop::process_usage::cpu_seconds), counts().await?);
    let seconds = MEASURED.as_secs_f64();
    let mut figures = serde_json::Map::new();
    for (i, (name, window)) in windows.into_iter().enumerate() {
        let rate = |which: usize| (counts_after[i][which] - counts_before[i][which]) / seconds;
        let cpu_percent = |at: usize| cpu_before[at].zip(cpu_after[at]).map(|(b, a)| (a - b) / seconds * 100.0);
        let rss_mib = |at: usize| desktop::process_usage::status_kib(pids[at], "VmRSS").map(|kib| kib / 1024);
        figures.insert(
            name.to_owned(),
            serde_json::json!({
                "renderer": window.attribute(far, "data-renderer").await?,
                "drawn_fps": rate(0),
                "received_fps": rate(1),
                "app_rss_mib": rss_mib(i),
                "app_cpu_percent_of_one_core": cpu_percent(i),
                "web_process_rss_mib": rss_mib(i + 2),
                "web_process_cpu_percent_of_one_core": cpu_percent(i + 2),
            }),
        );
    }
    Ok(serde_json::Value::Object(figures))
}
