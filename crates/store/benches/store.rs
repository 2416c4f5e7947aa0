//! Store benchmark: the same schema and workload on SQLCipher and on plain SQLite (the same library with no
//! key), plus the product path through `Store`. Writes a Markdown report next to the bench binary.
//!
//! `cargo bench -p eclinic-store --bench store` measures; without `--bench` (as `cargo xtask test` runs it)
//! it does a tiny smoke run so that the benchmark cannot rot.

use eclinic_domain::{
    Birth, Observation, ObservationFlags, ObservationId, ObservationSource, ObservationStatus, OptionalText, PatientId,
    Quantity, RequiredText, Role, Sex, Timestamp, Username, VitalKind,
};
use eclinic_store::{DbKey, MemoryKeyStore, NewPatient, NewUser, Session, Store};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Sizes {
    single_commits: usize,
    batched_rows: usize,
    batch: usize,
    patients: usize,
    per_patient: usize,
    repeats: usize,
}

const FULL: Sizes = Sizes {
    single_commits: 2_000,
    batched_rows: 100_000,
    batch: 1_000,
    patients: 1_000,
    per_patient: 100,
    repeats: 50,
};
const SMOKE: Sizes =
    Sizes { single_commits: 20, batched_rows: 200, batch: 50, patients: 10, per_patient: 10, repeats: 3 };

#[derive(Clone, Copy, PartialEq)]
enum Cipher {
    Sqlcipher,
    Plain,
}

async fn connect(path: &Path, cipher: Cipher, key: &DbKey) -> SqliteConnection {
    let mut options = SqliteConnectOptions::new().filename(path).create_if_missing(true).disable_statement_logging();
    if cipher == Cipher::Sqlcipher {
        options = options
            .pragma("key", format!("\"x'{}'\"", key.to_recovery_hex().as_str()))
            .pragma("cipher_log_level", "NONE");
    }
    options
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .connect()
        .await
        .expect("bench db opens")
}

async fn schema(conn: &mut SqliteConnection) {
    sqlx::migrate!("./migrations").run(&mut *conn).await.expect("migrations apply");
    sqlx::query("INSERT INTO patients (id, name, sex, revision) VALUES ('p', 'Bench', 'female', 1)")
        .execute(&mut *conn)
        .await
        .expect("bench patient");
}

async fn insert_observation(conn: &mut SqliteConnection, i: usize, patient: &str) {
    sqlx::query(
        "INSERT INTO observations (id, patient_id, loinc, unit, value, effective_at, status, flags, source_model, revision)
         VALUES (?1, ?2, '8867-4', '/min', ?3, ?4, 'final', 0, 'bench', 1)",
    )
    .bind(format!("o{i:09}"))
    .bind(patient)
    .bind(format!("{}", 60 + i % 40))
    .bind(i64::try_from(i).expect("small"))
    .execute(&mut *conn)
    .await
    .expect("insert");
}

/// Rows per second for one-row transactions (each commit fsyncs) and for batched transactions.
async fn insert_rates(dir: &Path, cipher: Cipher, key: &DbKey, s: &Sizes) -> (f64, f64) {
    let path = dir.join(if cipher == Cipher::Plain { "plain.db" } else { "cipher.db" });
    let mut conn = connect(&path, cipher, key).await;
    schema(&mut conn).await;
    let start = Instant::now();
    for i in 0..s.single_commits {
        insert_observation(&mut conn, i, "p").await;
    }
    let single = s.single_commits as f64 / start.elapsed().as_secs_f64();
    let start = Instant::now();
    for chunk in 0..s.batched_rows / s.batch {
        let mut tx = conn.begin().await.expect("begin");
        for j in 0..s.batch {
            insert_observation(&mut tx, 1_000_000 + chunk * s.batch + j, "p").await;
        }
        tx.commit().await.expect("commit");
    }
    let batched = s.batched_rows as f64 / start.elapsed().as_secs_f64();
    conn.close().await.expect("close");
    (single, batched)
}

