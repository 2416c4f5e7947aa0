//! The encrypted record store of one e-clinic installation (a kiosk or a doctor's PC).
//!
//! One SQLCipher database per data directory, opened with a raw 256-bit key that lives in the OS keyring.
//! Every change to a record appends a revision stamped with a hybrid logical clock; every read or write of
//! patient data appends to a hash-chained audit log. Callers pass the time in (`now`), so behaviour in tests
//! does not depend on the wall clock.

mod audit;
mod auth;
mod backup;
mod db;
mod documents;
mod encounters;
mod error;
mod history;
pub mod key;
mod observations;
mod patients;
mod records;
mod settings;
mod store;
mod users;

pub use audit::{AuditEntry, AuditReport};
pub use auth::Session;
pub use backup::{BackupKey, StagedRestore};
pub use documents::{EncounterDocuments, Filed};
pub use encounters::NewEncounter;
pub use error::{AuthError, KeyError, StoreError};
pub use history::Revision;
pub use key::{DbKey, KeySlot, KeyStore, MemoryKeyStore, OsKeyring};
pub use patients::{NewPatient, PatientQuery};
pub use settings::{AUTO_LOCK_SECONDS, DEFAULT_AUTO_LOCK_SECONDS};
pub use store::{StoragePaths, Store};
pub use users::NewUser;
