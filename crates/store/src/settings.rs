//! Installation settings an admin may change: how long the kiosk waits, untouched, before it locks itself.

use crate::auth::Session;
use crate::error::StoreError;
use crate::store::Store;
use eclinic_domain::{Role, Timestamp};
use std::ops::RangeInclusive;

const AUTO_LOCK: &str = "auto_lock_seconds";

/// Five minutes, unless an admin says otherwise.
pub const DEFAULT_AUTO_LOCK_SECONDS: u32 = 5 * 60;

/// Short enough to try out and test, long enough not to lock while a form is being read aloud; at most
/// a working hour.
pub const AUTO_LOCK_SECONDS: RangeInclusive<u32> = 10..=60 * 60;

impl Store {
    /// How long the UI may sit untouched before it locks.
    pub async fn auto_lock_seconds(&self) -> Result<u32, StoreError> {
        let value: Option<i64> = sqlx::query_scalar("SELECT value FROM settings WHERE name = ?1")
            .bind(AUTO_LOCK)
            .fetch_optional(&self.pool)
            .await
            .map_err(StoreError::db("read settings"))?;
        Ok(value.and_then(|v| u32::try_from(v).ok()).unwrap_or(DEFAULT_AUTO_LOCK_SECONDS))
    }

    /// Sets the auto-lock period; admins only, within `AUTO_LOCK_SECONDS`.
    pub async fn set_auto_lock_seconds(
        &self,
        session: &Session,
        seconds: u32,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        session.require(Role::Admin)?;
        if !AUTO_LOCK_SECONDS.contains(&seconds) {
            return Err(StoreError::OutOfRange {
                what: "auto-lock seconds",
                min: i64::from(*AUTO_LOCK_SECONDS.start()),
                max: i64::from(*AUTO_LOCK_SECONDS.end()),
            });
        }
        self.transact(now, async |txn| {
            sqlx::query(
                "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = ?2",
            )
            .bind(AUTO_LOCK)
            .bind(i64::from(seconds))
            .execute(&mut *txn.conn)
            .await
            .map_err(StoreError::db("change settings"))?;
            txn.audit(Some(session.user), "settings.auto_lock", None).await
        })
        .await
    }
}
