//! The admin's console at the kiosk, in the real window: the admin signs in and sees the accounts and the
//! storage used, adds a health worker (who can then sign in), shortens the auto-lock period, checks the
//! audit chain, forgets one paired device and pairs another, enrols the kiosk with a real server by one-time
//! code and then gives the same server's other address, and makes an encrypted backup into the
//! downloads folder; an account added after the backup is gone once the backup is restored through the
//! console (confirmed, then everyone signed out); the worker from before the backup signs in and sees the
//! patients, not the console; the command line finds the store as the backup held it.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod desktop;
#[path = "../../crates/server/tests/common/server_process.rs"]
mod server_process;

use desktop::webdriver::Session;
use server_process::ServerProcess;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const KIOSK_NAME: &str = "Kiosk Chak 45";

#[test]
fn the_admin_manages_users_settings_audit_and_backups() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = ServerProcess::start(&desktop::build_dir()?.join("eclinic-server"), dir.path(), None);
    let code = server.enrolment_code(KIOSK_NAME);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(console(dir.path(), &server, &code))
}

async fn console(dir: &std::path::Path, server: &ServerProcess, code: &str) -> anyhow::Result<()> {
    let data = desktop::kiosk_data(dir)?;
    let shots = desktop::screenshot_dir("kiosk_admin")?;
    let (_x, display) = desktop::xvfb()?;
    let face = std::path::PathBuf::from("kiosk");
    let (config, downloads) = desktop::downloads_folder(dir)?;
    let env: [(&str, &std::path::Path); 3] =
        [("ECLINIC_DATA", &data), ("ECLINIC_FACE", &face), ("XDG_CONFIG_HOME", &config)];
    let (_driver, port) = desktop::tauri_driver(&display, &env)?;
    let app = Session::start(port, &desktop::desktop_app()?).await?;
    let shot = async |name: &str, css: &str| app.screenshot_at(css, &shots.join(format!("{name}.png"))).await;

    desktop::sign_in(&app, "admin", desktop::ADMIN_PASSWORD, "admin").await?;
    app.wait_for(&format!("[data-testid=users] tr[data-username='{}']", desktop::NURSE), 10 * SECOND).await?;
    app.wait_for_text("[data-testid=storage]", "MB", 5 * SECOND).await?;

    // A new health worker with her PIN.
    app.type_into("[data-testid=new-username]", "nurse.bilqis").await?;
    app.type_into("[data-testid=new-name]", "Bilqis Akhtar").await?;
    app.type_into("[data-testid=new-secret]", "5937").await?;
    app.click("[data-testid=add-user]").await?;
    app.wait_for("[data-testid=users] tr[data-username='nurse.bilqis']", 10 * SECOND).await?;
    shot("01-users", "[data-testid=users]").await?;

    // A too short period is refused with the store's bounds; half a minute is taken.
    app.type_into("[data-testid=auto-lock-minutes]", "0.1").await?;
    app.click("[data-testid=save-auto-lock]").await?;
    app.wait_for("[data-testid=auto-lock-error]", 5 * SECOND).await?;
    app.wait_for("[data-testid=auto-lock-now][data-seconds='300']", SECOND).await?;
    app.type_into("[data-testid=auto-lock-minutes]", "0.5").await?;
    app.click("[data-testid=save-auto-lock]").await?;
    app.wait_for("[data-testid=auto-lock-now][data-seconds='30']", 5 * SECOND).await?;

    app.click("[data-testid=verify-audit]").await?;
    app.wait_for("[data-testid=audit-result][data-intact=true]", 10 * SECOND).await?;

    app.click("[data-testid=create-backup]").await?;
    let written = app.wait_for_text("[data-testid=backup-file]", "e-clinic-backup-", 30 * SECOND).await?;
    shot("02-backup", "[data-testid=backup-file]").await?;
    let backups: Vec<_> =
        std::fs::read_dir(downloads.join("e-clinic").join("backups"))?.filter_map(Result::ok).collect();
    assert_eq!(backups.len(), 1, "one backup written: {written}");
    let head = std::fs::read(backups[0].path())?;
    assert!(head.len() > 4096 && !head.starts_with(b"SQLite format 3"), "an encrypted database file");

    // The paired devices: the oximeter is forgotten, a simulated thermometer paired; the file the vitals
    // feed reads says so.
    app.wait_for("[data-testid=paired-device][data-address='simulated:finger']", 10 * SECOND).await?;
    app.wait_for("[data-testid=serial-ports]", 15 * SECOND).await?;
    app.click("[data-testid=paired-device][data-address='simulated:finger'] [data-testid=forget-device]").await?;
    app.wait_for_gone("[data-testid=paired-device][data-address='simulated:finger']", 5 * SECOND).await?;
    app.click("[data-testid=device-kind] option[value=thermometer]").await?;
    app.type_into("[data-testid=device-address]", "simulated:forehead").await?;
    app.click("[data-testid=pair-device]").await?;
    app.wait_for("[data-testid=paired-device][data-kind=thermometer][data-address='simulated:forehead']", 5 * SECOND)
        .await?;
    shot("03-devices", "[data-testid=devices]").await?;
    let pairings = std::fs::read_to_string(data.join("devices.tsv"))?;
    assert_eq!(pairings, "bp\tsimulated:cuff\nthermometer\tsimulated:forehead\n");

    // Enrolled with the server by one-time code; then the same server by name instead of address.
    let ca = server.certificate.display().to_string();
    app.type_into("[data-testid=server-url]", &server.base).await?;
    app.type_into("[data-testid=server-ca]", &ca).await?;
    app.type_into("[data-testid=enrolment-code]", code).await?;
    app.click("[data-testid=enrol]").await?;
    app.wait_for_text("[data-testid=enrolled-as]", KIOSK_NAME, 10 * SECOND).await?;
    app.wait_for_text("[data-testid=server]", KIOSK_NAME, 5 * SECOND).await?;
    let by_name = server.base.replace("127.0.0.1", "localhost");
    app.type_into("[data-testid=move-server-url]", &by_name).await?;
    app.click("[data-testid=move-server]").await?;
    app.wait_for("[data-testid=server-moved]", 10 * SECOND).await?;
    app.wait_for_text("[data-testid=server]", &by_name, 5 * SECOND).await?;
    shot("04-server", "[data-testid=server-moved]").await?;
    let settings = std::fs::read_to_string(data.join("server.json"))?;
    assert!(settings.contains(&by_name) && settings.contains(KIOSK_NAME), "{settings}");

    // An account added after the backup is gone once the backup is restored.
    app.type_into("[data-testid=new-username]", "nurse.zainab").await?;
    app.type_into("[data-testid=new-name]", "Zainab Noor").await?;
    app.type_into("[data-testid=new-secret]", "6048").await?;
    app.click("[data-testid=add-user]").await?;
    app.wait_for("[data-testid=users] tr[data-username='nurse.zainab']", 10 * SECOND).await?;
    app.click("[data-testid=backup] [data-testid=restore-backup]").await?;
    app.wait_for("[data-testid=confirm-restore]", 5 * SECOND).await?;
    shot("05-confirm-restore", "[data-testid=confirm-restore]").await?;
    app.click("[data-testid=confirm-restore-yes]").await?;
    app.wait_for_text("[data-testid=notice]", "Restored", 30 * SECOND).await?;
    shot("06-restored", "form").await?;
    app.type_into("[data-testid=username]", "nurse.zainab").await?;
    app.type_into("[data-testid=secret]", "6048").await?;
    app.click("[data-testid=sign-in]").await?;
    app.wait_for("[data-testid=error]", 10 * SECOND).await?;

    // The health worker from before the backup signs in with her PIN (and sees the patients, not the console).
    desktop::sign_in(&app, "nurse.bilqis", "5937", "nurse.bilqis").await?;
    app.wait_for("[data-testid=search-text]", 5 * SECOND).await?;
    assert_eq!(app.count("[data-testid=admin-console]").await?, 0);
    app.end().await?;

    let users = desktop::eclinic(&data, &["--json", "user", "list"], &[desktop::ADMIN_PASSWORD])?;
    assert!(users.contains("nurse.bilqis") && users.contains("Bilqis Akhtar"), "{users}");
    assert!(!users.contains("nurse.zainab"), "restored to before her account: {users}");
    Ok(())
}
