//! The two commands.

use crate::deps;
use crate::keyring_session;
use anyhow::Context;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds go outside the clone so that repeated runs are incremental and the clone stays clean.
fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    home.join(".cache/eclinic-target")
}

fn cargo(root: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(args).current_dir(root).env("CARGO_TARGET_DIR", target_dir());
    cmd
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

pub fn test(root: &Path, filters: &[String]) -> anyhow::Result<()> {
    deps::apt()?;
    deps::rust_components()?;
    deps::nextest()?;
    deps::tauri_driver()?;
    deps::ui(root)?;
    deps::ui_tests(root)?;
    deps::run(&mut cargo(root, &["fmt", "--all", "--check"]))?;
    deps::run(&mut cargo(
        root,
        &["clippy", "--workspace", "--all-targets", "--locked", "--quiet", "--", "-D", "warnings"],
    ))?;

    let keyrings = target_dir().join(format!("xtask-keyrings-{}", std::process::id()));
    let mut args: Vec<String> = ["nextest", "run", "--workspace", "--locked", "--profile"].map(String::from).to_vec();
    args.push(if in_ci() { "ci" } else { "default" }.into());
    args.extend_from_slice(filters);
    let mut env = vec![("CARGO_TARGET_DIR", target_dir().display().to_string())];
    if in_ci() {
        env.push(("ECLINIC_SLOW_TESTS", "1".into()));
    }
    let result = keyring_session::run(&keyrings, "xtask-test-keyring", "cargo", &args, &env);
    let _ = std::fs::remove_dir_all(&keyrings);
    result?;
    // The benchmark compiles and runs once with a tiny workload (its real figures come from `cargo bench`).
    deps::run(&mut cargo(root, &["test", "--locked", "--quiet", "--package", "eclinic-store", "--bench", "store"]))
}

pub fn demo(root: &Path, _args: &[String]) -> anyhow::Result<()> {
    deps::apt()?;
    deps::ui(root)?;
    let packages = ["--package", "eclinic-cli", "--package", "eclinic-desktop", "--package", "eclinic-server"];
    deps::run(&mut cargo(root, &[&["build", "--quiet"][..], &packages[..]].concat()))?;
    let demo = target_dir().join("eclinic-demo");
    let built = |name: &str| target_dir().join("debug").join(name).display().to_string();
    let seed = std::env::current_exe()?;
    let args = [
        crate::demo::INNER.to_owned(),
        built("eclinic"),
        built("eclinic-server"),
        built("eclinic-desktop"),
        demo.display().to_string(),
    ];
    keyring_session::run(&demo.join("keyrings"), "eclinic-demo", seed.to_str().context("UTF-8 path")?, &args, &[])
}
