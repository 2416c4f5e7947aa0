//! The admin console at the kiosk: accounts, the auto-lock period, the audit chain, storage use, backups
//! (made and restored) and enrolment with the server. The store checks the admin role on each of its calls;
//! enrolment, which does not touch the store, is checked here.

use crate::server::ServerSettings;
use crate::views::AccountView;
use crate::{AppError, Clinic, now};
use eclinic_domain::{PmdcNumber, RequiredText, Role, User, Username};
use eclinic_store::{AuditReport, BackupKey, NewUser, StoragePaths};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

/// A new account as typed in the console (and on the command line). Its PIN or password is wiped when the
/// form is dropped and never shown by `Debug`.
#[derive(Clone, Default, Deserialize, specta::Type, Zeroize, ZeroizeOnDrop)]
pub struct NewUserForm {
    pub username: String,
    pub name: String,
    /// `health-worker`, `doctor` or `admin`.
    pub role: String,
    /// PMDC registration number (doctors).
    pub pmdc: Option<String>,
    /// The PIN (health workers) or password (doctors, admins).
    pub secret: String,
}

impl std::fmt::Debug for NewUserForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewUserForm")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl NewUserForm {
    pub fn to_new_user(&self) -> Result<NewUser, AppError> {
        let pmdc = self.pmdc.as_deref().map(str::trim).filter(|p| !p.is_empty());
        Ok(NewUser {
            username: Username::parse(&self.username)?,
            display_name: RequiredText::parse("name", &self.name, User::NAME_MAX)?,
            role: Role::from_code(&self.role)?,
            pmdc: pmdc.map(PmdcNumber::parse).transpose()?,
            secret: Zeroizing::new(self.secret.clone()),
        })
    }
}

/// What the console shows when it opens.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AdminView {
    pub users: Vec<AccountView>,
    pub auto_lock_seconds: u32,
    /// The store's files (database and write-ahead log) on disk.
    pub storage_bytes: u64,
    /// The server this kiosk is enrolled with, and its name there.
    pub server_url: Option<String>,
    /// The certificate trusted for it.
    pub server_ca_pem: Option<String>,
    pub kiosk_name: Option<String>,
    /// The backups in the backups folder, newest first, to restore from.
    pub backups: Vec<BackupFileView>,
}

/// A backup file the console offers to restore.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BackupFileView {
    pub path: String,
    pub name: String,
    pub bytes: u64,
    /// When it was written (ms since the Unix epoch).
    pub written_ms: i64,
}

/// Where a restore has got to, for the console's progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RestoreStep {
    /// The backup is opened with the store's key and checked, and a copy staged beside the store.
    Checking,
    /// The copy is swapped in for the database (the replaced one is kept beside it) and opened.
    Replacing,
    /// Restored; everyone is signed out, as the restored accounts may differ.
    Done,
}

/// The folder, inside the user's downloads, where the console writes backups and looks for them.
pub fn backup_folder(downloads: &Path) -> PathBuf {
    downloads.join(crate::printing::SAVED_FOLDER).join("backups")
}

/// The backup name the console writes: `e-clinic-backup-<ms>.db`.
const BACKUP_PREFIX: &str = "e-clinic-backup-";

/// The backups in `folder`, newest first; no folder means none yet.
fn backups_in(folder: &Path) -> Result<Vec<BackupFileView>, AppError> {
    let failed = |e: std::io::Error| AppError::Backup(e.to_string());
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(failed(e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(failed)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let metadata = entry.metadata().map_err(failed)?;
        if !(name.starts_with(BACKUP_PREFIX) && name.ends_with(".db") && metadata.is_file()) {
            continue;
        }
        let written = metadata.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok());
        found.push(BackupFileView {
            path: entry.path().display().to_string(),
            name,
            bytes: metadata.len(),
            written_ms: written.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
        });
    }
    found.sort_by(|a, b| (b.written_ms, &b.name).cmp(&(a.written_ms, &a.name)));
    Ok(found)
}

/// The audit chain walked from its first entry.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct AuditView {
    pub intact: bool,
    pub entries: u64,
    /// The first entry that does not verify, and why.
    pub first_broken: Option<i64>,
    pub reason: Option<String>,
}

/// Where the kiosk's server is, as the admin types it, with the one-time enrolment code.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct EnrolmentForm {
    pub url: String,
    /// The deployment's CA certificate (PEM file) to trust for it.
    pub ca_pem: String,
    pub code: String,
}

/// A new address for the server the kiosk is enrolled with (it moved, or is reached another way).
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct ServerAddressForm {
    pub url: String,
    /// The deployment's CA certificate (PEM file) to trust for it.
    pub ca_pem: String,
}

