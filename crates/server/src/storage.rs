//! The server's store: one type over sqlx's Any driver, so the same SQL runs on both backends.
//!
//! Portable SQL only: `$n` placeholders numbered in the order they appear (SQLite numbers them by
//! appearance), integer Unix-second times, `RETURNING`. Each backend has its own migrations.

use std::path::Path;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Row};

use crate::ServerError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Admin,
    Doctor,
    Kiosk,
}

impl AccountKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Doctor => "doctor",
            Self::Kiosk => "kiosk",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "admin" => Some(Self::Admin),
            "doctor" => Some(Self::Doctor),
            "kiosk" => Some(Self::Kiosk),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
}

impl TokenKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Access => "access",
            Self::Refresh => "refresh",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub kind: AccountKind,
    pub username: Option<String>,
    pub display_name: String,
    pub pmdc: Option<String>,
    pub secret_hash: String,
    pub disabled: bool,
}

#[derive(Clone, Debug)]
pub struct NewAccount<'a> {
    pub id: &'a str,
    pub kind: AccountKind,
    pub username: Option<&'a str>,
    pub display_name: &'a str,
    pub pmdc: Option<&'a str>,
    pub secret_hash: &'a str,
}

/// What a token lookup found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenState {
    Valid,
    /// Revoked or expired: a refresh token seen in this state was probably stolen.
    Spent,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

macro_rules! select_account {
    ($filter:literal) => {
        concat!("SELECT id, kind, username, display_name, pmdc, secret_hash, disabled_at FROM accounts WHERE ", $filter)
    };
}

impl Store {
    /// The embedded store in `dir/server.db`, created on first use.
    pub async fn open_sqlite(dir: &Path) -> Result<Self, ServerError> {
        std::fs::create_dir_all(dir).map_err(ServerError::io("creating the data directory"))?;
        let url = format!("sqlite://{}?mode=rwc", dir.join("server.db").display());
        // WAL and synchronous=FULL: a committed enrolment or revocation survives power loss.
        let options = AnyConnectOptions::from_str(&url)?;
        Self::connect(
            options,
            Backend::Sqlite,
            &["PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"],
        )
        .await
    }

    pub async fn connect_postgres(url: &str) -> Result<Self, ServerError> {
        Self::connect(AnyConnectOptions::from_str(url)?, Backend::Postgres, &[]).await
    }

