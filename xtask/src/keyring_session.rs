//! Runs a command where a Secret Service is available, as on a kiosk's desktop: inside `dbus-run-session`
//! with gnome-keyring unlocked and its keyring files in a directory of our choosing, so tests and the demo
//! never touch the developer's own keyring.

use anyhow::{Context, bail};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// The hidden subcommand xtask re-executes itself with inside the D-Bus session.
pub const INNER: &str = "__in-keyring-session";

/// Runs `program args…` with a private Secret Service whose keyrings live in `keyrings`, unlocked with
/// `password`, and with `env` added to its environment.
pub fn run(
    keyrings: &Path,
    password: &str,
    program: &str,
    args: &[String],
    env: &[(&str, String)],
) -> anyhow::Result<()> {
    let runtime = keyrings.join("runtime");
    std::fs::create_dir_all(&runtime)?;
    set_private(&runtime)?;
    let mut cmd = Command::new("dbus-run-session");
    cmd.arg("--").arg(std::env::current_exe()?).arg(INNER).arg(program).args(args);
    cmd.env("XDG_DATA_HOME", keyrings).env("XDG_RUNTIME_DIR", &runtime).env("ECLINIC_KEYRING_PASSWORD", password);
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    crate::deps::run(&mut cmd)
}

#[cfg(unix)]
fn set_private(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    Ok(())
}

/// Inside the session: unlock gnome-keyring's secrets component, then run the command.
pub fn inner(args: &[String]) -> anyhow::Result<()> {
    let (program, rest) = args.split_first().context("a program to run")?;
    let password = std::env::var("ECLINIC_KEYRING_PASSWORD").context("the keyring password")?;
    let mut daemon = Command::new("gnome-keyring-daemon")
        .args(["--unlock", "--components=secrets"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("cannot start gnome-keyring-daemon")?;
    daemon.stdin.take().context("daemon stdin")?.write_all(password.as_bytes())?;
    if !daemon.wait()?.success() {
        bail!("gnome-keyring-daemon did not start");
    }
    let status = Command::new(program).args(rest).env_remove("ECLINIC_KEYRING_PASSWORD").status()?;
    if !status.success() {
        bail!("{program} failed with {status}");
    }
    Ok(())
}
