//! A child process for crash tests. `write DIR PASSWORD PATIENT N` commits N single-observation writes and
//! prints each id after its commit returns; `rekey DIR PASSWORD` re-encrypts the store. Both use the real
//! OS keyring, like the app.

use anyhow::{Context, bail};
use eclinic_domain::{
    Observation, ObservationFlags, ObservationId, ObservationSource, ObservationStatus, PatientId, Quantity, Timestamp,
    VitalKind,
};
use eclinic_store::{OsKeyring, Store};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

fn now() -> Timestamp {
    let ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    Timestamp::from_unix_ms(i64::try_from(ms).unwrap_or(i64::MAX))
}

async fn store(dir: &str) -> anyhow::Result<Store> {
    Ok(Store::open(&PathBuf::from(dir), Arc::new(OsKeyring)).await?)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["write", dir, password, patient, count] => {
            let store = store(dir).await?;
            let session = store.sign_in("admin", password, now()).await?;
            let patient: PatientId = patient.parse().context("patient id")?;
            let count: u32 = count.parse().context("count")?;
            let mut out = std::io::stdout().lock();
            for i in 0..count {
                let at = now();
                let observation = Observation {
                    id: ObservationId::new(at),
                    patient,
                    encounter: None,
                    code: VitalKind::HeartRate.loinc(),
                    unit: VitalKind::HeartRate.default_unit(),
                    value: Quantity::parse(&(60 + i % 40).to_string())?,
                    effective_at: at,
                    status: ObservationStatus::Final,
                    flags: ObservationFlags::default(),
                    source: ObservationSource::Manual { entered_by: session.user() },
                };
                let stored = store.add_observation(&session, observation, at).await?;
                writeln!(out, "{}", stored.id)?;
                out.flush()?;
            }
            store.close().await?;
        }
        ["rekey", dir, password] => {
            let store = store(dir).await?;
            let session = store.sign_in("admin", password, now()).await?;
            store.rekey(&session, now()).await?.close().await?;
            println!("done");
        }
        _ => bail!("usage: eclinic-torture write DIR PASSWORD PATIENT N | rekey DIR PASSWORD"),
    }
    Ok(())
}
