//! Accounts: admins and doctors sign in with passwords; kiosks enrol with a one-time code and then sign in with
//! a device secret. Every sign-in yields a short-lived access token and a refresh token; refresh rotates, and
//! a rotated refresh token used again revokes every token of the account (it was stolen).

use std::sync::Arc;

use eclinic_domain::{PmdcNumber, RequiredText, Username};
use eclinic_secrets::{
    SecretError, hash_password, new_enrolment_code, new_token, normalise_code, password_matches, sha256_hex,
};
use zeroize::Zeroizing;

use crate::ServerError;
use crate::hashing::HashPool;
use crate::storage::{Account, AccountKind, NewAccount, Store, TokenKind, TokenState};

pub const ACCESS_TTL_S: i64 = 15 * 60;
pub const REFRESH_TTL_S: i64 = 30 * 24 * 3600;
pub const ENROLMENT_TTL_S: i64 = 24 * 3600;
const MAX_NAME_CHARS: usize = 80;
const MIN_PASSWORD_CHARS: usize = 10;

impl From<SecretError> for ServerError {
    fn from(e: SecretError) -> Self {
        Self::Hashing(e.to_string())
    }
}

/// A signed-in account, as handlers see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub account_id: String,
    pub kind: AccountKind,
    pub display_name: String,
    pub pmdc: Option<String>,
}

#[derive(Debug)]
pub struct TokenPair {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Zeroizing<String>,
    pub expires_in_s: i64,
    pub principal: Principal,
}

#[derive(Debug)]
pub struct Enrolment {
    pub code: Zeroizing<String>,
    pub expires_at: i64,
}

/// A kiosk's credential, returned once at enrolment; the kiosk keeps it in its OS keyring.
#[derive(Debug)]
pub struct DeviceCredential {
    pub kiosk_id: String,
    pub kiosk_name: String,
    pub secret: Zeroizing<String>,
}

#[derive(Debug)]
pub struct NewUser<'a> {
    pub kind: AccountKind,
    pub username: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
    pub pmdc: Option<&'a str>,
}

#[derive(Clone, Debug)]
pub struct Accounts {
    store: Store,
    hashing: Arc<HashPool>,
}

fn invalid(field: &'static str) -> impl FnOnce(eclinic_domain::ValidationError) -> ServerError {
    move |_| ServerError::InvalidInput { field, reason: "not accepted" }
}

fn principal(account: &Account) -> Principal {
    Principal {
        account_id: account.id.clone(),
        kind: account.kind,
        display_name: account.display_name.clone(),
        pmdc: account.pmdc.clone(),
    }
}

