#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use support::{ADMIN_PASSWORD, eclinic, initialised};

/// (arguments, exit status, a piece of the one-line error)
fn check(data: &std::path::Path, args: &[&str], status: i32, says: &str) {
    let run = eclinic(data, args, &format!("{ADMIN_PASSWORD}\n"));
    assert_eq!(run.status, status, "{args:?}: {}", run.stderr);
    assert_eq!(run.stderr.trim_end().lines().count(), 1, "{args:?} gives one line: {}", run.stderr);
    assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
    assert!(run.stdout.is_empty(), "{args:?} prints nothing on stdout");
}

#[test]
fn bad_arguments_give_one_line_and_a_non_zero_exit() {
    let (_dir, data) = initialised();
    check(&data, &["frobnicate"], 2, "unrecognized subcommand");
    check(&data, &["patient", "add", "--name", "X"], 2, "required");
    check(&data, &["patient", "add", "--name", "X", "--sex", "robot", "--age", "3"], 2, "invalid value");
    check(&data, &["patient", "add", "--name", "X", "--sex", "male", "--age", "-3"], 2, "error");
    check(&data, &["patient", "add", "--name", "X", "--sex", "male", "--age", "300"], 1, "age must be between");
    check(&data, &["patient", "add", "--name", "X", "--sex", "male", "--dob", "2090-01-01"], 1, "in the future");
    check(&data, &["patient", "add", "--name", "X", "--sex", "male", "--dob", "17/05/1990"], 1, "not a valid date");
    check(&data, &["patient", "add", "--name", " ", "--sex", "male", "--age", "3"], 1, "name is required");
    check(
        &data,
        &["patient", "add", "--name", "X", "--sex", "male", "--age", "3", "--cnic", "12345"],
        1,
        "XXXXX-XXXXXXX-X",
    );
    check(&data, &["patient", "show", "not-a-uuid"], 1, "must be a UUID");
    check(&data, &["patient", "show", "0190f5e4-0000-7000-8000-000000000000"], 1, "patient not found");
    check(
        &data,
        &["vitals", "add", "--patient", "0190f5e4-0000-7000-8000-000000000000", "--kind", "mood", "--value", "1"],
        1,
        "unknown vital",
    );
    check(
        &data,
        &["vitals", "add", "--patient", "0190f5e4-0000-7000-8000-000000000000", "--kind", "spo2", "--value", "9x"],
        1,
        "decimal",
    );
    check(
        &data,
        &[
            "vitals",
            "add",
            "--patient",
            "0190f5e4-0000-7000-8000-000000000000",
            "--kind",
            "spo2",
            "--value",
            "98",
            "--unit",
            "kg",
        ],
        1,
        "does not fit",
    );
    check(&data, &["user", "add", "--username", "Bad Name", "--name", "X", "--role", "doctor"], 1, "username");
    check(&data, &["backup", "restore", "/nonexistent/file"], 1, "backup file not found");
    check(&data, &["--user", "nobody", "patient", "list"], 1, "wrong username or secret");
}

#[test]
fn a_missing_store_is_named() {
    let dir = tempfile::tempdir().unwrap();
    check(&dir.path().join("nothing-here"), &["patient", "list"], 1, "run `eclinic init` first");
}
