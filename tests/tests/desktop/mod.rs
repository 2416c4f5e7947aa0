//! The desktop app under test, as a person uses it: a private X server (Xvfb), tauri-driver with
//! WebKitWebDriver, a kiosk data directory made with the `eclinic` command line, and screenshots of each
//! step kept for people to look at.
#![allow(dead_code)]

#[path = "../../../crates/cli/src/process_usage.rs"]
pub mod process_usage;
pub mod webdriver;

use anyhow::{Context, bail};
use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const ADMIN_PASSWORD: &str = "e2e admin password";
pub const NURSE: &str = "nurse.amina";
pub const NURSE_PIN: &str = "4821";

/// The workspace's build directory (this test binary lives in `<target>/debug/deps`).
pub fn build_dir() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    Ok(exe.parent().and_then(Path::parent).context("test binary in <target>/<profile>/deps")?.to_owned())
}

/// The desktop app under test: the build's, or `ECLINIC_DESKTOP_APP` (a release build, for figures).
pub fn desktop_app() -> anyhow::Result<PathBuf> {
    match std::env::var_os("ECLINIC_DESKTOP_APP") {
        Some(app) => Ok(PathBuf::from(app)),
        None => Ok(build_dir()?.join("eclinic-desktop")),
    }
}

/// Where screenshots go: `<target>/e2e-screenshots/<test>`, emptied first.
pub fn screenshot_dir(test: &str) -> anyhow::Result<PathBuf> {
    let dir = build_dir()?.join("../e2e-screenshots").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn free_port() -> anyhow::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A child process, in a process group of its own, killed with everything it started when dropped
/// (tauri-driver leaves WebKitWebDriver and the app running otherwise).
#[derive(Debug)]
pub struct Running(Child);

impl Running {
    fn spawn(cmd: &mut Command) -> anyhow::Result<Self> {
        use std::os::unix::process::CommandExt;
        let program = format!("{:?}", cmd.get_program());
        Ok(Self(cmd.process_group(0).spawn().with_context(|| format!("cannot start {program}"))?))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.0.wait();
    }
}

fn require(program: &str) -> anyhow::Result<()> {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {program}")).stdout(Stdio::null()).status()?;
    if !found.success() {
        bail!("{program} is not installed: run the tests through `cargo xtask test`, which installs it");
    }
    Ok(())
}

/// Whether an X server runs on `display`. A lock file naming a process that is gone is stale (an X server
/// killed with SIGKILL leaves it and its socket behind): both are removed, and the display is free.
fn display_in_use(display: u32) -> bool {
    let (lock, socket) = (format!("/tmp/.X{display}-lock"), format!("/tmp/.X11-unix/X{display}"));
    let owner = std::fs::read_to_string(&lock).ok().and_then(|text| text.trim().parse::<u32>().ok());
    match owner {
        Some(pid) if Path::new(&format!("/proc/{pid}")).exists() => true,
        Some(_) => {
            let _ = std::fs::remove_file(&lock);
            let _ = std::fs::remove_file(&socket);
            false
        }
        None => Path::new(&lock).exists() || Path::new(&socket).exists(),
    }
}

/// A private X server on a free display number.
pub fn xvfb() -> anyhow::Result<(Running, String)> {
    require("Xvfb")?;
    for display in 90..140 {
        if display_in_use(display) {
            continue;
        }
        let running = Running::spawn(
            Command::new("Xvfb")
                .arg(format!(":{display}"))
                .args(["-screen", "0", "1280x900x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if Path::new(&format!("/tmp/.X11-unix/X{display}")).exists() {
                return Ok((running, format!(":{display}")));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    bail!("no X display could be started")
}

/// Waits for a native window titled `title` on `display` (a GTK dialog the app opened), gives it the
/// keyboard and presses `key` in it (no window manager runs under Xvfb to do either).
pub fn press_in_window(display: &str, title: &str, key: &str) -> anyhow::Result<()> {
    require("xdotool")?;
    let name = format!("^{title}$");
    let deadline = Instant::now() + Duration::from_secs(15);
    let window = loop {
        let out = Command::new("xdotool")
            .env("DISPLAY", display)
            .args(["search", "--onlyvisible", "--name", &name])
            .output()?;
        if let Some(id) = String::from_utf8(out.stdout)?.lines().next() {
            break id.to_owned();
        }
        anyhow::ensure!(Instant::now() < deadline, "no window titled {title:?} appeared");
        std::thread::sleep(Duration::from_millis(100));
    };
    let status = Command::new("xdotool")
        .env("DISPLAY", display)
        .args(["windowfocus", "--sync", &window, "key", "--clearmodifiers", key])
        .status()?;
    anyhow::ensure!(status.success(), "xdotool could not press {key} in {title:?}");
    Ok(())
}

/// tauri-driver on a free port, its WebKitWebDriver on another, the app's environment set.
pub fn tauri_driver(display: &str, env: &[(&str, &Path)]) -> anyhow::Result<(Running, u16)> {
    require("tauri-driver")?;
    require("WebKitWebDriver")?;
    let (port, native) = (free_port()?, free_port()?);
    let mut cmd = Command::new("tauri-driver");
    cmd.args(["--port", &port.to_string(), "--native-port", &native.to_string()]).env("DISPLAY", display);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let running = Running::spawn(cmd.stdout(Stdio::null()).stderr(Stdio::null()))?;
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok((running, port));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("tauri-driver did not listen on {port}")
}

/// Runs `eclinic --data DIR args…` with `stdin_lines` as its secrets; returns stdout.
pub fn eclinic(data: &Path, args: &[&str], stdin_lines: &[&str]) -> anyhow::Result<String> {
    let program = build_dir()?.join("eclinic");
    let mut child = Command::new(&program)
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {}", program.display()))?;
    child.stdin.take().context("stdin")?.write_all((stdin_lines.join("\n") + "\n").as_bytes())?;
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("eclinic {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8(out.stdout)?)
}

/// A kiosk data directory as an administrator leaves it: the store, a health worker, one known patient,
/// and a simulated blood-pressure cuff and pulse oximeter paired.
pub fn kiosk_data(dir: &Path) -> anyhow::Result<PathBuf> {
    anyhow::ensure!(
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some(),
        "needs a Secret Service: run through `cargo xtask test`"
    );
    let data = dir.join("kiosk");
    eclinic(&data, &["init", "--admin", "admin", "--name", "Clinic Admin"], &[ADMIN_PASSWORD])?;
    let user = ["user", "add", "--username", NURSE, "--name", "Amina Bibi", "--role", "health-worker"];
    eclinic(&data, &user, &[ADMIN_PASSWORD, NURSE_PIN])?;
    let patient = [
        "--user",
        NURSE,
        "patient",
        "add",
        "--name",
        "Rukhsana Bibi",
        "--sex",
        "female",
        "--age",
        "45",
        "--phone",
        "0300-4412345",
        "--village",
        "Chak 45/12-L",
    ];
    eclinic(&data, &patient, &[NURSE_PIN])?;
    std::fs::write(data.join("devices.tsv"), "bp\tsimulated:cuff\ncms50dplus\tsimulated:finger\n")?;
    Ok(data)
}

/// Signs in on the sign-in screen and waits for the header to name who signed in.
pub async fn sign_in(app: &webdriver::Session, username: &str, secret: &str, shown_as: &str) -> anyhow::Result<()> {
    app.wait_for("[data-testid=username]", Duration::from_secs(30)).await?;
    app.type_into("[data-testid=username]", username).await?;
    app.type_into("[data-testid=secret]", secret).await?;
    app.click("[data-testid=sign-in]").await?;
    app.wait_for_text("[data-testid=signed-in]", shown_as, Duration::from_secs(15)).await?;
    Ok(())
}

fn exe_named(pid: u32, name: &str) -> bool {
    std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe.file_name().is_some_and(|n| n == name))
}

fn pids() -> anyhow::Result<Vec<u32>> {
    Ok(std::fs::read_dir("/proc")?.filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok()).collect())
}

/// The desktop app process running on the data directory `data` (started by WebKitWebDriver).
pub fn app_pid(data: &Path) -> anyhow::Result<u32> {
    let wanted = format!("ECLINIC_DATA={}", data.display());
    for pid in pids()? {
        let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        if exe_named(pid, "eclinic-desktop") && environ.split(|b| *b == 0).any(|var| var == wanted.as_bytes()) {
            return Ok(pid);
        }
    }
    bail!("no eclinic-desktop process runs on {}", data.display())
}

/// The app's web content process (WebKit draws the page there).
pub fn web_process_pid(app: u32) -> anyhow::Result<u32> {
    for pid in pids()? {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let parent = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
        if parent == Some(app) && exe_named(pid, "WebKitWebProcess") {
            return Ok(pid);
        }
    }
    bail!("eclinic-desktop {app} has no WebKitWebProcess")
}

/// An XDG config folder naming a downloads folder (as a desktop's `user-dirs.dirs` does), for the app's
/// `XDG_CONFIG_HOME`: documents saved as PDFs go there. Returns both.
pub fn downloads_folder(dir: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    let config = dir.join("xdg-config");
    let downloads = dir.join("downloads");
    std::fs::create_dir_all(&config)?;
    std::fs::write(config.join("user-dirs.dirs"), format!("XDG_DOWNLOAD_DIR=\"{}\"\n", downloads.display()))?;
    Ok((config, downloads))
}

/// A PDF the app saved, read back with poppler's tools.
pub struct Printed(PathBuf);

impl Printed {
    /// The one PDF in `folder` (the app's `e-clinic` folder in the downloads).
    pub fn only_one_in(folder: &Path) -> anyhow::Result<Self> {
        let pdfs: Vec<PathBuf> = std::fs::read_dir(folder)?.filter_map(Result::ok).map(|e| e.path()).collect();
        anyhow::ensure!(pdfs.len() == 1, "one saved PDF in {}: {pdfs:?}", folder.display());
        Ok(Self(pdfs.into_iter().next().context("one PDF")?))
    }

    /// The file's name without `.pdf`.
    pub fn name(&self) -> &str {
        self.0.file_stem().and_then(|s| s.to_str()).unwrap_or_default()
    }

    /// Runs `tool options… FILE trailing…` and gives its output.
    fn poppler(&self, tool: &str, options: &[&str], trailing: &[&str]) -> anyhow::Result<String> {
        let out = Command::new(tool).args(options).arg(&self.0).args(trailing).output()?;
        anyhow::ensure!(out.status.success(), "{tool}: {}", String::from_utf8_lossy(&out.stderr));
        Ok(String::from_utf8(out.stdout)?)
    }

    /// One page of `paper` (`A4`, `A5`) whose text holds each of `wanted`.
    pub fn check(&self, paper: &str, wanted: &[&str]) -> anyhow::Result<()> {
        let info = self.poppler("pdfinfo", &[], &[])?;
        anyhow::ensure!(info.contains("Pages:           1"), "one page: {info}");
        anyhow::ensure!(info.contains(&format!("({paper})")), "an {paper} page: {info}");
        let text = self.poppler("pdftotext", &["-layout"], &["-"])?;
        for w in wanted {
            anyhow::ensure!(text.contains(w), "the printed page holds {w:?}: {text}");
        }
        Ok(())
    }

    /// Renders page 1 as `<stem>.png`, to look at.
    pub fn render_first_page(&self, stem: &Path) -> anyhow::Result<()> {
        let stem = stem.to_str().context("a UTF-8 path")?;
        self.poppler("pdftoppm", &["-png", "-r", "80", "-singlefile"], &[stem]).map(drop)
    }
}
