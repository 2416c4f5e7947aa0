//! The TypeScript bindings checked in at `ui/src/bindings.ts` are exactly what the Rust commands export.
//! Run with `ECLINIC_UPDATE_BINDINGS=1` to rewrite them after changing a command or a boundary type.

use anyhow::Context;
use std::path::Path;

#[test]
fn checked_in_bindings_match_the_commands() -> anyhow::Result<()> {
    let checked_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    if std::env::var_os("ECLINIC_UPDATE_BINDINGS").is_some() {
        eclinic_desktop::export_bindings(&checked_in).map_err(anyhow::Error::msg)?;
    }
    let dir = tempfile::tempdir()?;
    let fresh = dir.path().join("bindings.ts");
    eclinic_desktop::export_bindings(&fresh).map_err(anyhow::Error::msg)?;
    let fresh = std::fs::read_to_string(&fresh)?;
    let old = std::fs::read_to_string(&checked_in).context("ui/src/bindings.ts is missing")?;
    anyhow::ensure!(
        old == fresh,
        "ui/src/bindings.ts is out of date: run `ECLINIC_UPDATE_BINDINGS=1 cargo test -p eclinic-desktop --test bindings_fresh`"
    );
    Ok(())
}
