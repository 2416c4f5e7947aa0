//! The server's TLS configuration: the operator's certificate, or a self-signed development certificate
//! generated on first start and kept in the data directory (clients of a demo trust that file).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::ServerError;

pub const DEV_CERT_FILE: &str = "dev-cert.pem";
const DEV_KEY_FILE: &str = "dev-key.pem";

fn tls_error(e: impl std::fmt::Display) -> ServerError {
    ServerError::Tls(e.to_string())
}

/// The ring provider, installed once per process (rustls needs one when several could be linked).
pub fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Where the development certificate lives for a data directory.
pub fn dev_cert_path(data_dir: &Path) -> PathBuf {
    data_dir.join("tls").join(DEV_CERT_FILE)
}

/// Loads the given PEM pair, or the development pair under `data_dir` (made if missing).
pub fn server_config(cert_and_key: Option<(&Path, &Path)>, data_dir: &Path) -> Result<Arc<ServerConfig>, ServerError> {
    let (cert_path, key_path) = match cert_and_key {
        Some((cert, key)) => (cert.to_path_buf(), key.to_path_buf()),
        None => ensure_dev_certificate(data_dir)?,
    };
    let certs = CertificateDer::pem_file_iter(&cert_path)
        .map_err(tls_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(tls_error)?;
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(tls_error)?;
    let config = ServerConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(tls_error)?;
    Ok(Arc::new(config))
}

fn ensure_dev_certificate(data_dir: &Path) -> Result<(PathBuf, PathBuf), ServerError> {
    let dir = data_dir.join("tls");
    let (cert_path, key_path) = (dir.join(DEV_CERT_FILE), dir.join(DEV_KEY_FILE));
    if cert_path.exists() && key_path.exists() {
        return Ok((cert_path, key_path));
    }
    std::fs::create_dir_all(&dir).map_err(ServerError::io("creating the TLS directory"))?;
    let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    let certified = rcgen::generate_simple_self_signed(names).map_err(tls_error)?;
    write_private(&key_path, certified.signing_key.serialize_pem().as_bytes())?;
    std::fs::write(&cert_path, certified.cert.pem()).map_err(ServerError::io("writing the development certificate"))?;
    tracing::info!(path = %cert_path.display(), "generated a self-signed development certificate");
    Ok((cert_path, key_path))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<(), ServerError> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(ServerError::io("writing the development key"))?;
    file.write_all(bytes).map_err(ServerError::io("writing the development key"))
}
