//! Each subcommand: parse and validate its arguments into domain values, make one store call, report.

use crate::args::{
    AuditCommand, BackupCommand, Cli, Command, KeyCommand, PatientCommand, RoleArg, ServerCommand, SettingsCommand,
    SexArg, UserCommand, VitalsCommand,
};
use crate::input::secret;
use crate::output::Report;
use eclinic_app::admin::NewUserForm;
use eclinic_app::forms::{PatientForm, VitalEntry};
pub use eclinic_app::now;
use eclinic_app::server::ServerSettings;
use eclinic_app::views::{AccountView, ObservationView, PatientView};
use eclinic_domain::{PatientId, RequiredText, Role, Sex, User, Username, ValidationError};
use eclinic_store::{
    AuditReport, BackupKey, DbKey, KeyStore, NewUser, OsKeyring, PatientQuery, Session, Store, StoreError,
};
use std::path::Path;
use std::sync::Arc;

/// A command that did not succeed: a stable code and a message without patient data or secrets.
#[derive(Debug)]
pub struct Failure {
    pub code: &'static str,
    pub message: String,
}

impl Failure {
    pub fn usage(message: String) -> Self {
        Self { code: "usage", message }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

impl From<eclinic_app::AppError> for Failure {
    fn from(e: eclinic_app::AppError) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

impl From<ValidationError> for Failure {
    fn from(e: ValidationError) -> Self {
        StoreError::from(e).into()
    }
}

fn keys() -> Arc<dyn KeyStore> {
    Arc::new(OsKeyring)
}

async fn sign_in(store: &Store, user: &str) -> Result<Session, Failure> {
    let secret = secret("ECLINIC_SECRET", "the PIN or password")?;
    Ok(store.sign_in(user, &secret, now()).await?)
}

/// Closes the store whatever happened, keeping the command's own error first.
async fn closing(store: Store, result: Result<Report, Failure>) -> Result<Report, Failure> {
    let closed = store.close().await;
    let report = result?;
    closed?;
    Ok(report)
}

fn parse_id<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, Failure> {
    text.parse().map_err(|_| Failure::usage(format!("{what} must be a UUID")))
}

async fn server_link(data: &Path, command: &ServerCommand) -> Result<Report, Failure> {
    let (ServerCommand::Set(address) | ServerCommand::Enrol(address)) = command;
    let settings = ServerSettings {
        url: address.url.clone(),
        ca_pem: address.ca.clone(),
        media_bind: address.media_bind.clone(),
        kiosk_name: None,
    };
    match command {
        ServerCommand::Set(_) => {
            settings.save(data)?;
            Ok(Report::ServerSet { url: settings.url })
        }
        ServerCommand::Enrol(_) => {
            let code = secret("ECLINIC_SECRET", "the enrolment code")?;
            let kiosk_name = settings.enrol_kiosk(data, &code).await?;
            Ok(Report::KioskEnrolled { url: settings.url, kiosk_name })
        }
    }
}

pub async fn run(cli: Cli) -> Result<Report, Failure> {
    match &cli.command {
        Command::Init(init) => {
            let admin = NewUser {
                username: Username::parse(&init.admin)?,
                display_name: RequiredText::parse("name", &init.name, User::NAME_MAX)?,
                role: Role::Admin,
                pmdc: None,
                secret: secret("ECLINIC_SECRET", "the admin password")?,
            };
            let (store, session) = Store::init_with_admin(&cli.data, keys(), admin, now()).await?;
            let report = Report::Initialised {
                data_dir: store.paths().dir.display().to_string(),
                device_id: store.device_id().to_string(),
                admin: session.username().as_str().to_owned(),
            };
            store.close().await?;
            Ok(report)
        }
        Command::Bench(bench) => crate::bench::run(bench).await,
        Command::Devices(devices) => crate::devices::run(devices),
        Command::Call(call) => crate::call::run(call).await,
        Command::Server(server) => server_link(&cli.data, server).await,
        Command::Key(KeyCommand::ImportRecovery) => {
            let text = secret("ECLINIC_RECOVERY_KEY", "the recovery key")?;
            let key = DbKey::from_recovery_hex(&text).map_err(StoreError::from)?;
            Store::import_recovery_key(&cli.data, &OsKeyring, &key).await?;
            Ok(Report::RecoveryKeyImported)
        }
        command => {
            let store = Store::open(&cli.data, keys()).await?;
            let session = match sign_in(&store, &cli.user).await {
                Ok(session) => session,
                Err(e) => return closing(store, Err(e)).await,
            };
            match command {
                Command::Backup(BackupCommand::Restore { file, backup_key }) => {
                    restore(store, &session, file, *backup_key).await
                }
                Command::Key(KeyCommand::Rotate) => {
                    let store = store.rekey(&session, now()).await?;
                    closing(store, Ok(Report::KeyRotated)).await
                }
                other => {
                    let result = run_on_store(&store, &session, other).await;
                    closing(store, result).await
                }
            }
        }
    }
}

async fn restore(store: Store, session: &Session, file: &Path, backup_key: bool) -> Result<Report, Failure> {
    let staged = async {
        let key = if backup_key {
            let text = secret("ECLINIC_BACKUP_KEY", "the backup key")?;
            Some(DbKey::from_recovery_hex(&text).map_err(StoreError::from)?)
        } else {
            None
        };
        Ok(store.stage_restore(session, file, key).await?)
    }
    .await;
    let staged = match staged {
        Ok(staged) => staged,
        Err(e) => return closing(store, Err(e)).await,
    };
    let store = store.apply_restore(session, staged, now()).await?;
    closing(store, Ok(Report::Restored { file: file.display().to_string() })).await
}

/// The commands that work on an open store and leave it open.
async fn run_on_store(store: &Store, session: &Session, command: &Command) -> Result<Report, Failure> {
    let report = match command {
        Command::Init(_)
        | Command::Bench(_)
        | Command::Devices(_)
        | Command::Call(_)
        | Command::Server(_)
        | Command::Key(KeyCommand::ImportRecovery | KeyCommand::Rotate)
        | Command::Backup(BackupCommand::Restore { .. }) => {
            return Err(Failure::usage("this command does not run on an open store".into()));
        }
        Command::User(UserCommand::Add { username, name, role, pmdc }) => {
            // The PIN or password stays in its zeroised buffer rather than passing through the form.
            let form = NewUserForm {
                username: username.clone(),
                name: name.clone(),
                role: role_of(*role).code().to_owned(),
                pmdc: pmdc.clone(),
                secret: String::new(),
            };
            // Checked before the secret is asked for.
            let checked = form.to_new_user()?;
            let new = NewUser { secret: secret("ECLINIC_NEW_SECRET", "the new user's PIN or password")?, ..checked };
            Report::User(AccountView::from(&store.add_user(session, new, now()).await?))
        }
        Command::User(UserCommand::List) => {
            Report::Users { users: store.list_users(session).await?.iter().map(AccountView::from).collect() }
        }
        Command::Patient(PatientCommand::Add { name, sex, dob, age, cnic, phone, village, address }) => {
            if dob.is_none() && age.is_none() {
                return Err(Failure::usage("give --dob or --age".into()));
            }
            let form = PatientForm {
                name: name.clone(),
                sex: sex_of(*sex).code().to_owned(),
                date_of_birth: dob.clone(),
                age: if dob.is_some() { None } else { *age },
                cnic: cnic.clone(),
                phone: phone.clone(),
                village: village.clone(),
                address: address.clone(),
            };
            let new = form.validate(now().date())?;
            Report::Patient(PatientView::from(&store.add_patient(session, new, now()).await?))
        }
        Command::Patient(PatientCommand::List { query, limit }) => {
            let query = PatientQuery::parse(query.as_deref().unwrap_or(""));
            let found = store.search_patients(session, &query, *limit, now()).await?;
            Report::Patients { patients: found.iter().map(PatientView::from).collect() }
        }
        Command::Patient(PatientCommand::Show { id }) => {
            let id: PatientId = parse_id(id, "the patient id")?;
            Report::Patient(PatientView::from(&store.patient(session, id, now()).await?))
        }
        Command::Vitals(VitalsCommand::Add { patient, kind, value, unit }) => {
            let at = now();
            let entry = VitalEntry { kind: kind.clone(), value: value.clone(), unit: unit.clone() };
            let observation = entry.observation(parse_id(patient, "the patient id")?, None, session.user(), at)?;
            Report::Observation(ObservationView::from(&store.add_observation(session, observation, at).await?))
        }
        Command::Vitals(VitalsCommand::List { patient }) => {
            let observations = store.observations_for(session, parse_id(patient, "the patient id")?, now()).await?;
            Report::Observations { observations: observations.iter().map(ObservationView::from).collect() }
        }
        Command::Settings(SettingsCommand::AutoLock { seconds }) => {
            store.set_auto_lock_seconds(session, *seconds, now()).await?;
            Report::AutoLockSet { seconds: *seconds }
        }
        Command::Audit(AuditCommand::Verify) => match store.verify_audit(session).await? {
            AuditReport::Intact { entries } => Report::AuditIntact { entries },
            AuditReport::Broken { seq, reason } => Report::AuditBroken { first_broken_seq: seq, reason: reason.into() },
        },
        Command::Backup(BackupCommand::Create { file, new_key }) => {
            let choice = if *new_key { BackupKey::New } else { BackupKey::SameAsStore };
            let key = store.create_backup(session, file, choice, now()).await?;
            Report::BackupCreated {
                file: file.display().to_string(),
                new_key: key.map(|k| k.to_recovery_hex().as_str().to_owned()),
            }
        }
        Command::Key(KeyCommand::ExportRecovery) => {
            let key = store.export_recovery_key(session, now()).await?;
            Report::RecoveryKey { recovery_key: key.to_recovery_hex().as_str().to_owned() }
        }
    };
    Ok(report)
}

fn role_of(role: RoleArg) -> Role {
    match role {
        RoleArg::HealthWorker => Role::HealthWorker,
        RoleArg::Doctor => Role::Doctor,
        RoleArg::Admin => Role::Admin,
    }
}

fn sex_of(sex: SexArg) -> Sex {
    match sex {
        SexArg::Female => Sex::Female,
        SexArg::Male => Sex::Male,
        SexArg::Other => Sex::Other,
        SexArg::Unknown => Sex::Unknown,
    }
}
