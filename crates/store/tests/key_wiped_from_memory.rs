#![allow(clippy::unwrap_used)] // tests: a failed unwrap is a failed test
//! Once a store is closed (as when the kiosk locks), after a sign-in, writes and a backup, no copy of its key is left in the process's memory:
//! every readable and writable mapping of this process is searched for the key's hex text, the form in which
//! SQLCipher is given it, apart from the copies this test makes to search with. The same search finds the
//! key's bytes that the (in-memory) key store keeps, so it is known to see the heap.

mod support;

use eclinic_store::{BackupKey, KeySlot, KeyStore};
use std::ops::Range;
use std::os::unix::fs::FileExt;
use zeroize::Zeroizing;

#[tokio::test]
async fn a_closed_store_leaves_no_copy_of_its_key() {
    let fixture = support::Fixture::new().await;
    let patient = support::new_patient("Bilqis Akhtar", "35202-1234567-8", "0300-1234567");
    fixture.store.add_patient(&fixture.admin, patient, support::at(2)).await.unwrap();
    let fixture = fixture.reopened().await;
    let elsewhere = tempfile::tempdir().unwrap();
    let backup = elsewhere.path().join("backup.db");
    fixture.store.create_backup(&fixture.admin, &backup, BackupKey::SameAsStore, support::at(3)).await.unwrap();
    let (_dir, keys, data) = fixture.close().await;

    let hex_text = keys.load(&data, KeySlot::Current).unwrap().unwrap().to_recovery_hex();
    let mut raw = Zeroizing::new([0u8; 32]);
    hex::decode_to_slice(hex_text.as_bytes(), raw.as_mut()).unwrap();
    let own_copies = [address_range(hex_text.as_bytes()), address_range(raw.as_ref())];
    // The search sees the heap: the key store (memory, in this test) still holds the key's bytes.
    assert!(copies_in_memory(raw.as_ref(), &own_copies) > 0, "the key store's copy is found");
    let found = copies_in_memory(hex_text.as_bytes(), &own_copies);
    assert_eq!(found, 0, "copies of the key's text left in memory after the store closed");
}

fn address_range(bytes: &[u8]) -> Range<usize> {
    let start = bytes.as_ptr() as usize;
    start..start + bytes.len()
}

/// How many times `needle` occurs in this process's readable and writable memory, outside `except` and the
/// buffer the search reads into.
fn copies_in_memory(needle: &[u8], except: &[Range<usize>]) -> usize {
    const CHUNK: usize = 1 << 20;
    let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
    let memory = std::fs::File::open("/proc/self/mem").unwrap();
    let mut buffer = vec![0u8; CHUNK];
    let scratch = address_range(&buffer);
    let mut found = 0;
    for region in maps.lines().filter_map(writable_region) {
        let mut at = region.start;
        while at < region.end {
            let len = CHUNK.min(region.end - at);
            let Ok(read) = memory.read_at(&mut buffer[..len], at as u64) else { break };
            for (offset, window) in buffer[..read].windows(needle.len()).enumerate() {
                let address = at + offset;
                if window == needle && !except.iter().any(|own| own.contains(&address)) && !scratch.contains(&address) {
                    found += 1;
                }
            }
            if read < len || at + read >= region.end {
                break;
            }
            at += read - (needle.len() - 1);
        }
    }
    found
}

/// `start-end rw-p …` lines of /proc/self/maps.
fn writable_region(line: &str) -> Option<Range<usize>> {
    let mut fields = line.split_whitespace();
    let (range, perms) = (fields.next()?, fields.next()?);
    if !perms.starts_with("rw") {
        return None;
    }
    let (start, end) = range.split_once('-')?;
    Some(usize::from_str_radix(start, 16).ok()?..usize::from_str_radix(end, 16).ok()?)
}
