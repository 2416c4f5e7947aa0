//! The admin console at the kiosk: accounts, the auto-lock period, the audit chain, storage use, backups
//! and enrolment with the server. The store checks the admin role on each of its calls; enrolment, which
//! does not touch the store, is checked here.

use crate::server::ServerSettings;
use crate::views::AccountView;
use crate::{AppError, Clinic, now};
use eclinic_domain::{PmdcNumber, RequiredText, Role, User, Username};
use eclinic_store::{AuditReport, BackupKey, NewUser, StoragePaths};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// A new account as typed in the console (and on the command line).
#[derive(Debug, Clone, Default, Deserialize, specta::Type)]
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
    pub kiosk_name: Option<String>,
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

fn storage_bytes(data_dir: &Path) -> Result<u64, AppError> {
    let paths = StoragePaths::resolve(data_dir)?;
    Ok(paths.all_files().iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum())
}

impl Clinic {
    pub async fn admin_overview(&self) -> Result<AdminView, AppError> {
        let (users, auto_lock_seconds) = self
            .with_store(async |store, session| Ok((store.list_users(session).await?, store.auto_lock_seconds().await?)))
            .await?;
        let server = ServerSettings::load(&self.data_dir).ok();
        Ok(AdminView {
            users: users.iter().map(AccountView::from).collect(),
            auto_lock_seconds,
            storage_bytes: storage_bytes(&self.data_dir)?,
            server_url: server.as_ref().map(|s| s.url.clone()),
            kiosk_name: server.and_then(|s| s.kiosk_name),
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

    /// Writes an encrypted backup (the store's own key) into `folder`, named by the time; returns the file.
    pub async fn create_backup(&self, folder: &Path) -> Result<PathBuf, AppError> {
        let at = now();
        let file = folder.join(format!("e-clinic-backup-{}.db", at.unix_ms()));
        std::fs::create_dir_all(folder).map_err(|e| AppError::Backup(e.to_string()))?;
        self.with_store(async |store, session| {
            Ok(store.create_backup(session, &file, BackupKey::SameAsStore, at).await?)
        })
        .await?;
        Ok(file)
    }

    /// Enrols this kiosk with the server using a one-time code from the server's admin; admins only.
    /// Returns the kiosk's name there.
    pub async fn enrol(&self, form: &EnrolmentForm) -> Result<String, AppError> {
        if self.session()?.role() != Role::Admin {
            return Err(AppError::Store(eclinic_store::AuthError::Forbidden { needed: Role::Admin.code() }.into()));
        }
        let current = ServerSettings::load(&self.data_dir).ok();
        let settings = ServerSettings {
            url: form.url.trim().to_owned(),
            ca_pem: PathBuf::from(form.ca_pem.trim()),
            media_bind: current.map(|s| s.media_bind).unwrap_or_default(),
            kiosk_name: None,
        };
        settings.enrol_kiosk(&self.data_dir, &form.code).await
    }
}
