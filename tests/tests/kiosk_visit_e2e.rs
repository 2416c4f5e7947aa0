//! The kiosk as a health worker uses it, in the real window: sign in (a wrong PIN first), find a patient,
//! try to register her again and be shown the likely duplicate, open a visit with consent, take vitals from
//! a simulated cuff and oximeter and type two more (one impossible), save the visit's summary as a PDF, open
//! the OS print dialog and close it (the job holds until then), then find it all in the store.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod desktop;

use desktop::webdriver::Session;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test]
async fn a_health_worker_registers_consents_and_records_vitals() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let data = desktop::kiosk_data(dir.path())?;
    let shots = desktop::screenshot_dir("kiosk_visit")?;
    let (_x, display) = desktop::xvfb()?;
    let face = std::path::PathBuf::from("kiosk");
    let (config, downloads) = desktop::downloads_folder(dir.path())?;
    let env: [(&str, &std::path::Path); 3] =
        [("ECLINIC_DATA", &data), ("ECLINIC_FACE", &face), ("XDG_CONFIG_HOME", &config)];
    let (_driver, port) = desktop::tauri_driver(&display, &env)?;
    let app = Session::start(port, &desktop::desktop_app()?).await?;
    let shot = async |name: &str, css: &str| app.screenshot_at(css, &shots.join(format!("{name}.png"))).await;

    // Sign in: a wrong PIN is refused with the catalogue's sentence, the right one lets her in.
    app.wait_for("[data-testid=username]", 30 * SECOND).await?;
    shot("01-sign-in", "[data-testid=username]").await?;
    app.type_into("[data-testid=username]", desktop::NURSE).await?;
    app.type_into("[data-testid=secret]", "1111").await?;
    app.click("[data-testid=sign-in]").await?;
    app.wait_for_text("[data-testid=error]", "not right", 10 * SECOND).await?;
    desktop::sign_in(&app, desktop::NURSE, desktop::NURSE_PIN, desktop::NURSE).await?;

    // Search by phone finds the patient registered earlier.
    app.type_into("[data-testid=search-text]", "4412345").await?;
    app.click("[data-testid=search]").await?;
    app.wait_for_text("[data-testid=results]", "Rukhsana Bibi", 5 * SECOND).await?;
    shot("02-search", "[data-testid=results]").await?;

    // Registering her again under a shorter name shows her as a likely duplicate; the worker uses her record.
    app.click("[data-testid=register-new]").await?;
    app.type_into("[data-testid=name]", "Rukhsana").await?;
    app.type_into("[data-testid=age]", "46").await?;
    app.type_into("[data-testid=cnic]", "3520248392016").await?;
    assert_eq!(app.value("[data-testid=cnic]").await?, "35202-4839201-6", "the dashes are put in while typing");
    app.click("[data-testid=register]").await?;
    app.wait_for_text("[data-testid=duplicates]", "Rukhsana Bibi", 5 * SECOND).await?;
    shot("03-likely-duplicate", "[data-testid=duplicates]").await?;
    app.click("[data-testid=use-existing]").await?;

    // The visit starts only once consent is ticked.
    app.type_into("[data-testid=reason]", "fever and cough for three days").await?;
    app.wait_for("[data-testid=start-visit]:disabled", SECOND).await?;
    app.click("[data-testid=consented]").await?;
    shot("04-consent", "[data-testid=start-visit]").await?;
    app.click("[data-testid=start-visit]").await?;
    app.wait_for("[data-testid=visit-open]", 5 * SECOND).await?;

    // The simulated cuff and oximeter fill the panel live; one press saves their readings.
    app.wait_for("[data-testid=live-spo2]", 10 * SECOND).await?;
    app.wait_for("[data-testid=live-systolic]", 10 * SECOND).await?;
    shot("05-live-vitals", "[data-testid=live-vitals]").await?;
    app.click("[data-testid=save-devices]").await?;
    app.wait_for("[data-testid=saved-vitals] tr[data-kind=systolic]", 5 * SECOND).await?;

    // Typed values: a fever, and an impossible pulse that is kept but flagged.
    for (kind, value) in [("temperature", "38.4"), ("heart-rate", "400")] {
        app.click(&format!("[data-testid=typed-kind] option[value={kind}]")).await?;
        app.type_into("[data-testid=typed-value]", value).await?;
        app.click("[data-testid=save-typed]").await?;
        app.wait_for_text("[data-testid=saved-vitals]", value, 5 * SECOND).await?;
    }
    assert_eq!(app.count("[data-testid=saved-vitals] tr.implausible").await?, 1);
    shot("06-saved-vitals", "[data-testid=saved-vitals]").await?;

    // The visit so far on paper for the patient: an A4 summary with the reason, the consent and the vitals,
    // the impossible one marked so.
    app.click("[data-testid=save-summary]").await?;
    app.wait_for("[data-testid=summary-saved-to]", 30 * SECOND).await?;
    let printed = desktop::Printed::only_one_in(&downloads.join("e-clinic"))?;
    let reading = ["Rukhsana Bibi", "fever and cough for three days", "38.4", "mmHg", "400 /min", "not possible"];
    printed.check("A4", &reading)?;
    printed.render_first_page(&shots.join("07-visit-summary"))?;

    // Printed through the OS dialog: the job holds (no second one can start) until the dialog is closed.
    app.click("[data-testid=print-summary]").await?;
    app.wait_for("[data-testid=save-summary]:disabled", 5 * SECOND).await?;
    desktop::press_in_window(&display, "Print", "Escape")?;
    app.wait_for("[data-testid=save-summary]:not(:disabled)", 10 * SECOND).await?;
    assert_eq!(app.count("[data-testid=print-error]").await?, 0, "a closed dialog is not an error");
    app.end().await?;

    // What the window showed is what the encrypted store holds.
    let patients =
        desktop::eclinic(&data, &["--json", "--user", desktop::NURSE, "patient", "list"], &[desktop::NURSE_PIN])?;
    let patients: serde_json::Value = serde_json::from_str(&patients)?;
    let list = patients["patients"].as_array().unwrap();
    assert_eq!(list.len(), 1, "the duplicate was not registered: {patients}");
    let id = list[0]["id"].as_str().unwrap();
    let vitals = desktop::eclinic(
        &data,
        &["--json", "--user", desktop::NURSE, "vitals", "list", "--patient", id],
        &[desktop::NURSE_PIN],
    )?;
    let vitals: serde_json::Value = serde_json::from_str(&vitals)?;
    let stored: Vec<(String, Option<String>)> = vitals["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["kind"].as_str().unwrap_or_default().to_owned(), o["device"].as_str().map(str::to_owned)))
        .collect();
    for kind in ["systolic", "diastolic", "spo2", "temperature"] {
        assert!(stored.iter().any(|(k, _)| k == kind), "{kind} stored: {stored:?}");
    }
    assert!(stored.iter().any(|(k, d)| k == "systolic" && d.is_some()), "the cuff is named: {stored:?}");
    assert!(stored.iter().any(|(k, d)| k == "temperature" && d.is_none()), "typed by hand: {stored:?}");
    Ok(())
}
