//! Users, their PINs or passwords (argon2id), and lockout with back-off after repeated failures.

use crate::auth::Session;
use crate::error::{AuthError, StoreError};
use crate::records::UserRow;
use crate::store::Store;
use eclinic_domain::{PmdcNumber, RequiredText, Role, Timestamp, User, UserId, Username};
use zeroize::Zeroizing;

/// Failures allowed before the account locks.
const FREE_ATTEMPTS: i64 = 5;
/// First lock period; each further failure doubles it, up to `MAX_LOCK_MS`.
const BASE_LOCK_MS: i64 = 30_000;
const MAX_LOCK_MS: i64 = 60 * 60_000;

#[derive(Debug)]
pub struct NewUser {
    pub username: Username,
    pub display_name: RequiredText,
    pub role: Role,
    pub pmdc: Option<PmdcNumber>,
    pub secret: Zeroizing<String>,
}

fn hash_secret(secret: &str) -> Result<String, StoreError> {
    eclinic_secrets::hash_password(secret)
        .map_err(|e| StoreError::Database { op: "hash secret", message: e.to_string() })
}

/// How long the account stays locked after `failures` consecutive failures.
fn lock_period_ms(failures: i64) -> i64 {
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    let doublings = u32::try_from(failures - FREE_ATTEMPTS).unwrap_or(u32::MAX).min(16);
    (BASE_LOCK_MS << doublings).min(MAX_LOCK_MS)
}

impl Store {
    /// Creates the store in `dir` (see [`Store::init`]) with its first admin, whose name and password are
    /// checked before anything is written.
    pub async fn init_with_admin(
        dir: &std::path::Path,
        keys: std::sync::Arc<dyn crate::KeyStore>,
        admin: NewUser,
        now: Timestamp,
    ) -> Result<(Store, Session), StoreError> {
        if admin.role != Role::Admin {
            return Err(AuthError::Forbidden { needed: Role::Admin.code() }.into());
        }
        admin.role.credential_kind().check_new_secret(&admin.secret)?;
        let store = Store::init(dir, keys, now).await?;
        match store.bootstrap_admin(admin, now).await {
            Ok(session) => Ok((store, session)),
            Err(refused) => {
                let _ = store.close().await; // the refusal is what matters; the pool is closed either way
                Err(refused)
            }
        }
    }

    /// Creates the first admin of a fresh store. Refused once any user exists.
    pub async fn bootstrap_admin(&self, new: NewUser, now: Timestamp) -> Result<Session, StoreError> {
        if new.role != Role::Admin {
            return Err(AuthError::Forbidden { needed: Role::Admin.code() }.into());
        }
        let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(StoreError::db("bootstrap"))?;
        if existing > 0 {
            return Err(StoreError::AlreadyBootstrapped);
        }
        let user = self.insert_user(None, new, now).await?;
        Ok(Session { user: user.id, username: user.username, role: user.role })
    }

    /// Adds a user; admins only.
    pub async fn add_user(&self, session: &Session, new: NewUser, now: Timestamp) -> Result<User, StoreError> {
        session.require(Role::Admin)?;
        self.insert_user(Some(session.user), new, now).await
    }

    async fn insert_user(&self, by: Option<UserId>, new: NewUser, now: Timestamp) -> Result<User, StoreError> {
        new.role.credential_kind().check_new_secret(&new.secret)?;
        let user = User {
            id: UserId::new(now),
            username: new.username,
            display_name: new.display_name,
            role: new.role,
            pmdc: new.pmdc,
            active: true,
        };
        user.validate()?;
        let hash = hash_secret(&new.secret)?;
        let row = UserRow::from(&user);
        self.transact(now, async |txn| {
            let taken: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE username = ?1")
                .bind(&row.username)
                .fetch_one(&mut *txn.conn)
                .await
                .map_err(StoreError::db("add user"))?;
            if taken > 0 {
                return Err(StoreError::UsernameTaken);
            }
            let revision = txn.revision(by.or(Some(user.id)), "user", &row.id, &row).await?;
            sqlx::query(
                "INSERT INTO users (id, username, display_name, role, pmdc, active, secret_hash, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .bind(&row.id)
            .bind(&row.username)
            .bind(&row.display_name)
            .bind(&row.role)
            .bind(&row.pmdc)
            .bind(row.active)
            .bind(&hash)
            .bind(revision)
            .execute(&mut *txn.conn)
            .await
            .map_err(StoreError::db("add user"))?;
            txn.audit(by.or(Some(user.id)), "user.create", Some(&row.id)).await
        })
        .await?;
        Ok(user)
    }

    /// Checks a username and PIN/password. After five failures in a row the account locks for 30 s, doubling
    /// with each further failure up to an hour; while locked the secret is not even checked.
    pub async fn sign_in(&self, username: &str, secret: &str, now: Timestamp) -> Result<Session, StoreError> {
        let username = Username::parse(username).map_err(|_| AuthError::InvalidCredentials)?;
        type Row = (String, String, String, String, Option<String>, bool, String, i64, i64);
        let row: Option<Row> = sqlx::query_as(
            "SELECT id, username, display_name, role, pmdc, active, secret_hash, failed_attempts, locked_until
             FROM users WHERE username = ?1",
        )
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(StoreError::db("sign in"))?;
        let Some((id, name, display, role, pmdc, active, hash, failures, locked_until)) = row else {
            // Same cost as a real check, so timing does not reveal which usernames exist.
            let _ = eclinic_secrets::password_matches(secret, None);
            return Err(AuthError::InvalidCredentials.into());
        };
        if locked_until > now.unix_ms() {
            return Err(AuthError::LockedOut { retry_after_s: (locked_until - now.unix_ms() + 999) / 1000 }.into());
        }
        if !eclinic_secrets::password_matches(secret, Some(&hash)) {
            let failures = failures + 1;
            let locked_until = now.unix_ms() + lock_period_ms(failures);
            self.transact(now, async |txn| {
                sqlx::query("UPDATE users SET failed_attempts = ?1, locked_until = ?2 WHERE id = ?3")
                    .bind(failures)
                    .bind(locked_until)
                    .bind(&id)
                    .execute(&mut *txn.conn)
                    .await
                    .map_err(StoreError::db("sign in"))?;
                txn.audit(None, "sign-in.failed", Some(&id)).await
            })
            .await?;
            return Err(AuthError::InvalidCredentials.into());
        }
        if !active {
            return Err(AuthError::Disabled.into());
        }
        let user = UserRow { id, username: name, display_name: display, role, pmdc, active }.into_user()?;
        self.transact(now, async |txn| {
            sqlx::query("UPDATE users SET failed_attempts = 0, locked_until = 0 WHERE id = ?1")
                .bind(user.id.to_string())
                .execute(&mut *txn.conn)
                .await
                .map_err(StoreError::db("sign in"))?;
            txn.audit(Some(user.id), "sign-in", Some(&user.id.to_string())).await
        })
        .await?;
        Ok(Session { user: user.id, username: user.username, role: user.role })
    }

    pub async fn list_users(&self, session: &Session) -> Result<Vec<User>, StoreError> {
        session.require(Role::Admin)?;
        let rows: Vec<UserRow> =
            sqlx::query_as("SELECT id, username, display_name, role, pmdc, active FROM users ORDER BY username")
                .fetch_all(&self.pool)
                .await
                .map_err(StoreError::db("list users"))?;
        rows.into_iter().map(UserRow::into_user).collect()
    }
}
