//! The first run of a fresh kiosk, in the real window: with no records yet the kiosk opens on the setup,
//! whose language choice turns the page to Urdu at once; the administrator's password is refused when the
//! two entries differ and when it is too short, then the encrypted records are made with the admin signed
//! in; the server can wait, a simulated cuff is paired, and the setup ends in the admin console, still in
//! Urdu. The command line finds the admin in the new store, and the admin's next sign-in brings Urdu back.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod desktop;

use desktop::webdriver::Session;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const PASSWORD: &str = "village clinic 2026";

#[tokio::test]
async fn a_fresh_kiosk_is_set_up_in_its_window() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("kiosk");
    let shots = desktop::screenshot_dir("kiosk_first_run")?;
    let (_x, display) = desktop::xvfb()?;
    let face = std::path::PathBuf::from("kiosk");
    let env: [(&str, &std::path::Path); 2] = [("ECLINIC_DATA", &data), ("ECLINIC_FACE", &face)];
    let (_driver, port) = desktop::tauri_driver(&display, &env)?;
    let app = Session::start(port, &desktop::desktop_app()?).await?;
    let shot = async |name: &str, css: &str| app.screenshot_at(css, &shots.join(format!("{name}.png"))).await;

    app.wait_for("[data-testid=setup][data-step=language]", 30 * SECOND).await?;
    app.click("[data-testid=setup-language] option[value=ur]").await?;
    app.wait_for("html[lang=ur][dir=rtl]", 5 * SECOND).await?;
    shot("01-language", "[data-testid=setup]").await?;
    app.click("[data-testid=setup-next]").await?;

    app.wait_for("[data-testid=setup][data-step=admin]", 5 * SECOND).await?;
    app.type_into("[data-testid=setup-name]", "Kiosk Admin").await?;
    for (password, again) in [(PASSWORD, "village clinic 2025"), ("short", "short")] {
        app.type_into("[data-testid=setup-password]", password).await?;
        app.type_into("[data-testid=setup-repeat]", again).await?;
        app.click("[data-testid=setup-create]").await?;
        app.wait_for("[data-testid=setup-error]", 10 * SECOND).await?;
        app.wait_for("[data-testid=setup][data-step=admin]", SECOND).await?;
        assert!(!data.join("records.db").exists(), "nothing written for {password:?}/{again:?}");
    }
    shot("02-refused", "[data-testid=setup]").await?;
    app.type_into("[data-testid=setup-password]", PASSWORD).await?;
    app.type_into("[data-testid=setup-repeat]", PASSWORD).await?;
    app.click("[data-testid=setup-create]").await?;
    app.wait_for("[data-testid=setup][data-step=server]", 15 * SECOND).await?;
    app.click("[data-testid=setup-skip]").await?;

    app.wait_for("[data-testid=setup][data-step=devices]", 5 * SECOND).await?;
    app.wait_for("[data-testid=no-devices]", 15 * SECOND).await?;
    app.type_into("[data-testid=device-address]", "simulated:cuff").await?;
    app.click("[data-testid=pair-device]").await?;
    app.wait_for("[data-testid=paired-device][data-kind=bp][data-address='simulated:cuff']", 5 * SECOND).await?;
    shot("03-devices", "[data-testid=setup]").await?;
    app.click("[data-testid=setup-finish]").await?;
    app.wait_for("[data-testid=admin-console]", 10 * SECOND).await?;
    shot("04-console", "[data-testid=admin-console]").await?;
    app.wait_for("[data-testid=users] tr[data-username=admin]", 10 * SECOND).await?;
    app.wait_for("html[lang=ur]", SECOND).await?;
    shot("04-console", "[data-testid=admin-console]").await?;

    app.click("[data-testid=sign-out]").await?;
    app.click("[data-testid=language] option[value=en]").await?;
    app.wait_for("html[lang=en]", 5 * SECOND).await?;
    desktop::sign_in(&app, "admin", PASSWORD, "admin").await?;
    app.wait_for("html[lang=ur][dir=rtl]", 5 * SECOND).await?;
    app.end().await?;

    assert_eq!(std::fs::read_to_string(data.join("devices.tsv"))?, "bp\tsimulated:cuff\n");
    let users = desktop::eclinic(&data, &["--json", "user", "list"], &[PASSWORD])?;
    assert!(users.contains("Kiosk Admin") && users.contains("\"admin\""), "{users}");
    Ok(())
}