/// The settings for a server at `url`, trusting `ca_pem`, keeping what else `current` says (the addresses
/// calls gather on, the kiosk's name).
fn settings_at(url: &str, ca_pem: &str, current: Option<ServerSettings>) -> ServerSettings {
    let (media_bind, kiosk_name) = current.map(|s| (s.media_bind, s.kiosk_name)).unwrap_or_default();
    ServerSettings { url: url.trim().to_owned(), ca_pem: PathBuf::from(ca_pem.trim()), media_bind, kiosk_name }
}

fn storage_bytes(data_dir: &Path) -> Result<u64, AppError> {
    let paths = StoragePaths::resolve(data_dir)?;
    Ok(paths.all_files().iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum())
}

impl Clinic {
    /// The console's first view; backups are looked for in `downloads`' backup folder.
    pub async fn admin_overview(&self, downloads: &Path) -> Result<AdminView, AppError> {
        let (users, auto_lock_seconds) = self
            .with_store(async |store, session| Ok((store.list_users(session).await?, store.auto_lock_seconds().await?)))
            .await?;
        let server = ServerSettings::load(&self.data_dir).ok();
        Ok(AdminView {
            users: users.iter().map(AccountView::from).collect(),
            auto_lock_seconds,
            storage_bytes: storage_bytes(&self.data_dir)?,
            server_url: server.as_ref().map(|s| s.url.clone()),
            server_ca_pem: server.as_ref().map(|s| s.ca_pem.display().to_string()),
            kiosk_name: server.and_then(|s| s.kiosk_name),
            backups: backups_in(&backup_folder(downloads))?,
        })
    }

    pub async fn add_user(&self, form: &NewUserForm) -> Result<AccountView, AppError> {
        let new = form.to_new_user()?;
        let user = self.with_store(async |store, session| Ok(store.add_user(session, new, now()).await?)).await?;
        Ok(AccountView::from(&user))
    }

    pub async fn set_auto_lock(&self, seconds: u32) -> Result<(), AppError> {
        self.with_store(async |store, session| Ok(store.set_auto_lock_seconds(session, seconds, now()).await?)).await
    }

    pub async fn verify_audit(&self) -> Result<AuditView, AppError> {
        let report = self.with_store(async |store, session| Ok(store.verify_audit(session).await?)).await?;
        Ok(match report {
            AuditReport::Intact { entries } => AuditView { intact: true, entries, first_broken: None, reason: None },
            AuditReport::Broken { seq, reason } => {
                AuditView { intact: false, entries: 0, first_broken: Some(seq), reason: Some(reason.to_owned()) }
            }
        })
    }

    /// Writes an encrypted backup (the store's own key) into the backup folder in `downloads`, named by the
    /// time; returns the file.
    pub async fn create_backup(&self, downloads: &Path) -> Result<PathBuf, AppError> {
        let at = now();
        let folder = backup_folder(downloads);
        let file = folder.join(format!("{BACKUP_PREFIX}{}.db", at.unix_ms()));
        std::fs::create_dir_all(&folder).map_err(|e| AppError::Backup(e.to_string()))?;
        self.with_store(async |store, session| {
            Ok(store.create_backup(session, &file, BackupKey::SameAsStore, at).await?)
        })
        .await?;
        Ok(file)
    }

    /// Replaces the store's content with the backup in `file` (made with this store's key), telling
    /// `progress` each step. A backup that does not open or check is refused before anything changes; once
    /// restored, everyone is signed out, since the restored accounts are the ones that count now.
    pub async fn restore_backup(&self, file: &Path, progress: impl Fn(RestoreStep)) -> Result<(), AppError> {
        let session = self.session()?;
        progress(RestoreStep::Checking);
        let staged =
            self.with_store(async |store, session| Ok(store.stage_restore(session, file, None).await?)).await?;
        progress(RestoreStep::Replacing);
        self.records.replace(async |store| Ok(store.apply_restore(&session, staged, now()).await?)).await?;
        self.sign_out();
        progress(RestoreStep::Done);
        Ok(())
    }

    /// Enrols this kiosk with the server using a one-time code from the server's admin; admins only.
    /// Returns the kiosk's name there.
    pub async fn enrol(&self, form: &EnrolmentForm) -> Result<String, AppError> {
        self.require_admin()?;
        let settings = settings_at(&form.url, &form.ca_pem, ServerSettings::load(&self.data_dir).ok());
        settings.enrol_kiosk(&self.data_dir, &form.code).await
    }

    /// Points this enrolled kiosk at its server's new address; admins only. The kiosk must sign in there
    /// with its credential first, so a wrong address, certificate or another server changes nothing.
    pub async fn move_server(&self, form: &ServerAddressForm) -> Result<(), AppError> {
        self.require_admin()?;
        let current = ServerSettings::load(&self.data_dir)?;
        let moved = settings_at(&form.url, &form.ca_pem, Some(current.clone()));
        let (from, to) = (current.client()?, moved.client()?);
        from.copy_this_kiosk_to(&to).await?;
        moved.save(&self.data_dir)?;
        if from.base() != to.base() {
            from.forget_this_kiosk()?;
        }
        Ok(())
    }
}
