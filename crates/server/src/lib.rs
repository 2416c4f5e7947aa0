//! The central server: accounts and kiosk enrolment, the signalling WebSocket (driving
//! `eclinic_signal::Switchboard`), TURN credentials, on SQLite or PostgreSQL, over TLS.

pub mod accounts;
mod error;
mod hashing;
mod http;
mod hub;
pub mod storage;
pub mod tls;
pub mod turn;
mod ws;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

pub use error::ServerError;

use crate::accounts::Accounts;
use crate::storage::Store;
use crate::turn::TurnConfig;

/// Seconds since the Unix epoch (the store's time unit).
pub(crate) fn unix_now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}

#[derive(Debug)]
pub struct Config {
    /// Holds the SQLite store (unless `database_url` is set) and the development certificate.
    pub data_dir: PathBuf,
    pub database_url: Option<String>,
    pub tls_cert_and_key: Option<(PathBuf, PathBuf)>,
    pub turn: Option<TurnConfig>,
}

/// Opens the store the configuration names.
pub async fn open_store(config: &Config) -> Result<Store, ServerError> {
    match &config.database_url {
        Some(url) => Store::connect_postgres(url).await,
        None => Store::open_sqlite(&config.data_dir).await,
    }
}

/// A server running on a bound listener.
#[derive(Debug)]
pub struct Running {
    pub addr: SocketAddr,
    handle: axum_server::Handle<SocketAddr>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    store: Store,
}

impl Running {
    /// Stops accepting, closes connections and the store.
    pub async fn shutdown(self) {
        self.handle.graceful_shutdown(Some(std::time::Duration::from_secs(2)));
        let _ = self.task.await;
        self.store.close().await;
    }

    /// Runs until the serving task ends (it does not on its own).
    pub async fn wait(self) -> std::io::Result<()> {
        let result = self.task.await.unwrap_or_else(|e| Err(std::io::Error::other(e)));
        self.store.close().await;
        result
    }
}

/// Starts serving on `listen` (port 0 picks a free one; see `Running::addr`).
pub async fn start(config: Config, listen: SocketAddr) -> Result<Running, ServerError> {
    let tls = tls::server_config(
        config.tls_cert_and_key.as_ref().map(|(c, k)| (c.as_path(), k.as_path())),
        &config.data_dir,
    )?;
    let store = open_store(&config).await?;
    let instance = eclinic_secrets::new_nonce()?;
    let state = http::AppState {
        accounts: Accounts::new(store.clone())?,
        turn: config.turn,
        hub: hub::spawn(store.clone(), instance),
        next_conn: Arc::new(AtomicU64::new(1)),
    };
    tokio::spawn(purge_expired_tokens(store.clone()));
    let listener = std::net::TcpListener::bind(listen).map_err(ServerError::io("binding the listen address"))?;
    listener.set_nonblocking(true).map_err(ServerError::io("binding the listen address"))?;
    let addr = listener.local_addr().map_err(ServerError::io("binding the listen address"))?;
    let handle = axum_server::Handle::new();
    // Signalling messages are small and latency-bound: Nagle would hold each one back for an ACK.
    let acceptor =
        axum_server::tls_rustls::RustlsAcceptor::new(axum_server::tls_rustls::RustlsConfig::from_config(tls))
            .acceptor(axum_server::accept::NoDelayAcceptor::new());
    let server =
        axum_server::from_tcp(listener).map_err(ServerError::io("serving"))?.acceptor(acceptor).handle(handle.clone());
    let app = http::router(state);
    let task = tokio::spawn(server.serve(app.into_make_service()));
    tracing::info!(%addr, "listening");
    Ok(Running { addr, handle, task, store })
}

async fn purge_expired_tokens(store: Store) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        if let Err(error) = store.purge_tokens(unix_now()).await {
            tracing::warn!(%error, "purging expired tokens failed");
        }
    }
}