impl Accounts {
    pub fn new(store: Store) -> Result<Self, ServerError> {
        Ok(Self { store, hashing: Arc::new(HashPool::new()?) })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Creates an admin or doctor. Doctors must have a PMDC number; admins have none.
    pub async fn create_user(&self, new: &NewUser<'_>, now: i64) -> Result<Principal, ServerError> {
        let username = Username::parse(new.username).map_err(invalid("username"))?;
        let name =
            RequiredText::parse("display name", new.display_name, MAX_NAME_CHARS).map_err(invalid("display name"))?;
        let pmdc = match (new.kind, new.pmdc) {
            (AccountKind::Doctor, Some(pmdc)) => Some(PmdcNumber::parse(pmdc).map_err(invalid("PMDC number"))?),
            (AccountKind::Doctor, None) => {
                return Err(ServerError::InvalidInput { field: "PMDC number", reason: "required for a doctor" });
            }
            (AccountKind::Admin, None) => None,
            _ => {
                return Err(ServerError::InvalidInput {
                    field: "kind",
                    reason: "only admins and doctors have passwords",
                });
            }
        };
        if new.password.chars().count() < MIN_PASSWORD_CHARS {
            return Err(ServerError::InvalidInput { field: "password", reason: "at least 10 characters" });
        }
        let password = Zeroizing::new(new.password.to_owned());
        let hash = self.hashing.run(move || hash_password(&password)).await??;
        let id = uuid::Uuid::now_v7().to_string();
        let pmdc = pmdc.as_ref().map(PmdcNumber::as_str);
        let account = NewAccount {
            id: &id,
            kind: new.kind,
            username: Some(username.as_str()),
            display_name: name.as_str(),
            pmdc,
            secret_hash: &hash,
        };
        self.store.insert_account(&account, now).await?;
        Ok(Principal {
            account_id: id,
            kind: new.kind,
            display_name: name.as_str().to_owned(),
            pmdc: pmdc.map(str::to_owned),
        })
    }

    pub async fn login(&self, username: &str, password: &str, now: i64) -> Result<TokenPair, ServerError> {
        let account = self.store.account_by_username(username).await?;
        let stored = account.as_ref().filter(|a| !a.disabled).map(|a| a.secret_hash.clone());
        let password = Zeroizing::new(password.to_owned());
        let matches = self.hashing.run(move || password_matches(&password, stored.as_deref())).await?;
        match account {
            Some(account) if matches => self.issue(&account, now).await,
            _ => Err(ServerError::InvalidCredentials),
        }
    }

    pub async fn create_enrolment(
        &self,
        admin: &Principal,
        kiosk_name: &str,
        now: i64,
    ) -> Result<Enrolment, ServerError> {
        require(admin, AccountKind::Admin)?;
        let name = RequiredText::parse("kiosk name", kiosk_name, MAX_NAME_CHARS).map_err(invalid("kiosk name"))?;
        let code = Zeroizing::new(new_enrolment_code()?);
        let expires_at = now + ENROLMENT_TTL_S;
        self.store
            .insert_enrolment(&sha256_hex(&normalise_code(&code)), name.as_str(), &admin.account_id, expires_at)
            .await?;
        Ok(Enrolment { code, expires_at })
    }

    /// Exchanges a one-time code for the kiosk's device credential.
    pub async fn enrol(&self, code: &str, now: i64) -> Result<DeviceCredential, ServerError> {
        let secret = Zeroizing::new(new_token("eds")?);
        let kiosk_id = uuid::Uuid::now_v7().to_string();
        let hash = sha256_hex(&secret);
        let kiosk = NewAccount {
            id: &kiosk_id,
            kind: AccountKind::Kiosk,
            username: None,
            display_name: "",
            pmdc: None,
            secret_hash: &hash,
        };
        let name = self.store.redeem_enrolment(&sha256_hex(&normalise_code(code)), &kiosk, now).await?;
        let kiosk_name = name.ok_or(ServerError::InvalidEnrolmentCode)?;
        Ok(DeviceCredential { kiosk_id, kiosk_name, secret })
    }

    pub async fn device_login(&self, kiosk_id: &str, secret: &str, now: i64) -> Result<TokenPair, ServerError> {
        let account = self.store.account(kiosk_id).await?.filter(|a| a.kind == AccountKind::Kiosk && !a.disabled);
        match account {
            Some(account) if eclinic_secrets::same_hash(&sha256_hex(secret), &account.secret_hash) => {
                self.issue(&account, now).await
            }
            _ => Err(ServerError::InvalidCredentials),
        }
    }

    /// A new pair for a refresh token, which is spent. Reusing a spent one revokes the whole account's tokens.
    pub async fn refresh(&self, refresh_token: &str, now: i64) -> Result<TokenPair, ServerError> {
        let hash = sha256_hex(refresh_token);
        let (account_id, state) =
            self.store.token(&hash, TokenKind::Refresh, now).await?.ok_or(ServerError::InvalidToken)?;
        if state == TokenState::Spent || !self.store.revoke_token(&hash, now).await? {
            self.store.revoke_all_tokens(&account_id, now).await?;
            tracing::warn!(account = %account_id, "a spent refresh token was presented: all tokens of the account revoked");
            return Err(ServerError::InvalidToken);
        }
        let account =
            self.store.account(&account_id).await?.filter(|a| !a.disabled).ok_or(ServerError::InvalidToken)?;
        self.issue(&account, now).await
    }

    pub async fn logout(&self, refresh_token: &str, now: i64) -> Result<(), ServerError> {
        self.store.revoke_token(&sha256_hex(refresh_token), now).await?;
        Ok(())
    }

    /// The account behind an access token.
    pub async fn authenticate(&self, access_token: &str, now: i64) -> Result<Principal, ServerError> {
        let found = self.store.token(&sha256_hex(access_token), TokenKind::Access, now).await?;
        let Some((account_id, TokenState::Valid)) = found else { return Err(ServerError::InvalidToken) };
        let account =
            self.store.account(&account_id).await?.filter(|a| !a.disabled).ok_or(ServerError::InvalidToken)?;
        Ok(principal(&account))
    }

    /// Disables an account and revokes its tokens (a lost kiosk, a doctor who left).
    pub async fn revoke(&self, admin: &Principal, account_id: &str, now: i64) -> Result<(), ServerError> {
        require(admin, AccountKind::Admin)?;
        if self.store.disable_account(account_id, now).await? {
            Ok(())
        } else {
            Err(ServerError::InvalidInput { field: "account", reason: "unknown or already revoked" })
        }
    }

    async fn issue(&self, account: &Account, now: i64) -> Result<TokenPair, ServerError> {
        let access_token = Zeroizing::new(new_token("eat")?);
        let refresh_token = Zeroizing::new(new_token("ert")?);
        self.store.insert_token(&sha256_hex(&access_token), &account.id, TokenKind::Access, now + ACCESS_TTL_S).await?;
        self.store
            .insert_token(&sha256_hex(&refresh_token), &account.id, TokenKind::Refresh, now + REFRESH_TTL_S)
            .await?;
        Ok(TokenPair { access_token, refresh_token, expires_in_s: ACCESS_TTL_S, principal: principal(account) })
    }
}

pub fn require(principal: &Principal, kind: AccountKind) -> Result<(), ServerError> {
    if principal.kind == kind { Ok(()) } else { Err(ServerError::Forbidden) }
}