fn now() -> Timestamp {
    Timestamp::from_unix_ms(1_795_392_000_000)
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A store with `patients` × `per_patient` observations, made through the product API.
async fn populated_store(dir: &Path, s: &Sizes) -> (Arc<MemoryKeyStore>, Session, Vec<PatientId>) {
    let keys = Arc::new(MemoryKeyStore::default());
    let store = Store::init(dir, keys.clone(), now()).await.expect("init");
    let admin = NewUser {
        username: Username::parse("admin").expect("valid"),
        display_name: RequiredText::parse("name", "Admin", 120).expect("valid"),
        role: Role::Admin,
        pmdc: None,
        secret: zeroize::Zeroizing::new("bench admin password".into()),
    };
    let session = store.bootstrap_admin(admin, now()).await.expect("admin");
    let mut ids = Vec::new();
    for p in 0..s.patients {
        let patient = NewPatient {
            name: RequiredText::parse("name", &format!("Patient {p}"), 120).expect("valid"),
            sex: Sex::Female,
            birth: Birth::StatedAge { years: 30, stated_on: now().date() },
            phone: None,
            village: OptionalText::default(),
            address: OptionalText::default(),
            cnic: None,
        };
        ids.push(store.add_patient(&session, patient, now()).await.expect("patient").id);
    }
    for i in 0..s.per_patient {
        for (p, id) in ids.iter().enumerate() {
            let at = Timestamp::from_unix_ms(now().unix_ms() + i64::try_from(i * s.patients + p).expect("small"));
            let observation = Observation {
                id: ObservationId::new(at),
                patient: *id,
                encounter: None,
                code: VitalKind::HeartRate.loinc(),
                unit: VitalKind::HeartRate.default_unit(),
                value: Quantity::parse("72").expect("valid"),
                effective_at: at,
                status: ObservationStatus::Final,
                flags: ObservationFlags::default(),
                source: ObservationSource::Manual { entered_by: session.user() },
            };
            store.add_observation(&session, observation, at).await.expect("observation");
        }
    }
    store.close().await.expect("close");
    (keys, session, ids)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let measuring = std::env::args().any(|a| a == "--bench");
    let s = if measuring { &FULL } else { &SMOKE };
    let dir = tempfile::tempdir().expect("temp dir");
    let key = DbKey::generate().expect("randomness");
    let mut report = String::from("# eclinic-store benchmark\n\n");

    let (plain_single, plain_batched) = insert_rates(dir.path(), Cipher::Plain, &key, s).await;
    let (cipher_single, cipher_batched) = insert_rates(dir.path(), Cipher::Sqlcipher, &key, s).await;
    let _ = writeln!(report, "## Inserts (observations table, WAL, synchronous=FULL)\n");
    let _ = writeln!(
        report,
        "| workload | plain SQLite rows/s | SQLCipher rows/s | ratio (goal >= 0.8) |\n|---|---|---|---|"
    );
    let _ = writeln!(
        report,
        "| {} one-row transactions | {plain_single:.0} | {cipher_single:.0} | {:.2} |",
        s.single_commits,
        cipher_single / plain_single
    );
    let _ = writeln!(
        report,
        "| {} rows in transactions of {} | {plain_batched:.0} | {cipher_batched:.0} | {:.2} |",
        s.batched_rows,
        s.batch,
        cipher_batched / plain_batched
    );

    let store_dir = dir.path().join("store");
    let started = Instant::now();
    let (keys, session, ids) = populated_store(&store_dir, s).await;
    let total = s.patients * s.per_patient;
    let _ = writeln!(
        report,
        "\nProduct path: {total} observations through `Store::add_observation` (each with its revision and audit entry, one transaction each): {:.0} records/s\n",
        (total + s.patients) as f64 / started.elapsed().as_secs_f64()
    );

    let data = store_dir.canonicalize().expect("store dir");
    let mut opens = Vec::new();
    for _ in 0..s.repeats.min(20) {
        let start = Instant::now();
        let store = Store::open(&data, keys.clone()).await.expect("open");
        opens.push(start.elapsed());
        store.close().await.expect("close");
    }
    let _ = writeln!(
        report,
        "## Open with the raw key (goal <= 50 ms)\n\n`Store::open` (key check, cipher check, pool, migrations): median {:.1} ms over {} opens of a store with {total} observations\n",
        ms(median(opens.clone())),
        opens.len()
    );

    let store = Store::open(&data, keys.clone()).await.expect("open");
    let mut reads = Vec::new();
    for r in 0..s.repeats {
        let id = ids[(r * 7919) % ids.len()];
        let start = Instant::now();
        let found = store.observations_for(&session, id, now()).await.expect("read");
        reads.push(start.elapsed());
        assert_eq!(found.len(), s.per_patient);
    }
    let _ = writeln!(
        report,
        "## One patient's observations out of {total} (goal <= 10 ms)\n\n`Store::observations_for` ({} rows, decoded into domain types, plus its audit entry): median {:.2} ms, worst {:.2} ms over {} reads\n",
        s.per_patient,
        ms(median(reads.clone())),
        ms(*reads.iter().max().expect("samples")),
        reads.len()
    );
    store.close().await.expect("close");

    println!("{report}");
    if measuring {
        let out = std::env::current_exe().ok().and_then(|p| p.parent().map(|d| d.join("../bench-reports")));
        if let Some(out) = out {
            let _ = std::fs::create_dir_all(&out);
            let file = out.join("store.md");
            if std::fs::write(&file, &report).is_ok() {
                println!("report written to {}", file.display());
            }
        }
    }
}
