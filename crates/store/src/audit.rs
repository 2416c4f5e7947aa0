//! The audit log: who read or changed which record, when. Each entry's hash covers its fields and the
//! previous entry's hash, so editing, reordering or removing an entry in the middle breaks the chain at
//! that entry.

use crate::auth::Session;
use crate::error::StoreError;
use crate::store::Store;
use eclinic_domain::{Role, Timestamp, UserId};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

const GENESIS: [u8; 32] = [0; 32];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: Timestamp,
    pub user: Option<String>,
    pub action: String,
    pub record: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditReport {
    Intact {
        entries: u64,
    },
    /// The first entry whose stored hash, predecessor link or sequence number does not check out.
    Broken {
        seq: i64,
        reason: &'static str,
    },
}

fn entry_hash(prev: &[u8], seq: i64, at_ms: i64, user: Option<&str>, action: &str, record: Option<&str>) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(prev);
    // Length-prefixed fields: no two different entries serialise to the same bytes.
    for field in
        [seq.to_string().as_str(), at_ms.to_string().as_str(), user.unwrap_or(""), action, record.unwrap_or("")]
    {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    h.update([u8::from(user.is_some()), u8::from(record.is_some())]);
    h.finalize().to_vec()
}

pub(crate) async fn append(
    conn: &mut SqliteConnection,
    now: Timestamp,
    user: Option<UserId>,
    action: &str,
    record: Option<&str>,
) -> Result<(), StoreError> {
    let last: Option<(i64, Vec<u8>)> = sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(StoreError::db("audit"))?;
    let (seq, prev) = last.map_or((1, GENESIS.to_vec()), |(seq, hash)| (seq + 1, hash));
    let user = user.map(|u| u.to_string());
    let hash = entry_hash(&prev, seq, now.unix_ms(), user.as_deref(), action, record);
    sqlx::query(
        "INSERT INTO audit_log (seq, at_ms, user_id, action, record_id, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .bind(seq)
    .bind(now.unix_ms())
    .bind(user)
    .bind(action)
    .bind(record)
    .bind(prev)
    .bind(hash)
    .execute(&mut *conn)
    .await
    .map_err(StoreError::db("audit"))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    seq: i64,
    at_ms: i64,
    user_id: Option<String>,
    action: String,
    record_id: Option<String>,
    prev_hash: Vec<u8>,
    hash: Vec<u8>,
}

impl AuditRow {
    fn computed_hash(&self) -> Vec<u8> {
        entry_hash(
            &self.prev_hash,
            self.seq,
            self.at_ms,
            self.user_id.as_deref(),
            &self.action,
            self.record_id.as_deref(),
        )
    }
}

impl Store {
    /// Walks the whole chain and names the first entry that does not verify.
    pub async fn verify_audit(&self, session: &Session) -> Result<AuditReport, StoreError> {
        session.require(Role::Admin)?;
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT seq, at_ms, user_id, action, record_id, prev_hash, hash FROM audit_log ORDER BY seq",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("audit verify"))?;
        let mut expected_prev = GENESIS.to_vec();
        for (expected_seq, row) in (1..).zip(&rows) {
            let broken = |reason| Ok(AuditReport::Broken { seq: row.seq, reason });
            if row.seq != expected_seq {
                return broken("sequence gap: entries are missing before this one");
            }
            if row.prev_hash != expected_prev {
                return broken("does not link to the previous entry");
            }
            if row.hash != row.computed_hash() {
                return broken("content does not match its hash");
            }
            expected_prev.clone_from(&row.hash);
        }
        Ok(AuditReport::Intact { entries: rows.len() as u64 })
    }

    /// The newest `limit` entries, newest first.
    pub async fn audit_tail(&self, session: &Session, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        session.require(Role::Admin)?;
        let rows: Vec<AuditRow> = sqlx::query_as(
            "SELECT seq, at_ms, user_id, action, record_id, prev_hash, hash FROM audit_log ORDER BY seq DESC LIMIT ?1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(StoreError::db("audit read"))?;
        Ok(rows
            .into_iter()
            .map(|r| AuditEntry {
                seq: r.seq,
                at: Timestamp::from_unix_ms(r.at_ms),
                user: r.user_id,
                action: r.action,
                record: r.record_id,
            })
            .collect())
    }
}
