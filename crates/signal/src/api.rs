//! The server's HTTP API bodies (JSON). Tokens travel only in bodies and the `Authorization` header, never in
//! a URL.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeviceLoginRequest {
    pub kiosk_id: String,
    pub secret: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnrolmentRequest {
    pub kiosk_name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    Admin,
    Doctor,
    Kiosk,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NewUserRequest {
    pub role: AccountRole,
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub pmdc: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TokenPairResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in_s: i64,
    pub account_id: String,
    pub role: AccountRole,
    pub display_name: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnrolmentResponse {
    pub code: String,
    pub expires_at: i64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DeviceCredentialResponse {
    pub kiosk_id: String,
    pub kiosk_name: String,
    pub secret: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct AccountResponse {
    pub account_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TurnResponse {
    pub urls: Vec<String>,
    pub username: String,
    pub credential: String,
    pub ttl_s: u64,
}

/// Every failed request's body: a stable code and a message with no secrets or patient data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    pub code: String,
    pub message: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub version: String,
    pub backend: String,
}
