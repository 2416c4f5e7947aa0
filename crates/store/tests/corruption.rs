#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
mod support;

use eclinic_store::{Store, StoreError};
use support::{Fixture, at, new_patient};

const PAGE: u64 = 4096;

async fn store_with_pages() -> Fixture {
    let fixture = Fixture::new().await;
    for i in 0..200 {
        let cnic = format!("35202-{:07}-1", i);
        fixture
            .store
            .add_patient(&fixture.admin, new_patient(&format!("Patient {i}"), &cnic, "0300-1234567"), at(10 + i))
            .await
            .unwrap();
    }
    fixture
}

fn flip_byte(path: &std::path::Path, offset: u64) {
    let mut bytes = std::fs::read(path).unwrap();
    let i = usize::try_from(offset).unwrap();
    assert!(i < bytes.len(), "offset {offset} is inside the file of {} bytes", bytes.len());
    bytes[i] ^= 0x5a;
    std::fs::write(path, bytes).unwrap();
}

/// Flips one byte of `page` (1-based) at `within`, then reports what opening and checking say.
async fn check(page: u64, within: u64) -> StoreError {
    let fixture = store_with_pages().await;
    let (_dir, keys, data) = fixture.close().await;
    flip_byte(&data.join("records.db"), (page - 1) * PAGE + within);
    match Store::open(&data, keys).await {
        Err(e) => e,
        Ok(store) => {
            let err = store.check_integrity().await.expect_err("a flipped byte is found by the integrity check");
            store.close().await.unwrap();
            err
        }
    }
}

#[tokio::test]
async fn a_flipped_byte_in_page_one_is_corruption_not_a_wrong_key() {
    for within in [100, 2000] {
        let err = check(1, within).await;
        assert!(matches!(err, StoreError::Corrupt { .. }), "page 1 +{within}: {err:?}");
    }
}

#[tokio::test]
async fn a_flipped_byte_in_a_later_page_is_corruption() {
    for page in [3, 7] {
        let err = check(page, 1000).await;
        assert!(matches!(err, StoreError::Corrupt { .. }), "page {page}: {err:?}");
        assert_eq!(err.code(), "corrupt");
    }
}

#[tokio::test]
async fn reading_a_damaged_page_is_a_typed_error() {
    let fixture = store_with_pages().await;
    let admin = fixture.admin.clone();
    let (_dir, keys, data) = fixture.close().await;
    let db = data.join("records.db");
    let pages = std::fs::metadata(&db).unwrap().len() / PAGE;
    for page in 2..=pages {
        flip_byte(&db, (page - 1) * PAGE + 500);
    }
    flip_byte(&db, 500);
    flip_byte(&db, 500); // page 1 restored: the store opens, every other page is damaged
    let store = Store::open(&data, keys).await;
    let err = match store {
        Ok(store) => {
            let query = eclinic_store::PatientQuery::parse("Patient");
            let err = store.search_patients(&admin, &query, 50, at(9_999)).await.unwrap_err();
            let _ = store.close().await;
            err
        }
        Err(e) => e,
    };
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
}
