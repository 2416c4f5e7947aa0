//! The apps' side of the central server: an HTTPS client for the account API and the signalling WebSocket.
//! The server's certificate is checked against the system roots, or against one trusted certificate (a
//! deployment's own CA, the demo's self-signed one).

mod kiosk_identity;

use std::path::Path;
use std::sync::Arc;

use eclinic_signal::api::{
    AccountResponse, DeviceCredentialResponse, DeviceLoginRequest, EnrolRequest, EnrolmentRequest, EnrolmentResponse,
    ErrorResponse, Health, LoginRequest, NewUserRequest, RefreshRequest, TokenPairResponse, TurnResponse,
};
use eclinic_signal::wire::{encode_client, parse_server};
use eclinic_signal::{ClientMessage, ServerMessage, WireError};
use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("TLS setup: {0}")]
    Tls(String),
    #[error("could not reach the server: {0}")]
    Http(reqwest::Error),
    /// The server refused: its `{code, message}`.
    #[error("{status}: {code}: {message}")]
    Refused { status: u16, code: String, message: String },
    #[error("signalling connection: {0}")]
    WebSocket(String),
    #[error("unreadable message from the server: {0}")]
    Wire(#[from] WireError),
    #[error("the OS keyring is unavailable: {0}")]
    Keyring(String),
    #[error("this kiosk is not enrolled with this server: ask an admin for an enrolment code")]
    NotEnrolled,
}

impl From<reqwest::Error> for ConnectError {
    /// A server whose certificate the trusted CA did not sign is a TLS problem, not an unreachable server.
    fn from(error: reqwest::Error) -> Self {
        match refused_certificate(&error) {
            Some(reason) => ConnectError::Tls(reason.to_string()),
            None => ConnectError::Http(error),
        }
    }
}

fn refused_certificate<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    if let Some(tls @ rustls::Error::InvalidCertificate(_)) = error.downcast_ref::<rustls::Error>() {
        return Some(tls);
    }
    // io::Error's `source()` skips the error it wraps (hyper wraps rustls's error in two of them).
    let wrapped = error.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref());
    wrapped.map(|inner| inner as _).or(error.source()).and_then(refused_certificate)
}

/// Log targets that print secrets at TRACE: tungstenite logs the whole upgrade request (`Authorization:
/// Bearer …` included) and every frame's payload (patient labels, SDP). Every process that installs a log
/// subscriber caps these at DEBUG.
pub const TARGETS_THAT_LOG_SECRETS_AT_TRACE: &[&str] = &["tungstenite"];

