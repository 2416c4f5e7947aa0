//! The database key and where it is kept.
//!
//! A store's key is 256 random bits made at first start and handed to SQLCipher as a raw key (`x'…'`), so no
//! KDF runs at each open. It lives in a [`KeyStore`]: the OS keyring in production ([`OsKeyring`]), with one
//! entry per data directory and slot. There is no plaintext fallback anywhere.

use crate::error::KeyError;
use std::path::Path;
use zeroize::Zeroizing;

/// A 256-bit SQLCipher key, wiped from memory on drop. Debug output never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    /// A fresh key from the OS random number generator.
    pub fn generate() -> Result<Self, KeyError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| KeyError::KeyUnavailable { reason: format!("no OS randomness: {e}") })?;
        Ok(Self(bytes))
    }

    /// Parses a recovery key: 64 hex digits, whitespace ignored.
    pub fn from_recovery_hex(text: &str) -> Result<Self, KeyError> {
        let compact: Zeroizing<String> = Zeroizing::new(text.chars().filter(|c| !c.is_whitespace()).collect());
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(compact.as_bytes(), bytes.as_mut()).map_err(|_| KeyError::BadRecoveryKey)?;
        Ok(Self(bytes))
    }

    /// The recovery form an admin writes down or stores offline.
    pub fn to_recovery_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    /// The key as SQLCipher's raw-key text `x'…'` (no KDF runs at open), for `PRAGMA key`, `PRAGMA rekey`
    /// and `ATTACH … KEY`.
    pub(crate) fn sqlcipher_raw(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", self.to_recovery_hex().as_str()))
    }
}

impl std::fmt::Debug for DbKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbKey(<redacted>)")
    }
}

/// Which key of a store an entry holds. `Pending` exists only while a rekey is under way: it lets a store
/// whose rekey was interrupted open with whichever key its file actually has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot {
    Current,
    Pending,
}

impl KeySlot {
    fn name(self) -> &'static str {
        match self {
            KeySlot::Current => "current",
            KeySlot::Pending => "pending",
        }
    }
}

/// Where store keys are kept. Implementations must not write keys anywhere in plaintext.
pub trait KeyStore: Send + Sync {
    fn load(&self, data_dir: &Path, slot: KeySlot) -> Result<Option<DbKey>, KeyError>;
    fn save(&self, data_dir: &Path, slot: KeySlot, key: &DbKey) -> Result<(), KeyError>;
    fn delete(&self, data_dir: &Path, slot: KeySlot) -> Result<(), KeyError>;
}

/// The OS credential store through the `keyring` crate: Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

const SERVICE: &str = "org.eclinic.records";

impl OsKeyring {
    fn entry(data_dir: &Path, slot: KeySlot) -> Result<keyring::Entry, KeyError> {
        let account = format!("{}#{}", data_dir.display(), slot.name());
        keyring::Entry::new(SERVICE, &account).map_err(unavailable)
    }
}

fn unavailable(err: keyring::Error) -> KeyError {
    // keyring's messages describe the platform failure (no bus, locked collection) and never the secret.
    KeyError::KeyUnavailable { reason: err.to_string() }
}

impl KeyStore for OsKeyring {
    fn load(&self, data_dir: &Path, slot: KeySlot) -> Result<Option<DbKey>, KeyError> {
        match Self::entry(data_dir, slot)?.get_secret() {
            Ok(secret) => {
                let secret = Zeroizing::new(secret);
                let bytes: [u8; 32] = secret.as_slice().try_into().map_err(|_| KeyError::BadRecoveryKey)?;
                Ok(Some(DbKey(Zeroizing::new(bytes))))
            }
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(unavailable(e)),
        }
    }

    fn save(&self, data_dir: &Path, slot: KeySlot, key: &DbKey) -> Result<(), KeyError> {
        Self::entry(data_dir, slot)?.set_secret(key.0.as_ref()).map_err(unavailable)
    }

    fn delete(&self, data_dir: &Path, slot: KeySlot) -> Result<(), KeyError> {
        match Self::entry(data_dir, slot)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(unavailable(e)),
        }
    }
}

/// Keys held in process memory only, for benchmarks and tests that are not about key storage. The same
/// behaviours are tested against [`OsKeyring`] with a real Secret Service.
#[derive(Debug, Default)]
pub struct MemoryKeyStore {
    keys: std::sync::Mutex<Vec<(std::path::PathBuf, KeySlot, DbKey)>>,
}

impl MemoryKeyStore {
    fn with_keys<T>(&self, f: impl FnOnce(&mut Vec<(std::path::PathBuf, KeySlot, DbKey)>) -> T) -> T {
        // A poisoned lock only means another thread panicked mid-update of a Vec; its contents are still valid.
        let mut guard = self.keys.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }
}

impl KeyStore for MemoryKeyStore {
    fn load(&self, data_dir: &Path, slot: KeySlot) -> Result<Option<DbKey>, KeyError> {
        Ok(self.with_keys(|keys| keys.iter().find(|(d, s, _)| d == data_dir && *s == slot).map(|(_, _, k)| k.clone())))
    }

    fn save(&self, data_dir: &Path, slot: KeySlot, key: &DbKey) -> Result<(), KeyError> {
        self.delete(data_dir, slot)?;
        self.with_keys(|keys| keys.push((data_dir.to_owned(), slot, key.clone())));
        Ok(())
    }

    fn delete(&self, data_dir: &Path, slot: KeySlot) -> Result<(), KeyError> {
        self.with_keys(|keys| keys.retain(|(d, s, _)| !(d == data_dir && *s == slot)));
        Ok(())
    }
}
