//! `cargo xtask test` runs every check CI runs; `cargo xtask demo` runs the product on this machine. Both
//! install what they need (Debian/Ubuntu packages, npm packages) and stay quiet when it is already there.

mod demo;
mod deps;
mod keyring_session;
mod run;

use anyhow::{Context, bail};
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("test") => run::test(&project_root()?, &args[1..]),
        Some("demo") => run::demo(&project_root()?, &args[1..]),
        Some(keyring_session::INNER) => keyring_session::inner(&args[1..]),
        Some(demo::INNER) => demo::seed_and_show(&args[1..]),
        _ => bail!("usage: cargo xtask test [nextest filters…] | cargo xtask demo"),
    }
}

/// `cargo run` sets `CARGO_MANIFEST_DIR` for the process; it is read at run time because clones sharing one
/// target directory reuse one xtask binary, whose compile-time path would name whichever clone built it.
fn project_root() -> anyhow::Result<PathBuf> {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").context("run xtask through `cargo xtask`")?);
    manifest.parent().map(PathBuf::from).context("xtask lives one level below the project root")
}