/// Client TLS trusting exactly one certificate (PEM file).
pub fn trust_certificate(cert_pem: &Path) -> Result<Arc<rustls::ClientConfig>, ConnectError> {
    let tls = |e: &dyn std::fmt::Display| ConnectError::Tls(e.to_string());
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_file_iter(cert_pem).map_err(|e| tls(&e))? {
        roots.add(cert.map_err(|e| tls(&e))?).map_err(|e| tls(&e))?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| tls(&e))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[derive(Clone, Debug)]
pub struct ServerClient {
    base: String,
    http: reqwest::Client,
    tls: Arc<rustls::ClientConfig>,
}

impl ServerClient {
    /// `base` like `https://127.0.0.1:8443`.
    pub fn new(base: &str, tls: Arc<rustls::ClientConfig>) -> Result<Self, ConnectError> {
        let http = reqwest::Client::builder().tls_backend_preconfigured((*tls).clone()).build()?;
        Ok(Self { base: base.trim_end_matches('/').to_owned(), http, tls })
    }

    async fn call<B: Serialize, R: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: Option<&B>,
    ) -> Result<R, ConnectError> {
        let url = format!("{}{path}", self.base);
        let mut request = match body {
            Some(body) => self.http.post(url).json(body),
            None => self.http.get(url),
        };
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await?;
        let status = response.status();
        if status.is_success() {
            if status == reqwest::StatusCode::NO_CONTENT {
                return serde_json::from_str("null").map_err(|e| ConnectError::WebSocket(e.to_string()));
            }
            return Ok(response.json().await?);
        }
        let error: ErrorResponse =
            response.json().await.unwrap_or(ErrorResponse { code: "unknown".into(), message: String::new() });
        Err(ConnectError::Refused { status: status.as_u16(), code: error.code, message: error.message })
    }

    /// The server's address, as used to name this kiosk's credential.
    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn health(&self) -> Result<Health, ConnectError> {
        self.call::<(), _>("/healthz", None, None).await
    }

    pub async fn login(&self, username: &str, password: &str) -> Result<TokenPairResponse, ConnectError> {
        self.call("/v1/auth/login", None, Some(&LoginRequest { username: username.into(), password: password.into() }))
            .await
    }

    pub async fn device_login(&self, kiosk_id: &str, secret: &str) -> Result<TokenPairResponse, ConnectError> {
        self.call(
            "/v1/auth/device",
            None,
            Some(&DeviceLoginRequest { kiosk_id: kiosk_id.into(), secret: secret.into() }),
        )
        .await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenPairResponse, ConnectError> {
        self.call("/v1/auth/refresh", None, Some(&RefreshRequest { refresh_token: refresh_token.into() })).await
    }

    pub async fn logout(&self, refresh_token: &str) -> Result<(), ConnectError> {
        self.call::<_, Option<()>>(
            "/v1/auth/logout",
            None,
            Some(&RefreshRequest { refresh_token: refresh_token.into() }),
        )
        .await
        .map(|_| ())
    }

    pub async fn enrol(&self, code: &str) -> Result<DeviceCredentialResponse, ConnectError> {
        self.call("/v1/enrol", None, Some(&EnrolRequest { code: code.into() })).await
    }

    pub async fn create_enrolment(
        &self,
        admin_token: &str,
        kiosk_name: &str,
    ) -> Result<EnrolmentResponse, ConnectError> {
        self.call("/v1/admin/enrolments", Some(admin_token), Some(&EnrolmentRequest { kiosk_name: kiosk_name.into() }))
            .await
    }

    pub async fn create_user(&self, admin_token: &str, user: &NewUserRequest) -> Result<AccountResponse, ConnectError> {
        self.call("/v1/admin/users", Some(admin_token), Some(user)).await
    }

    pub async fn revoke(&self, admin_token: &str, account_id: &str) -> Result<(), ConnectError> {
        let path = format!("/v1/admin/accounts/{account_id}/revoke");
        self.call::<_, Option<()>>(&path, Some(admin_token), Some(&())).await.map(|_| ())
    }

    pub async fn turn(&self, access_token: &str) -> Result<TurnResponse, ConnectError> {
        self.call::<(), _>("/v1/turn", Some(access_token), None).await
    }

    /// Opens the signalling WebSocket; the token goes in the `Authorization` header.
    pub async fn signal(&self, access_token: &str) -> Result<Signal, ConnectError> {
        let ws_url = format!("wss{}/v1/signal", self.base.trim_start_matches("https"));
        let mut request = ws_url.into_client_request().map_err(|e| ConnectError::WebSocket(e.to_string()))?;
        let value = format!("Bearer {access_token}")
            .parse()
            .map_err(|_| ConnectError::WebSocket("token is not a header value".into()))?;
        request.headers_mut().insert("authorization", value);
        let connector = tokio_tungstenite::Connector::Rustls(self.tls.clone());
        let (socket, _) = tokio_tungstenite::connect_async_tls_with_config(request, None, true, Some(connector))
            .await
            .map_err(|e| ConnectError::WebSocket(e.to_string()))?;
        Ok(Signal { socket })
    }
}

/// A signalling connection: typed messages each way.
#[derive(Debug)]
pub struct Signal {
    socket: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
}

impl Signal {
    pub async fn send(&mut self, message: &ClientMessage) -> Result<(), ConnectError> {
        self.send_text(encode_client(message)).await
    }

    /// Sends raw text (tests send malformed messages this way).
    pub async fn send_text(&mut self, text: String) -> Result<(), ConnectError> {
        self.socket.send(Message::Text(text.into())).await.map_err(|e| ConnectError::WebSocket(e.to_string()))
    }

    /// The next message, or `None` when the server closed the connection.
    pub async fn recv(&mut self) -> Result<Option<ServerMessage>, ConnectError> {
        while let Some(frame) = self.socket.next().await {
            match frame {
                Ok(Message::Text(text)) => return Ok(Some(parse_server(&text)?)),
                Ok(Message::Close(_)) => return Ok(None),
                Ok(_) => {}
                Err(e) => return Err(ConnectError::WebSocket(e.to_string())),
            }
        }
        Ok(None)
    }

    pub async fn close(mut self) {
        let _ = self.socket.close(None).await;
    }
}
