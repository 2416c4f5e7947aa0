//! What this installation remembers about how it is shown: the language each user chose, and the last one
//! used (shown at the sign-in screen). `preferences.json` in the data directory; it holds user names and
//! language tags, never patient data, so it is a plain file beside the encrypted store.

use crate::AppError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const PREFERENCES_FILE: &str = "preferences.json";

/// The language shown before anyone has chosen one.
pub const DEFAULT_LANGUAGE: &str = "en";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Remembered {
    /// The language last chosen by anyone here, shown at the sign-in screen.
    language: Option<String>,
    /// Each user's own choice, by user name.
    #[serde(default)]
    users: BTreeMap<String, String>,
}

/// The language preferences of one data directory. Reads and writes the file on each call: it is tiny and
/// changes only when someone picks a language.
#[derive(Debug, Clone)]
pub struct Preferences {
    path: PathBuf,
}

impl Preferences {
    pub fn new(data_dir: &Path) -> Self {
        Self { path: data_dir.join(PREFERENCES_FILE) }
    }

    /// The language to show before sign-in.
    pub fn last_language(&self) -> String {
        self.read().language.unwrap_or_else(|| DEFAULT_LANGUAGE.to_owned())
    }

    /// The language `username` chose, if they ever did.
    pub fn language_of(&self, username: &str) -> Option<String> {
        self.read().users.get(username).cloned()
    }

    /// Remembers `language` as the last one used and, when someone is signed in, as theirs.
    pub fn set_language(&self, username: Option<&str>, language: &str) -> Result<(), AppError> {
        let tag = check_language_tag(language)?;
        let mut remembered = self.read();
        remembered.language = Some(tag.to_owned());
        if let Some(username) = username {
            remembered.users.insert(username.to_owned(), tag.to_owned());
        }
        self.write(&remembered)
    }

    /// A missing or unreadable file means nothing was remembered: the language is a convenience, and the
    /// sign-in screen must come up whatever happened to it.
    fn read(&self) -> Remembered {
        std::fs::read_to_string(&self.path).ok().and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
    }

    /// Written beside the file and renamed over it, so a crash leaves the old choice or the new one.
    fn write(&self, remembered: &Remembered) -> Result<(), AppError> {
        let failed = |e: std::io::Error| AppError::Preferences(e.to_string());
        let text = serde_json::to_string_pretty(remembered).map_err(|e| AppError::Preferences(e.to_string()))?;
        let dir = self.path.parent().ok_or_else(|| AppError::Preferences("no data directory".into()))?;
        let mut file = tempfile::NamedTempFile::new_in(dir).map_err(failed)?;
        std::io::Write::write_all(&mut file, text.as_bytes()).map_err(failed)?;
        file.persist(&self.path).map_err(|e| failed(e.error))?;
        Ok(())
    }
}

/// A language tag as the UI's catalogues are named: two or three lower-case letters (`en`, `ur`, `sd`, `ps`).
pub(crate) fn check_language_tag(tag: &str) -> Result<&str, AppError> {
    let well_formed = (2..=3).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_lowercase());
    if well_formed { Ok(tag) } else { Err(AppError::UnknownChoice { what: "language" }) }
}
