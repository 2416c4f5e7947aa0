//! A rekey killed at a random moment: the store opens with exactly one of the old and new keys, through
//! the keyring as the app does, and no row is lost.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_store::{DbKey, KeySlot, KeyStore, MemoryKeyStore, OsKeyring, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{PASSWORD, kiosk_with_patients, random_u64, rounds, torture};

async fn record_digests(store: &Store) -> Vec<(&'static str, String)> {
    store.table_digests().await.unwrap().into_iter().filter(|(t, _)| !matches!(*t, "audit_log" | "users")).collect()
}

/// Whether `key` alone opens the store file in `data` (checked on a copy-free probe through `open`).
async fn opens_with(data: &std::path::Path, key: &DbKey) -> bool {
    let only = MemoryKeyStore::default();
    only.save(data, KeySlot::Current, key).unwrap();
    match Store::open(data, Arc::new(only)).await {
        Ok(store) => {
            store.close().await.unwrap();
            true
        }
        Err(e) => {
            assert_eq!(e.code(), "wrong_key", "{e}");
            false
        }
    }
}

#[tokio::test]
async fn an_interrupted_rekey_opens_with_exactly_one_key_and_loses_nothing() {
    let (kiosk, store, _session) = kiosk_with_patients(3000).await;
    let expected = record_digests(&store).await;
    store.close().await.unwrap();

    // How long one whole rekey takes here, so kills land before, during and after the swap.
    let started = Instant::now();
    let out = torture().args(["rekey", kiosk.data.to_str().unwrap(), PASSWORD]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let full_ms = u64::try_from(started.elapsed().as_millis()).unwrap().max(1);

    for round in 0..rounds(10, 60) {
        let old = OsKeyring.load(&kiosk.data, KeySlot::Current).unwrap().unwrap();
        let delay_ms = random_u64() % (full_ms + full_ms / 5);
        let mut child = torture().args(["rekey", kiosk.data.to_str().unwrap(), PASSWORD]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        child.wait().unwrap();

        let mut candidates = vec![old.clone()];
        for slot in [KeySlot::Pending, KeySlot::Current] {
            if let Some(key) = OsKeyring.load(&kiosk.data, slot).unwrap()
                && !candidates.contains(&key)
            {
                candidates.push(key);
            }
        }
        let mut opening = 0;
        for key in &candidates {
            if opens_with(&kiosk.data, key).await {
                opening += 1;
            }
        }
        assert_eq!(
            opening,
            1,
            "round {round} (kill after {delay_ms} of {full_ms} ms): {} candidate keys",
            candidates.len()
        );

        let store = Store::open(&kiosk.data, Arc::new(OsKeyring)).await.unwrap();
        assert_eq!(record_digests(&store).await, expected, "round {round}: rows changed");
        store.check_integrity().await.unwrap();
        store.close().await.unwrap();
        assert!(OsKeyring.load(&kiosk.data, KeySlot::Pending).unwrap().is_none(), "opening settles the rekey");
    }
}