    async fn connect(
        options: AnyConnectOptions,
        backend: Backend,
        setup: &'static [&'static str],
    ) -> Result<Self, ServerError> {
        sqlx::any::install_default_drivers();
        let max = if backend == Backend::Sqlite { 4 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    for statement in setup {
                        sqlx::query(*statement).execute(&mut *conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("./migrations/postgres").run(&pool).await?,
        }
        Ok(Self { pool, backend })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub async fn ping(&self) -> Result<(), ServerError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn insert_account(&self, new: &NewAccount<'_>, now: i64) -> Result<(), ServerError> {
        let result = sqlx::query(
            "INSERT INTO accounts (id, kind, username, display_name, pmdc, secret_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new.id)
        .bind(new.kind.as_str())
        .bind(new.username)
        .bind(new.display_name)
        .bind(new.pmdc)
        .bind(new.secret_hash)
        .bind(now)
        .execute(&self.pool)
        .await;
        match result {
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(ServerError::Conflict("username")),
            other => other.map(|_| ()).map_err(ServerError::from),
        }
    }

    pub async fn account(&self, id: &str) -> Result<Option<Account>, ServerError> {
        let row = sqlx::query(select_account!("id = $1")).bind(id).fetch_optional(&self.pool).await?;
        row.map(account_from_row).transpose()
    }

    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>, ServerError> {
        let row = sqlx::query(select_account!("username = $1")).bind(username).fetch_optional(&self.pool).await?;
        row.map(account_from_row).transpose()
    }

    /// Disables an account and revokes all its tokens, in one transaction.
    pub async fn disable_account(&self, id: &str, now: i64) -> Result<bool, ServerError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query("UPDATE accounts SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(changed > 0)
    }

    pub async fn insert_enrolment(
        &self,
        code_hash: &str,
        kiosk_name: &str,
        created_by: &str,
        expires_at: i64,
    ) -> Result<(), ServerError> {
        sqlx::query(
            "INSERT INTO enrolment_codes (code_hash, kiosk_name, created_by, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(code_hash)
        .bind(kiosk_name)
        .bind(created_by)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Uses an enrolment code once: creates the kiosk account and marks the code used, atomically. `None`
    /// when the code is unknown, used or expired.
    pub async fn redeem_enrolment(
        &self,
        code_hash: &str,
        kiosk: &NewAccount<'_>,
        now: i64,
    ) -> Result<Option<String>, ServerError> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE enrolment_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $3 \
             RETURNING kiosk_name",
        )
        .bind(now)
        .bind(code_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = claimed else { return Ok(None) };
        let name: String = row.try_get("kiosk_name")?;
        sqlx::query(
            "INSERT INTO accounts (id, kind, display_name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(kiosk.id)
        .bind(AccountKind::Kiosk.as_str())
        .bind(&name)
        .bind(kiosk.secret_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE enrolment_codes SET kiosk_id = $1 WHERE code_hash = $2")
            .bind(kiosk.id)
            .bind(code_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(name))
    }

    pub async fn insert_token(
        &self,
        token_hash: &str,
        account_id: &str,
        kind: TokenKind,
        expires_at: i64,
    ) -> Result<(), ServerError> {
        sqlx::query("INSERT INTO tokens (token_hash, account_id, kind, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(account_id)
            .bind(kind.as_str())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The account a token belongs to and whether it is still good.
    pub async fn token(
        &self,
        token_hash: &str,
        kind: TokenKind,
        now: i64,
    ) -> Result<Option<(String, TokenState)>, ServerError> {
        let row =
            sqlx::query("SELECT account_id, expires_at, revoked_at FROM tokens WHERE token_hash = $1 AND kind = $2")
                .bind(token_hash)
                .bind(kind.as_str())
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_at: i64 = row.try_get("expires_at")?;
        let revoked_at: Option<i64> = row.try_get("revoked_at")?;
        let state = if revoked_at.is_none() && expires_at > now { TokenState::Valid } else { TokenState::Spent };
        Ok(Some((row.try_get("account_id")?, state)))
    }

    /// Revokes one token; `false` if it was already revoked (a second use of a rotated refresh token).
    pub async fn revoke_token(&self, token_hash: &str, now: i64) -> Result<bool, ServerError> {
        let changed = sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(token_hash)
            .execute(&self.pool)
            .await?
            .rows_affected();
        Ok(changed > 0)
    }

    pub async fn revoke_all_tokens(&self, account_id: &str, now: i64) -> Result<(), ServerError> {
        sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(account_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Deletes tokens that expired more than a day ago.
    pub async fn purge_tokens(&self, now: i64) -> Result<u64, ServerError> {
        let done =
            sqlx::query("DELETE FROM tokens WHERE expires_at < $1").bind(now - 86_400).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }

    pub async fn record_queued(
        &self,
        consult_id: &str,
        kiosk_id: &str,
        priority: &str,
        now: i64,
    ) -> Result<(), ServerError> {
        sqlx::query("INSERT INTO consults (id, kiosk_id, priority, queued_at) VALUES ($1, $2, $3, $4)")
            .bind(consult_id)
            .bind(kiosk_id)
            .bind(priority)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn record_accepted(&self, consult_id: &str, doctor_id: &str, now: i64) -> Result<(), ServerError> {
        sqlx::query("UPDATE consults SET doctor_id = $1, accepted_at = $2 WHERE id = $3")
            .bind(doctor_id)
            .bind(now)
            .bind(consult_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn record_ended(&self, consult_id: &str, outcome: &str, now: i64) -> Result<(), ServerError> {
        sqlx::query("UPDATE consults SET ended_at = $1, outcome = $2 WHERE id = $3")
            .bind(now)
            .bind(outcome)
            .bind(consult_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// (queued, accepted, outcome) of a logged consult.
    pub async fn consult_log(
        &self,
        consult_id: &str,
    ) -> Result<Option<(String, Option<String>, Option<String>)>, ServerError> {
        let row = sqlx::query("SELECT kiosk_id, doctor_id, outcome FROM consults WHERE id = $1")
            .bind(consult_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| Ok((r.try_get("kiosk_id")?, r.try_get("doctor_id")?, r.try_get("outcome")?))).transpose()
    }
}

fn account_from_row(row: sqlx::any::AnyRow) -> Result<Account, ServerError> {
    let kind: String = row.try_get("kind")?;
    let disabled_at: Option<i64> = row.try_get("disabled_at")?;
    Ok(Account {
        id: row.try_get("id")?,
        kind: AccountKind::parse(&kind)
            .ok_or(ServerError::InvalidInput { field: "account kind", reason: "unknown in the database" })?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        pmdc: row.try_get("pmdc")?,
        secret_hash: row.try_get("secret_hash")?,
        disabled: disabled_at.is_some(),
    })
}
