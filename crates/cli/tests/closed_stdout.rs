#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! `eclinic … | head` and scripts that stop reading early: output to a pipe nobody reads any more ends
//! quietly and the command's own outcome stands, rather than a panic on the broken pipe.

use std::process::{Command, Stdio};

const ECLINIC: &str = env!("CARGO_BIN_EXE_eclinic");

/// Runs `args` with stdout a pipe whose reading end is already closed; expects `exit_code` and no panic.
fn check(args: &[&str], exit_code: i32) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(ECLINIC).args(args).stdout(Stdio::from(writer)).stderr(Stdio::piped()).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    assert_eq!(out.status.code(), Some(exit_code), "{args:?}: {stderr}");
}

#[test]
fn output_to_a_closed_pipe_ends_quietly() {
    check(&["--help"], 0);
    let blood_pressure = "1E 7800 5000 5D00 EA07 0B 17 0A 0F 1E 4800 01 0500";
    check(&["devices", "decode", "--characteristic", "2a35", "--hex", blood_pressure], 0);
    check(&["devices", "decode", "--characteristic", "2a35", "--hex", blood_pressure, "--json"], 0);
    // A failure is still reported on stderr and in the exit code.
    check(&["devices", "decode", "--characteristic", "2a35", "--hex", "1E 78"], 1);
    // A simulated device whose path nobody can read is of no use: it stops with an error.
    check(&["devices", "simulate", "cms50dplus", "--seconds", "5"], 1);
}
