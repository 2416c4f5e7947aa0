//! `eclinic-server`: run the central server, or create the first admin account.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use eclinic_server::accounts::{Accounts, NewUser};
use eclinic_server::storage::AccountKind;
use eclinic_server::turn::TurnConfig;
use eclinic_server::{Config, open_store, start};
use zeroize::Zeroizing;

#[derive(Parser)]
#[command(name = "eclinic-server", version, about = "e-clinic central server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct StoreArgs {
    /// Data directory: the embedded SQLite store and the development TLS certificate.
    #[arg(long, default_value = "eclinic-server-data", env = "ECLINIC_SERVER_DATA")]
    data: PathBuf,
    /// Use PostgreSQL instead of the embedded store (postgres://user@host:port/db).
    #[arg(long, env = "ECLINIC_DATABASE_URL")]
    database_url: Option<String>,
}

#[derive(clap::Args)]
struct AccountArgs {
    #[command(flatten)]
    store: StoreArgs,
    #[arg(long)]
    username: String,
    #[arg(long)]
    name: String,
}

#[derive(Subcommand)]
enum Command {
    /// Serve HTTPS and the signalling WebSocket.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: SocketAddr,
        #[command(flatten)]
        store: StoreArgs,
        /// PEM certificate chain; without it a self-signed development certificate is generated.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// File holding coturn's static-auth-secret; enables GET /v1/turn.
        #[arg(long, requires = "turn_url")]
        turn_secret_file: Option<PathBuf>,
        /// A TURN URL handed to clients (repeatable), e.g. turn:turn.example.org:3478?transport=udp.
        #[arg(long)]
        turn_url: Vec<String>,
        /// Lifetime of minted TURN credentials, at most 12 h.
        #[arg(long, default_value_t = 6 * 3600)]
        turn_ttl_s: u64,
    },
    /// Create an admin account; the password is read from standard input.
    CreateAdmin(AccountArgs),
    /// Create a doctor's account; the password is read from standard input.
    CreateDoctor {
        #[command(flatten)]
        account: AccountArgs,
        /// Pakistan Medical and Dental Council registration number.
        #[arg(long)]
        pmdc: String,
    },
    /// Print a one-time code that enrols a kiosk; an admin signs in (the password on standard input).
    EnrolmentCode {
        #[command(flatten)]
        store: StoreArgs,
        /// The admin's username.
        #[arg(long)]
        admin: String,
        /// The kiosk's name as doctors will see it, e.g. its village.
        #[arg(long)]
        kiosk_name: String,
    },
}

fn read_password() -> anyhow::Result<Zeroizing<String>> {
    let mut password = Zeroizing::new(String::new());
    std::io::stdin().read_to_string(&mut password).context("reading the password from standard input")?;
    let trimmed = Zeroizing::new(password.trim_end_matches(['\r', '\n']).to_owned());
    Ok(trimmed)
}

/// Runs `job` on the accounts of the store `store` names, closing the store afterwards.
async fn with_accounts<T>(
    store: StoreArgs,
    job: impl AsyncFnOnce(&Accounts) -> Result<T, eclinic_server::ServerError>,
) -> anyhow::Result<T> {
    let config = Config { data_dir: store.data, database_url: store.database_url, tls_cert_and_key: None, turn: None };
    let store = open_store(&config).await?;
    let result = async { job(&Accounts::new(store.clone())?).await }.await;
    store.close().await;
    Ok(result?)
}

async fn create_user(account: AccountArgs, kind: AccountKind, pmdc: Option<&str>) -> anyhow::Result<String> {
    let password = read_password()?;
    let AccountArgs { store, username, name } = account;
    let new = NewUser { kind, username: &username, password: &password, display_name: &name, pmdc };
    let created = with_accounts(store, async |accounts| accounts.create_user(&new, unix_now()).await).await?;
    Ok(created.account_id)
}

fn unix_now() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    i64::try_from(since.as_secs()).unwrap_or(i64::MAX)
}

/// Pins glibc's mmap threshold at 1 MiB. By default each free of a large block raises the threshold to
/// that block's size, so argon2's 19 MiB working memory is then taken from a thread's arena and kept there:
/// measured, eight password hashes left the server 137 MB larger; with the threshold pinned, under 1 MB.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_large_allocations_to_the_os() {
    // SAFETY: mallopt only sets an allocator parameter; it is called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_allocations_to_the_os() {}

fn main() -> anyhow::Result<()> {
    return_large_allocations_to_the_os();
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(run())
}

async fn run() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    match Cli::parse().command {
        Command::Serve { listen, store, tls_cert, tls_key, turn_secret_file, turn_url, turn_ttl_s } => {
            let turn = match turn_secret_file {
                Some(path) => {
                    let secret =
                        Zeroizing::new(std::fs::read_to_string(&path).context("reading the TURN secret file")?);
                    Some(TurnConfig::new(secret.trim(), turn_url, turn_ttl_s)?)
                }
                None => None,
            };
            let config = Config {
                data_dir: store.data,
                database_url: store.database_url,
                tls_cert_and_key: tls_cert.zip(tls_key),
                turn,
            };
            let running = start(config, listen).await?;
            println!("listening on https://{}", running.addr);
            tokio::select! {
                result = running.wait() => result?,
                _ = tokio::signal::ctrl_c() => {}
            }
        }
        Command::CreateAdmin(account) => {
            let id = create_user(account, AccountKind::Admin, None).await?;
            println!("admin {id} created");
        }
        Command::CreateDoctor { account, pmdc } => {
            let id = create_user(account, AccountKind::Doctor, Some(&pmdc)).await?;
            println!("doctor {id} created");
        }
        Command::EnrolmentCode { store, admin, kiosk_name } => {
            let password = read_password()?;
            let enrolment = with_accounts(store, async |accounts| {
                let tokens = accounts.login(&admin, &password, unix_now()).await?;
                let enrolment = accounts.create_enrolment(&tokens.principal, &kiosk_name, unix_now()).await;
                accounts.logout(&tokens.refresh_token, unix_now()).await?;
                enrolment
            })
            .await?;
            println!("{}", enrolment.code.as_str());
        }
    }
    Ok(())
}
