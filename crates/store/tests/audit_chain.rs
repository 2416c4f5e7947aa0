#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::Role;
use eclinic_store::{AuditReport, KeySlot, KeyStore, Store};
use sqlx::ConnectOptions;
use sqlx::sqlite::SqliteConnectOptions;
use support::{Fixture, at, new_patient};

/// Edits the file the way an insider with the key would: around the append-only triggers.
async fn tamper(data: &std::path::Path, keys: &dyn KeyStore, sql: &'static str) {
    let key = keys.load(data, KeySlot::Current).unwrap().unwrap();
    let mut conn = SqliteConnectOptions::new()
        .filename(data.join("records.db"))
        .pragma("key", format!("\"x'{}'\"", key.to_recovery_hex().as_str()))
        .connect()
        .await
        .unwrap();
    sqlx::query("DROP TRIGGER audit_append_only_update").execute(&mut conn).await.unwrap();
    sqlx::query("DROP TRIGGER audit_append_only_delete").execute(&mut conn).await.unwrap();
    sqlx::query(sql).execute(&mut conn).await.unwrap();
}

async fn populated() -> Fixture {
    let f = Fixture::new().await;
    let p =
        f.store.add_patient(&f.admin, new_patient("Amina", "35202-1234567-8", "0300-1234567"), at(10)).await.unwrap();
    f.store.patient(&f.admin, p.id, at(11)).await.unwrap();
    f.store.add_user(&f.admin, support::new_user("nurse", Role::HealthWorker, "4821"), at(12)).await.unwrap();
    f.store.sign_in("nurse", "4821", at(13)).await.unwrap();
    f
}

async fn check(sql: &'static str, expect: AuditReport) {
    let f = populated().await;
    let admin = f.admin.clone();
    let (_dir, keys, data) = f.close().await;
    tamper(&data, keys.as_ref(), sql).await;
    let store = Store::open(&data, keys).await.unwrap();
    assert_eq!(store.verify_audit(&admin).await.unwrap(), expect, "{sql}");
    store.close().await.unwrap();
}

#[tokio::test]
async fn an_untouched_chain_verifies() {
    let f = populated().await;
    let report = f.store.verify_audit(&f.admin).await.unwrap();
    assert!(matches!(report, AuditReport::Intact { entries } if entries >= 5), "{report:?}");
    f.close().await;
}

#[tokio::test]
async fn one_changed_byte_is_detected_and_located() {
    check(
        "UPDATE audit_log SET action = 'patient.reaf' WHERE seq = 3",
        AuditReport::Broken { seq: 3, reason: "content does not match its hash" },
    )
    .await;
    check(
        "UPDATE audit_log SET at_ms = at_ms + 1 WHERE seq = 2",
        AuditReport::Broken { seq: 2, reason: "content does not match its hash" },
    )
    .await;
    check(
        "UPDATE audit_log SET hash = zeroblob(32) WHERE seq = 2",
        AuditReport::Broken { seq: 2, reason: "content does not match its hash" },
    )
    .await;
}

#[tokio::test]
async fn a_removed_entry_is_detected_where_the_gap_is() {
    check(
        "DELETE FROM audit_log WHERE seq = 2",
        AuditReport::Broken { seq: 3, reason: "sequence gap: entries are missing before this one" },
    )
    .await;
}

#[tokio::test]
async fn only_admins_verify_the_chain() {
    let f = populated().await;
    let nurse = f.store.sign_in("nurse", "4821", at(20)).await.unwrap();
    let err = f.store.verify_audit(&nurse).await.unwrap_err();
    assert_eq!(err.code(), "forbidden");
    f.close().await;
}
