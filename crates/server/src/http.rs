//! HTTP routes: each handler reads its body, makes one call into `Accounts`/`TurnConfig`, and maps the result.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{DefaultBodyLimit, Path, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use eclinic_signal::api::{
    AccountResponse, AccountRole, DeviceCredentialResponse, DeviceLoginRequest, EnrolRequest, EnrolmentRequest,
    EnrolmentResponse, ErrorResponse, Health, LoginRequest, NewUserRequest, RefreshRequest, TokenPairResponse,
    TurnResponse,
};
use eclinic_signal::{ConnId, MAX_MESSAGE_BYTES, Participant, Role};
use tokio::sync::mpsc;

use crate::accounts::{Accounts, NewUser, Principal, TokenPair, require};
use crate::hub::HubInput;
use crate::storage::{AccountKind, Backend};
use crate::turn::TurnConfig;
use crate::{ServerError, unix_now};

const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) accounts: Accounts,
    pub(crate) turn: Option<TurnConfig>,
    pub(crate) hub: mpsc::Sender<HubInput>,
    pub(crate) next_conn: Arc<AtomicU64>,
}

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health))
        .route("/v1/auth/login", post(login))
        .route("/v1/auth/device", post(device_login))
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/enrol", post(enrol))
        .route("/v1/admin/enrolments", post(create_enrolment))
        .route("/v1/admin/users", post(create_user))
        .route("/v1/admin/accounts/{id}/revoke", post(revoke))
        .route("/v1/turn", get(turn))
        .route("/v1/signal", get(signal))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = match &self {
            Self::InvalidCredentials | Self::InvalidToken => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::InvalidEnrolmentCode | Self::InvalidInput { .. } => StatusCode::BAD_REQUEST,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::TurnDisabled => StatusCode::NOT_FOUND,
            Self::Database(_) | Self::Migration(_) | Self::Tls(_) | Self::Io { .. } | Self::Hashing(_) => {
                tracing::error!(error = %self, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let message =
            if status == StatusCode::INTERNAL_SERVER_ERROR { "internal error".to_owned() } else { self.to_string() };
        (status, Json(ErrorResponse { code: self.code().to_owned(), message })).into_response()
    }
}

type Reply<T> = Result<Json<T>, ServerError>;

fn role(kind: AccountKind) -> AccountRole {
    match kind {
        AccountKind::Admin => AccountRole::Admin,
        AccountKind::Doctor => AccountRole::Doctor,
        AccountKind::Kiosk => AccountRole::Kiosk,
    }
}

fn pair(tokens: TokenPair) -> Json<TokenPairResponse> {
    Json(TokenPairResponse {
        access_token: tokens.access_token.to_string(),
        refresh_token: tokens.refresh_token.to_string(),
        expires_in_s: tokens.expires_in_s,
        account_id: tokens.principal.account_id,
        role: role(tokens.principal.kind),
        display_name: tokens.principal.display_name,
    })
}

async fn principal(state: &AppState, headers: &HeaderMap) -> Result<Principal, ServerError> {
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or(ServerError::InvalidToken)?;
    let token = value.strip_prefix("Bearer ").ok_or(ServerError::InvalidToken)?;
    state.accounts.authenticate(token.trim(), unix_now()).await
}

async fn health(State(state): State<AppState>) -> Reply<Health> {
    state.accounts.store().ping().await?;
    let backend = match state.accounts.store().backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into(), backend: backend.into() }))
}

async fn login(State(state): State<AppState>, Json(body): Json<LoginRequest>) -> Reply<TokenPairResponse> {
    state.accounts.login(&body.username, &body.password, unix_now()).await.map(pair)
}

async fn device_login(State(state): State<AppState>, Json(body): Json<DeviceLoginRequest>) -> Reply<TokenPairResponse> {
    state.accounts.device_login(&body.kiosk_id, &body.secret, unix_now()).await.map(pair)
}

async fn refresh(State(state): State<AppState>, Json(body): Json<RefreshRequest>) -> Reply<TokenPairResponse> {
    state.accounts.refresh(&body.refresh_token, unix_now()).await.map(pair)
}

async fn logout(State(state): State<AppState>, Json(body): Json<RefreshRequest>) -> Result<StatusCode, ServerError> {
    state.accounts.logout(&body.refresh_token, unix_now()).await.map(|()| StatusCode::NO_CONTENT)
}

async fn enrol(State(state): State<AppState>, Json(body): Json<EnrolRequest>) -> Reply<DeviceCredentialResponse> {
    let credential = state.accounts.enrol(&body.code, unix_now()).await?;
    Ok(Json(DeviceCredentialResponse {
        kiosk_id: credential.kiosk_id,
        kiosk_name: credential.kiosk_name,
        secret: credential.secret.to_string(),
    }))
}

async fn create_enrolment(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<EnrolmentRequest>,
) -> Reply<EnrolmentResponse> {
    let admin = principal(&state, &headers).await?;
    let enrolment = state.accounts.create_enrolment(&admin, &body.kiosk_name, unix_now()).await?;
    Ok(Json(EnrolmentResponse { code: enrolment.code.to_string(), expires_at: enrolment.expires_at }))
}

async fn create_user(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<NewUserRequest>,
) -> Reply<AccountResponse> {
    let admin = principal(&state, &headers).await?;
    require(&admin, AccountKind::Admin)?;
    let kind = match body.role {
        AccountRole::Admin => AccountKind::Admin,
        AccountRole::Doctor => AccountKind::Doctor,
        AccountRole::Kiosk => {
            return Err(ServerError::InvalidInput { field: "role", reason: "kiosks enrol with a code" });
        }
    };
    let new = NewUser {
        kind,
        username: &body.username,
        password: &body.password,
        display_name: &body.display_name,
        pmdc: body.pmdc.as_deref(),
    };
    let created = state.accounts.create_user(&new, unix_now()).await?;
    Ok(Json(AccountResponse { account_id: created.account_id }))
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ServerError> {
    let admin = principal(&state, &headers).await?;
    state.accounts.revoke(&admin, &id, unix_now()).await.map(|()| StatusCode::NO_CONTENT)
}

async fn turn(State(state): State<AppState>, headers: HeaderMap) -> Reply<TurnResponse> {
    let caller = principal(&state, &headers).await?;
    if caller.kind == AccountKind::Admin {
        return Err(ServerError::Forbidden);
    }
    let config = state.turn.as_ref().ok_or(ServerError::TurnDisabled)?;
    let minted = config.mint(&caller.account_id, u64::try_from(unix_now()).unwrap_or(0));
    Ok(Json(TurnResponse {
        urls: minted.urls,
        username: minted.username,
        credential: minted.credential,
        ttl_s: minted.ttl_s,
    }))
}

/// The signalling WebSocket. The access token comes in the `Authorization` header of the upgrade request.
async fn signal(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, ServerError> {
    let caller = principal(&state, &headers).await?;
    let role = match caller.kind {
        AccountKind::Kiosk => Role::Kiosk,
        AccountKind::Doctor => Role::Doctor,
        AccountKind::Admin => return Err(ServerError::Forbidden),
    };
    let conn = ConnId(state.next_conn.fetch_add(1, Ordering::Relaxed));
    let participant = Participant { account_id: caller.account_id, role, name: caller.display_name, pmdc: caller.pmdc };
    let hub = state.hub.clone();
    Ok(upgrade
        .max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| crate::ws::run(socket, conn, participant, hub)))
}
