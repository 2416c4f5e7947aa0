//! A child commits writes one by one and prints each id after its commit returns; it is killed with SIGKILL
//! at a random moment. Every printed id must be in the store after reopening, and the file must be sound.
#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test

mod support;

use eclinic_store::{OsKeyring, Store};
use std::collections::HashSet;
use std::io::BufRead;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use support::{PASSWORD, kiosk_with_patients, now, random_u64, rounds, torture};

#[tokio::test]
async fn every_commit_that_returned_survives_sigkill() {
    let (kiosk, store, session) = kiosk_with_patients(1).await;
    store.close().await.unwrap();
    let mut previously_present = 0;
    for round in 0..rounds(20, 200) {
        let delay_ms = 30 + random_u64() % 1000;
        let mut child = torture()
            .args(["write", kiosk.data.to_str().unwrap(), PASSWORD, &kiosk.patient.to_string(), "10000"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            std::io::BufReader::new(stdout).lines().map_while(Result::ok).collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        let printed = reader.join().unwrap();
        let mut stderr = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
        assert!(!stderr.contains("panicked") && !stderr.contains("Error"), "round {round}: child failed: {stderr}");

        let store = Store::open(&kiosk.data, Arc::new(OsKeyring)).await.unwrap();
        store.check_integrity().await.unwrap_or_else(|e| panic!("round {round} (kill after {delay_ms} ms): {e}"));
        let session = store.sign_in("admin", PASSWORD, now()).await.unwrap();
        let present: HashSet<String> = store
            .observations_for(&session, kiosk.patient, now())
            .await
            .unwrap()
            .iter()
            .map(|o| o.id.to_string())
            .collect();
        for id in printed.iter().filter(|line| line.len() == 36) {
            assert!(
                present.contains(id),
                "round {round} (kill after {delay_ms} ms, {status}): committed {id} was lost"
            );
        }
        assert!(present.len() >= previously_present, "round {round}: rows disappeared");
        previously_present = present.len();
        store.close().await.unwrap();
    }
    assert!(previously_present > 0, "the child committed something in the rounds");
    let _ = session;
}
