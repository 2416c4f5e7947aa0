//! The installation's store and who is signed in to it, shared by the screens' calls and by the consult's
//! task (which files what the doctor sends while the call runs).

use std::sync::{Mutex, MutexGuard, PoisonError};

use eclinic_store::{Session, Store};
use tokio::sync::RwLock;

use crate::AppError;

#[derive(Debug)]
pub(crate) struct Records {
    /// `None` once closed. Operations hold the read side; closing takes the write side.
    store: RwLock<Option<Store>>,
    session: Mutex<Option<Session>>,
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded values are replaced whole, never left half-changed, so a poisoned lock is still consistent.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Records {
    pub(crate) fn new(store: Store) -> Self {
        Self { store: RwLock::new(Some(store)), session: Mutex::new(None) }
    }

    pub(crate) fn session(&self) -> Result<Session, AppError> {
        lock(&self.session).clone().ok_or(AppError::SignedOut)
    }

    pub(crate) fn set_session(&self, session: Option<Session>) {
        *lock(&self.session) = session;
    }

    /// Runs `work` on the open store, signed in or not.
    pub(crate) async fn with_open_store<T>(
        &self,
        work: impl AsyncFnOnce(&Store) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let guard = self.store.read().await;
        work(guard.as_ref().ok_or(AppError::Closed)?).await
    }

    /// Runs `work` on the open store with the signed-in session.
    pub(crate) async fn with_store<T>(
        &self,
        work: impl AsyncFnOnce(&Store, &Session) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let session = self.session()?;
        self.with_open_store(async |store| work(store, &session).await).await
    }

    /// Opens the store with `open` when it is closed (after a lock); an open store is kept. True when it
    /// was opened here.
    pub(crate) async fn reopen(&self, open: impl AsyncFnOnce() -> Result<Store, AppError>) -> Result<bool, AppError> {
        let mut store = self.store.write().await;
        if store.is_some() {
            return Ok(false);
        }
        *store = Some(open().await?);
        Ok(true)
    }

    /// Signs out and closes the store; every later call fails with `closed` until `reopen`.
    pub(crate) async fn close(&self) -> Result<(), AppError> {
        self.set_session(None);
        match self.store.write().await.take() {
            Some(store) => Ok(store.close().await?),
            None => Ok(()),
        }
    }
}
