//! Secrets for a command: from an environment variable when set, else the next line of stdin, so that
//! scripts can pipe them and nothing secret appears in the process list.

use crate::commands::Failure;
use std::io::BufRead;
use zeroize::Zeroizing;

/// The value of `var`, or the next stdin line (without its line ending).
pub fn secret(var: &str, what: &str) -> Result<Zeroizing<String>, Failure> {
    if let Ok(value) = std::env::var(var) {
        return Ok(Zeroizing::new(value));
    }
    let mut line = Zeroizing::new(String::new());
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(n) if n > 0 => Ok(Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned())),
        _ => Err(Failure::usage(format!("{what} is needed: set {var} or give it on stdin"))),
    }
}
