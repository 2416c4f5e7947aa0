//! The installation's store and who is signed in to it, shared by the screens' calls and by the consult's
//! task (which files what the doctor sends while the call runs).

use std::sync::{Mutex, MutexGuard, PoisonError};

use eclinic_store::{Session, Store, StoreError};
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
    /// Records over `store`, or closed until a sign-in opens them.
    pub(crate) fn new(store: Option<Store>) -> Self {
        Self { store: RwLock::new(store), session: Mutex::new(None) }
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

    /// Signs in through `sign_in` with the write side held, so neither a lock nor another sign-in comes
    /// between: a closed store (after a lock) is opened with `open` first, and closed again when the sign-in
    /// is refused. The refusal is what the caller hears.
    pub(crate) async fn sign_in<T>(
        &self,
        open: impl AsyncFnOnce() -> Result<Store, AppError>,
        sign_in: impl AsyncFnOnce(&Store) -> Result<(Session, T), AppError>,
    ) -> Result<T, AppError> {
        let mut store = self.store.write().await;
        let reopened = store.is_none();
        if reopened {
            *store = Some(open().await?);
        }
        let opened = store.as_ref().ok_or(AppError::Closed)?;
        match sign_in(opened).await {
            Ok((session, signed_in)) => {
                self.set_session(Some(session));
                Ok(signed_in)
            }
            Err(refused) => {
                if reopened && let Some(opened) = store.take() {
                    // Only a failed sign-in's audit entry was written since it opened; the pool is closed
                    // whatever its checkpoint says.
                    let _ = opened.close().await;
                }
                Err(refused)
            }
        }
    }

    /// Makes the store with `create` (the first run) and signs in the session it gives, with the write side
    /// held; refused when a store is open.
    pub(crate) async fn create(
        &self,
        create: impl AsyncFnOnce() -> Result<(Store, Session), AppError>,
    ) -> Result<(), AppError> {
        let mut store = self.store.write().await;
        if store.is_some() {
            return Err(StoreError::AlreadyInitialised.into());
        }
        let (created, session) = create().await?;
        *store = Some(created);
        self.set_session(Some(session));
        Ok(())
    }

    /// Replaces the store with what `work` makes of it (a restore), with the write side held. A store that
    /// `work` fails on is closed (it consumed it) until the next sign-in opens it again.
    pub(crate) async fn replace(
        &self,
        work: impl AsyncFnOnce(Store) -> Result<Store, AppError>,
    ) -> Result<(), AppError> {
        let mut guard = self.store.write().await;
        let store = guard.take().ok_or(AppError::Closed)?;
        *guard = Some(work(store).await?);
        Ok(())
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
