#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_domain::Role;
use support::{Fixture, at, new_user};

/// (seconds since start, PIN typed, expected: Ok or an error code)
type Attempt = (i64, &'static str, Result<(), &'static str>);

async fn check(attempts: &[Attempt]) {
    let f = Fixture::new().await;
    f.store.add_user(&f.admin, new_user("nurse", Role::HealthWorker, "4821"), at(0)).await.unwrap();
    for (i, (second, pin, expect)) in attempts.iter().enumerate() {
        let got = f.store.sign_in("nurse", pin, at(second * 1000)).await.map(|_| ()).map_err(|e| e.code());
        assert_eq!(got, *expect, "attempt {i} at {second}s with {pin}");
    }
    f.close().await;
}

const WRONG: Result<(), &str> = Err("invalid_credentials");
const LOCKED: Result<(), &str> = Err("locked_out");

#[tokio::test]
async fn five_failures_lock_for_thirty_seconds() {
    check(&[
        (1, "1111", WRONG),
        (2, "1111", WRONG),
        (3, "1111", WRONG),
        (4, "1111", WRONG),
        (5, "1111", WRONG),
        (6, "4821", LOCKED),
        (34, "4821", LOCKED),
        (35, "4821", Ok(())),
    ])
    .await;
}

#[tokio::test]
async fn each_further_failure_doubles_the_lock() {
    check(&[
        (1, "1111", WRONG),
        (2, "1111", WRONG),
        (3, "1111", WRONG),
        (4, "1111", WRONG),
        (5, "1111", WRONG),
        (40, "1111", WRONG),
        (99, "4821", LOCKED),
        (100, "4821", Ok(())),
    ])
    .await;
}

#[tokio::test]
async fn success_resets_the_count() {
    check(&[
        (1, "1111", WRONG),
        (2, "1111", WRONG),
        (3, "1111", WRONG),
        (4, "1111", WRONG),
        (5, "4821", Ok(())),
        (6, "1111", WRONG),
        (7, "4821", Ok(())),
    ])
    .await;
}

#[tokio::test]
async fn unknown_users_and_bad_usernames_look_like_wrong_secrets() {
    let f = Fixture::new().await;
    for name in ["ghost", "NOT A NAME", ""] {
        let err = f.store.sign_in(name, "4821", at(1)).await.unwrap_err();
        assert_eq!(err.code(), "invalid_credentials", "{name:?}");
    }
    f.close().await;
}

#[tokio::test]
async fn roles_are_checked_in_the_store() {
    let f = Fixture::new().await;
    f.store.add_user(&f.admin, new_user("nurse", Role::HealthWorker, "4821"), at(0)).await.unwrap();
    let nurse = f.store.sign_in("nurse", "4821", at(1)).await.unwrap();
    let err = f.store.add_user(&nurse, new_user("other", Role::Admin, "long enough pw"), at(2)).await.unwrap_err();
    assert_eq!(err.code(), "forbidden");
    let err = f.store.add_user(&f.admin, new_user("nurse", Role::HealthWorker, "5932"), at(3)).await.unwrap_err();
    assert_eq!(err.code(), "username_taken");
    let err = f.store.add_user(&f.admin, new_user("weak", Role::HealthWorker, "1111"), at(4)).await.unwrap_err();
    assert_eq!(err.code(), "invalid_input");
    let err = f.store.bootstrap_admin(new_user("root", Role::Admin, "long enough pw"), at(5)).await.unwrap_err();
    assert_eq!(err.code(), "already_bootstrapped");
    f.close().await;
}
