//! Printed documents: the code that ties a printed prescription to the one in the record, and where a
//! prescription saved as a PDF goes. The page itself is laid out by the UI and printed by the shell.

use crate::AppError;
use eclinic_domain::Prescription;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The paper a document is saved on: a prescription fits A5, a visit summary takes A4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Paper {
    A4,
    A5,
}

impl Paper {
    /// GTK's (PWG) name for it.
    pub fn pwg_name(self) -> &'static str {
        match self {
            Paper::A4 => "iso_a4",
            Paper::A5 => "iso_a5",
        }
    }
}

/// The folder, inside the user's downloads, where saved prescriptions go.
pub const SAVED_FOLDER: &str = "e-clinic";

/// Twelve hexadecimal digits of the SHA-256 of everything the prescription says (who prescribed what, for
/// which visit, when), grouped in fours: a pharmacist reads it over the phone and the clinic compares it
/// with the one its record gives; a printout changed by hand no longer matches.
pub fn verification_code(p: &Prescription) -> String {
    let header = [
        p.id.to_string(),
        p.encounter.to_string(),
        p.patient.to_string(),
        p.prescriber.name.to_string(),
        p.prescriber.pmdc.as_str().to_owned(),
        p.issued_at.unix_ms().to_string(),
    ];
    let items: Vec<[&str; 6]> = p
        .items
        .iter()
        .map(|item| {
            [
                item.drug.as_str(),
                item.dose.as_str(),
                item.route.code(),
                item.frequency.as_str(),
                item.duration.as_str(),
                item.instructions.or_empty(),
            ]
        })
        .collect();
    // Hashed as JSON arrays, so no field's text can pass for a boundary between fields.
    let content = serde_json::json!([header, items]).to_string();
    let digest = eclinic_secrets::sha256_hex(&content).to_uppercase();
    [&digest[0..4], &digest[4..8], &digest[8..12]].join("-")
}

/// Where a document named `name` (letters, digits and dashes, like `prescription-7F3A-91C2-0B4E`) is saved
/// as a PDF inside `downloads`; the folder is made if needed.
pub fn saved_pdf_path(downloads: &Path, name: &str) -> Result<PathBuf, AppError> {
    let plain = !name.is_empty() && name.len() <= 80 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !plain {
        return Err(AppError::UnknownChoice { what: "document name" });
    }
    let folder = downloads.join(SAVED_FOLDER);
    std::fs::create_dir_all(&folder).map_err(|e| AppError::Printing(e.to_string()))?;
    Ok(folder.join(format!("{name}.pdf")))
}
