//! The auto-lock period: five minutes until an admin sets another within bounds; every change is audited and
//! survives reopening the store.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::Role;
use eclinic_store::DEFAULT_AUTO_LOCK_SECONDS;
use support::{Fixture, at, new_user};

/// (who sets it, seconds asked for, expected: Ok or an error code, period read back afterwards)
type Case = (&'static str, u32, Result<(), &'static str>, u32);

#[tokio::test]
async fn only_admins_set_the_auto_lock_period_within_bounds() {
    let f = Fixture::new().await;
    assert_eq!(f.store.auto_lock_seconds().await.unwrap(), DEFAULT_AUTO_LOCK_SECONDS);
    assert_eq!(DEFAULT_AUTO_LOCK_SECONDS, 300);
    f.store.add_user(&f.admin, new_user("nurse", Role::HealthWorker, "4821"), at(0)).await.unwrap();
    let nurse = f.store.sign_in("nurse", "4821", at(1)).await.unwrap();
    let cases: [Case; 6] = [
        ("admin", 120, Ok(()), 120),
        ("nurse", 3600, Err("forbidden"), 120),
        ("admin", 9, Err("invalid_input"), 120),
        ("admin", 3601, Err("invalid_input"), 120),
        ("admin", 10, Ok(()), 10),
        ("admin", 3600, Ok(()), 3600),
    ];
    for (i, (who, seconds, expect, after)) in cases.into_iter().enumerate() {
        let session = if who == "admin" { &f.admin } else { &nurse };
        let got = f.store.set_auto_lock_seconds(session, seconds, at(10 + i as i64)).await.map_err(|e| e.code());
        assert_eq!(got, expect, "case {i}: {who} sets {seconds}");
        assert_eq!(f.store.auto_lock_seconds().await.unwrap(), after, "case {i}");
    }
    let changes = f.store.audit_tail(&f.admin, 50).await.unwrap();
    let audited = changes.iter().filter(|e| e.action == "settings.auto_lock").count();
    assert_eq!(audited, 3, "each accepted change is audited, refused ones are not");

    let f = f.reopened().await;
    assert_eq!(f.store.auto_lock_seconds().await.unwrap(), 3600, "kept across reopening");
    f.close().await;
}
