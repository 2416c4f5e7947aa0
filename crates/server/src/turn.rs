//! TURN credentials in coturn's `use-auth-secret` (TURN REST API) scheme: the username is
//! `expiry:account`, the password base64(HMAC-SHA1(secret, username)). The secret stays on the server.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use zeroize::Zeroizing;

use crate::ServerError;

/// The longest a credential may live: a long call on a kiosk that stays up all day.
pub const MAX_TTL_S: u64 = 12 * 3600;

#[derive(Clone)]
pub struct TurnConfig {
    secret: Zeroizing<String>,
    urls: Vec<String>,
    ttl_s: u64,
}

impl std::fmt::Debug for TurnConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TurnConfig").field("urls", &self.urls).field("ttl_s", &self.ttl_s).finish_non_exhaustive()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TurnCredentials {
    pub urls: Vec<String>,
    pub username: String,
    pub credential: String,
    pub ttl_s: u64,
}

impl TurnConfig {
    pub fn new(secret: &str, urls: Vec<String>, ttl_s: u64) -> Result<Self, ServerError> {
        if secret.len() < 16 {
            return Err(ServerError::InvalidInput { field: "TURN secret", reason: "at least 16 characters" });
        }
        if urls.is_empty() || urls.iter().any(|u| !(u.starts_with("turn:") || u.starts_with("turns:"))) {
            return Err(ServerError::InvalidInput { field: "TURN URL", reason: "turn: or turns: URLs, at least one" });
        }
        if ttl_s == 0 || ttl_s > MAX_TTL_S {
            return Err(ServerError::InvalidInput { field: "TURN TTL", reason: "between 1 s and 12 h" });
        }
        Ok(Self { secret: Zeroizing::new(secret.to_owned()), urls, ttl_s })
    }

    /// Credentials for `account_id` valid until `now_unix + ttl`.
    pub fn mint(&self, account_id: &str, now_unix: u64) -> TurnCredentials {
        self.mint_until(account_id, now_unix + self.ttl_s)
    }

    /// Credentials that expire at `expiry_unix` (tests mint already-expired ones).
    pub fn mint_until(&self, account_id: &str, expiry_unix: u64) -> TurnCredentials {
        let username = format!("{expiry_unix}:{account_id}");
        // HMAC takes a key of any length: new_from_slice cannot fail for it.
        let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(self.secret.as_bytes())
            .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
        mac.update(username.as_bytes());
        let credential = STANDARD.encode(mac.finalize().into_bytes());
        TurnCredentials { urls: self.urls.clone(), username, credential, ttl_s: self.ttl_s }
    }
}
