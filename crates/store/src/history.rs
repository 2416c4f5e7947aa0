//! Reading the revision log: a record's full history, and the whole log in HLC order for sync.

use crate::auth::Session;
use crate::error::StoreError;
use crate::store::Store;
use eclinic_domain::{Hlc, Timestamp};

/// One stored revision of a record. `content` is the record's full JSON content after the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    pub record_id: String,
    pub revision: i64,
    pub record_type: String,
    pub hlc: Hlc,
    pub device: String,
    pub user: Option<String>,
    pub content: String,
}

type Row = (String, i64, String, i64, i64, String, Option<String>, String);

fn from_row((record_id, revision, record_type, wall, counter, device, user, content): Row) -> Revision {
    let counter = u32::try_from(counter).unwrap_or(u32::MAX);
    Revision { record_id, revision, record_type, hlc: Hlc { wall_ms: wall, counter }, device, user, content }
}

impl Store {
    /// Every revision of one record, oldest first. An audited read.
    pub async fn history(
        &self,
        session: &Session,
        record_id: &str,
        now: Timestamp,
    ) -> Result<Vec<Revision>, StoreError> {
        let rows: Vec<Row> = self
            .transact(now, async |txn| {
                let rows = sqlx::query_as(
                    "SELECT record_id, revision, record_type, hlc_wall, hlc_counter, device_id, user_id, content
                     FROM revisions WHERE record_id = ?1 ORDER BY revision",
                )
                .bind(record_id)
                .fetch_all(&mut *txn.conn)
                .await
                .map_err(StoreError::db("read history"))?;
                txn.audit(Some(session.user()), "history.read", Some(record_id)).await?;
                Ok(rows)
            })
            .await?;
        Ok(rows.into_iter().map(from_row).collect())
    }
}
