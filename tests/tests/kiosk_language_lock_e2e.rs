//! The kiosk in Urdu and left alone on the counter, in the real window: the sign-in screen switched to Urdu
//! lays out right to left; the health worker's choice comes back at her next sign-in; the screens she uses
//! (home, registration, visit with the consent read in the patient's language) are shown in Urdu; then,
//! untouched for the admin's shortened quiet time, the window locks, the app closes its store (no file of it
//! stays open in the process) and her PIN opens it again.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod desktop;

use desktop::webdriver::Session;
use std::path::Path;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const AUTO_LOCK_SECONDS: u64 = 10;

/// How many of the store's files (database, WAL) the process has open.
fn open_store_files(pid: u32, data: &Path) -> anyhow::Result<usize> {
    let data = data.canonicalize()?;
    let mut open = 0;
    for fd in std::fs::read_dir(format!("/proc/{pid}/fd"))? {
        let Ok(target) = std::fs::read_link(fd?.path()) else { continue };
        let is_store = target.starts_with(&data) && target.to_string_lossy().contains(".db");
        open += usize::from(is_store);
    }
    Ok(open)
}

/// Closing checkpoints the WAL first, so the files go a moment after the window shows the lock.
async fn wait_until_store_closed(pid: u32, data: &Path) -> anyhow::Result<()> {
    for _ in 0..50 {
        if open_store_files(pid, data)? == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::bail!("the app still holds {} of the store's files open", open_store_files(pid, data)?)
}

#[tokio::test]
async fn the_kiosk_speaks_urdu_and_locks_itself_when_left_alone() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let data = desktop::kiosk_data(dir.path())?;
    let seconds = AUTO_LOCK_SECONDS.to_string();
    let settings = ["--user", "admin", "settings", "auto-lock", "--seconds", &seconds];
    desktop::eclinic(&data, &settings, &[desktop::ADMIN_PASSWORD])?;
    let shots = desktop::screenshot_dir("kiosk_language_lock")?;
    let (_x, display) = desktop::xvfb()?;
    let face = std::path::PathBuf::from("kiosk");
    let (_driver, port) = desktop::tauri_driver(&display, &[("ECLINIC_DATA", &data), ("ECLINIC_FACE", &face)])?;
    let app = Session::start(port, &desktop::desktop_app()?).await?;
    let shot = async |name: &str, css: &str| app.screenshot_at(css, &shots.join(format!("{name}.png"))).await;

    // Urdu at the sign-in screen: the page turns right to left and the strings come from the Urdu catalogue.
    app.wait_for("[data-testid=username]", 30 * SECOND).await?;
    app.click("[data-testid=language] option[value=ur]").await?;
    app.wait_for("html[dir=rtl][lang=ur]", 5 * SECOND).await?;
    app.wait_for_text("[data-testid=sign-in]", "داخل ہوں", 5 * SECOND).await?;
    shot("01-sign-in-urdu", "[data-testid=sign-in]").await?;

    // Her first sign-in keeps Urdu, now as hers; back in English at the sign-in screen, her next sign-in
    // brings Urdu back.
    desktop::sign_in(&app, desktop::NURSE, desktop::NURSE_PIN, desktop::NURSE).await?;
    app.click("[data-testid=sign-out]").await?;
    app.wait_for("[data-testid=username]", 5 * SECOND).await?;
    app.click("[data-testid=language] option[value=en]").await?;
    app.wait_for("html[dir=ltr][lang=en]", 5 * SECOND).await?;
    desktop::sign_in(&app, desktop::NURSE, desktop::NURSE_PIN, desktop::NURSE).await?;
    app.wait_for("html[dir=rtl][lang=ur]", 5 * SECOND).await?;
    app.wait_for_text("[data-testid=search]", "تلاش", 5 * SECOND).await?;

    // The screens she works through, in Urdu (kept as screenshots to look at). CNIC and phone keep reading
    // left to right inside the right-to-left page.
    app.type_into("[data-testid=search-text]", "4412345").await?;
    app.click("[data-testid=search]").await?;
    app.wait_for_text("[data-testid=results]", "Rukhsana Bibi", 5 * SECOND).await?;
    shot("02-home-urdu", "[data-testid=results]").await?;
    app.click("[data-testid=register-new]").await?;
    app.type_into("[data-testid=cnic]", "3520248392016").await?;
    assert_eq!(app.attribute("[data-testid=cnic]", "dir").await?.as_deref(), Some("ltr"));
    shot("03-register-urdu", "[data-testid=cnic]").await?;
    app.click("[data-testid=cancel-register]").await?;
    app.type_into("[data-testid=search-text]", "Rukhsana").await?;
    app.click("[data-testid=search]").await?;
    app.click("[data-testid=results] [data-testid=open-patient]").await?;

    // The consent is read in the patient's language whatever the screen's: English here, in an Urdu page.
    app.wait_for_text("[data-testid=consent-text]", "مشورہ", 5 * SECOND).await?;
    app.click("[data-testid=consent-language] option[value=en]").await?;
    app.wait_for_text("[data-testid=consent-text]", "This consultation", 5 * SECOND).await?;
    assert_eq!(app.attribute("[data-testid=consent-text]", "dir").await?.as_deref(), Some("ltr"));
    app.click("[data-testid=consent-language] option[value=ur]").await?;
    app.wait_for_text("[data-testid=consent-text]", "مشورہ", 5 * SECOND).await?;
    shot("04-visit-consent-urdu", "[data-testid=consent-text]").await?;

    // Left alone, the window locks: the sign-in form names her, and the store's files are closed.
    let pid = desktop::app_pid(&data)?;
    assert!(open_store_files(pid, &data)? > 0, "signed in, the store is open");
    let locked = Duration::from_secs(AUTO_LOCK_SECONDS + 10);
    app.wait_for_text("[data-testid=notice]", desktop::NURSE, locked).await?;
    assert_eq!(app.value("[data-testid=username]").await?, desktop::NURSE);
    shot("05-locked-urdu", "[data-testid=notice]").await?;
    wait_until_store_closed(pid, &data).await?;

    // A wrong PIN leaves it closed; hers opens it again.
    app.type_into("[data-testid=secret]", "1111").await?;
    app.click("[data-testid=sign-in]").await?;
    app.wait_for("[data-testid=error]", 10 * SECOND).await?;
    wait_until_store_closed(pid, &data).await?;
    app.type_into("[data-testid=secret]", desktop::NURSE_PIN).await?;
    app.click("[data-testid=sign-in]").await?;
    app.wait_for_text("[data-testid=signed-in]", desktop::NURSE, 15 * SECOND).await?;
    assert!(open_store_files(pid, &data)? > 0, "unlocked, the store is open again");
    app.end().await?;
    Ok(())
}
