//! Secrets: argon2id for what people choose (passwords, PINs), SHA-256 for what the machine draws at random
//! (tokens, device secrets, enrolment codes: 128+ random bits need no slow hash).

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("hashing a secret: {0}")]
    Hashing(String),
    #[error("the OS random source failed: {0}")]
    Random(String),
}

/// An argon2id hash of a random string, verified against when an account does not exist, so a wrong
/// username costs the same time as a wrong password.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$yJ8SLgQHV8RObUUqUDBcJ6zq8yW4F4ZyUBe3ceqq0qY";

/// Crockford-style alphabet without 0/O/1/I/L/U: an enrolment code is read aloud over the phone.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

pub fn hash_password(secret: &str) -> Result<String, SecretError> {
    Argon2::default()
        .hash_password(secret.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| SecretError::Hashing(e.to_string()))
}

/// Checks a password against its stored hash; `None` for the stored hash spends the same time and fails.
pub fn password_matches(secret: &str, stored: Option<&str>) -> bool {
    let matches = PasswordHash::new(stored.unwrap_or(DUMMY_HASH))
        .is_ok_and(|h| Argon2::default().verify_password(secret.as_bytes(), &h).is_ok());
    matches && stored.is_some()
}

fn random_bytes<const N: usize>() -> Result<[u8; N], SecretError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| SecretError::Random(e.to_string()))?;
    Ok(bytes)
}

/// A bearer secret: a recognisable prefix (for secret scanners) and 256 random bits.
pub fn new_token(prefix: &str) -> Result<String, SecretError> {
    Ok(format!("{prefix}_{}", URL_SAFE_NO_PAD.encode(random_bytes::<32>()?)))
}

/// 64 random bits as hex, for ids that must not repeat across runs.
pub fn new_nonce() -> Result<String, SecretError> {
    Ok(hex::encode(random_bytes::<8>()?))
}

/// An enrolment code like `K7QX-M2PB-4HTW-9RDC`: 16 symbols of 30 (the modulo bias leaves about 77 bits).
pub fn new_enrolment_code() -> Result<String, SecretError> {
    let bytes = random_bytes::<16>()?;
    let symbols: Vec<char> =
        bytes.iter().map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()])).collect();
    Ok(symbols.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// Enrolment codes are compared without dashes, spaces or case, as people type them.
pub fn normalise_code(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// The stored form of a random secret.
pub fn sha256_hex(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two stored hashes without an early exit.
pub fn same_hash(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
