#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use support::{ADMIN_PASSWORD, as_admin, eclinic, initialised};

#[test]
fn an_admin_runs_a_kiosk_store_from_the_command_line() {
    let (_dir, data) = initialised();

    let nurse = eclinic(
        &data,
        &["--json", "user", "add", "--username", "nurse.amina", "--name", "Amina", "--role", "health-worker"],
        &format!("{ADMIN_PASSWORD}\n4821\n"),
    );
    assert_eq!(nurse.status, 0, "{}", nurse.stderr);
    assert_eq!(nurse.json()["role"], "health-worker");

    let patient = eclinic(
        &data,
        &[
            "--json",
            "--user",
            "nurse.amina",
            "patient",
            "add",
            "--name",
            "Bibi Fatima",
            "--sex",
            "female",
            "--age",
            "46",
            "--cnic",
            "35202-1234567-8",
            "--phone",
            "0300-1234567",
            "--village",
            "Chak 45",
        ],
        "4821\n",
    );
    assert_eq!(patient.status, 0, "{}", patient.stderr);
    let id = patient.json()["id"].as_str().unwrap().to_owned();

    let vital = eclinic(
        &data,
        &[
            "--json",
            "--user",
            "nurse.amina",
            "vitals",
            "add",
            "--patient",
            &id,
            "--kind",
            "temperature",
            "--value",
            "37.0",
        ],
        "4821\n",
    );
    assert_eq!(vital.status, 0, "{}", vital.stderr);
    assert_eq!(vital.json()["value"], "37.0", "precision kept through the store and the JSON");
    assert_eq!(vital.json()["unit"], "Cel");
    let odd = as_admin(&data, &["vitals", "add", "--patient", &id, "--kind", "spo2", "--value", "140"]);
    assert_eq!(odd.json()["flags"][0], "implausible");

    let list = as_admin(&data, &["patient", "list", "--query", "35202-1234567-8"]);
    assert_eq!(list.json()["patients"][0]["name"], "Bibi Fatima");
    let show = as_admin(&data, &["patient", "show", &id]);
    assert_eq!(show.json()["village"], "Chak 45");
    let vitals = as_admin(&data, &["vitals", "list", "--patient", &id]);
    assert_eq!(vitals.json()["observations"].as_array().unwrap().len(), 2);

    let audit = as_admin(&data, &["audit", "verify"]);
    assert_eq!(audit.json()["kind"], "audit_intact");

    let backup = _dir.path().join("kiosk.backup");
    let made = as_admin(&data, &["backup", "create", backup.to_str().unwrap()]);
    assert_eq!(made.status, 0, "{}", made.stderr);
    as_admin(&data, &["patient", "add", "--name", "After Backup", "--sex", "male", "--age", "30"]);
    let restored = as_admin(&data, &["backup", "restore", backup.to_str().unwrap()]);
    assert_eq!(restored.status, 0, "{}", restored.stderr);
    let after = as_admin(&data, &["patient", "list", "--query", "After Backup"]);
    assert_eq!(after.json()["patients"].as_array().unwrap().len(), 0);

    let recovery = as_admin(&data, &["key", "export-recovery"]);
    let hex = recovery.json()["recovery_key"].as_str().unwrap().to_owned();
    assert_eq!(hex.len(), 64);
    let rotated = as_admin(&data, &["key", "rotate"]);
    assert_eq!(rotated.status, 0, "{}", rotated.stderr);
    let new_hex = as_admin(&data, &["key", "export-recovery"]).json()["recovery_key"].as_str().unwrap().to_owned();
    assert_ne!(hex, new_hex);
    let wrong = eclinic(&data, &["key", "import-recovery"], &format!("{hex}\n"));
    assert_eq!(wrong.status, 1, "the pre-rotation key no longer opens the store");
    assert!(wrong.stderr.contains("does not open this store"), "{}", wrong.stderr);
    let again = eclinic(&data, &["key", "import-recovery"], &format!("{new_hex}\n"));
    assert_eq!(again.status, 0, "{}", again.stderr);
    assert_eq!(as_admin(&data, &["patient", "show", &id]).json()["name"], "Bibi Fatima");
}

#[test]
fn errors_are_one_line_with_a_code_in_json() {
    let (_dir, data) = initialised();
    let wrong = eclinic(&data, &["--json", "patient", "list"], "not the password\n");
    assert_eq!(wrong.status, 1);
    let error: serde_json::Value = serde_json::from_str(wrong.stderr.trim()).unwrap();
    assert_eq!(error["error"]["code"], "invalid_credentials");
    let again = eclinic(&data, &["init"], &format!("{ADMIN_PASSWORD}\n"));
    assert_eq!(again.status, 1);
    assert_eq!(again.stderr.trim(), "error: this data directory already holds a store");
}
