//! The demo: a central server with a doctor's account, a kiosk enrolled with it (demo users, patients and
//! vitals made through the `eclinic` command line, a simulated blood-pressure cuff and pulse oximeter
//! paired), a doctor's computer pointed at it, then the kiosk's and the doctor's windows side by side.

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub const INNER: &str = "__demo-seed";

const ADMIN_PASSWORD: &str = "demo admin password";
const NURSE_PIN: &str = "4821";
const DOCTOR_PASSWORD: &str = "demo doctor password";
const DOCTOR: [&str; 3] = ["dr.saima", "Dr Saima Rauf", "54321-P"];
const KIOSK_NAME: &str = "Basti Malook";
/// A fixed port: the kiosk's enrolled credential is kept per server address.
const SERVER_ADDRESS: &str = "127.0.0.1:18443";

/// Runs `program args…` with `secrets` as its stdin lines; returns stdout.
fn run(program: &str, args: &[&str], secrets: &[&str]) -> anyhow::Result<String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let mut stdin = child.stdin.take().context("stdin")?;
    stdin.write_all((secrets.join("\n") + "\n").as_bytes())?;
    drop(stdin);
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!("{program} {} failed", args.join(" "));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

struct Cli<'a> {
    program: &'a str,
    data: &'a str,
}

impl Cli<'_> {
    /// Runs `eclinic --data … args`, with `secrets` as its stdin lines; returns stdout.
    fn run(&self, args: &[&str], secrets: &[&str]) -> anyhow::Result<String> {
        run(self.program, &[&["--data", self.data], args].concat(), secrets)
    }

    fn json_id(&self, args: &[&str], secrets: &[&str]) -> anyhow::Result<String> {
        let out = self.run(args, secrets)?;
        let start = out.find("\"id\": \"").context("an id in the output")? + 7;
        Ok(out[start..start + 36].to_owned())
    }
}

/// The running server, stopped when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server(program: &str, data: &str) -> anyhow::Result<(Server, String)> {
    let mut child = Command::new(program)
        .args(["serve", "--listen", SERVER_ADDRESS, "--data", data])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start {program}"))?;
    let mut line = String::new();
    BufReader::new(child.stdout.take().context("stdout")?).read_line(&mut line)?;
    let server = Server(child);
    match line.trim().strip_prefix("listening on ") {
        Some(url) => Ok((server, url.to_owned())),
        None => bail!("the server did not start (is {SERVER_ADDRESS} in use?): {line:?}"),
    }
}

pub fn seed_and_show(args: &[String]) -> anyhow::Result<()> {
    let [eclinic, eclinic_server, desktop, root] = args else {
        bail!("usage: {INNER} ECLINIC ECLINIC_SERVER DESKTOP_APP DEMO_DIR")
    };
    let root = Path::new(root);
    let path = |name: &str| root.join(name).display().to_string();
    let (server_data, kiosk_data, doctor_data) = (path("server"), path("kiosk"), path("doctor"));

    let fresh_server = !Path::new(&server_data).exists();
    if fresh_server {
        let store = ["--data", server_data.as_str()];
        run(
            eclinic_server,
            &[&["create-admin"], &store[..], &["--username", "admin", "--name", "Admin"]].concat(),
            &[ADMIN_PASSWORD],
        )?;
        let [username, name, pmdc] = DOCTOR;
        let doctor = ["create-doctor", "--username", username, "--name", name, "--pmdc", pmdc];
        run(eclinic_server, &[&doctor[..], &store[..]].concat(), &[DOCTOR_PASSWORD])?;
    }
    let kiosk = Cli { program: eclinic, data: &kiosk_data };
    if !Path::new(&kiosk_data).join("records.db").exists() {
        seed(&kiosk)?;
    }
    let must_enrol = fresh_server || !Path::new(&kiosk_data).join("server.json").exists();
    let code = if must_enrol {
        let code_args = ["enrolment-code", "--data", &server_data, "--admin", "admin", "--kiosk-name", KIOSK_NAME];
        Some(run(eclinic_server, &code_args, &[ADMIN_PASSWORD])?.trim().to_owned())
    } else {
        None
    };
    std::fs::write(Path::new(&kiosk_data).join("devices.tsv"), "bp\tsimulated:cuff\ncms50dplus\tsimulated:finger\n")?;

    let (server, url) = start_server(eclinic_server, &server_data)?;
    let certificate = Path::new(&server_data).join("tls").join("dev-cert.pem").display().to_string();
    let address = ["--url", url.as_str(), "--ca", certificate.as_str(), "--media-bind", "127.0.0.1:0"];
    if let Some(code) = code {
        kiosk.run(&[&["server", "enrol"], &address[..]].concat(), &[&code])?;
    }
    let doctor = Cli { program: eclinic, data: &doctor_data };
    if !Path::new(&doctor_data).join("records.db").exists() {
        doctor.run(&["init", "--admin", "admin", "--name", "Doctor's PC"], &[ADMIN_PASSWORD])?;
    }
    doctor.run(&[&["server", "set"], &address[..]].concat(), &[])?;

    show(&kiosk)?;
    println!("\nserver: {url} (development certificate {certificate})");
    println!("kiosk {KIOSK_NAME:?}: sign in as nurse.amina with PIN {NURSE_PIN}");
    println!("doctor: sign in as {} with password {DOCTOR_PASSWORD:?}", DOCTOR[0]);
    println!("the stores are encrypted with SQLCipher; their keys are in the demo keyring, not on disk in plaintext");
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        println!("\nno display here: the windows need a desktop session (or run under xvfb-run)");
        return Ok(());
    }
    println!("\nopening the kiosk's and the doctor's windows; a consult: open a visit at the kiosk, join the queue,");
    println!(
        "take the patient in the doctor's window. The synthetic camera and voice stand in where none is attached."
    );
    let open =
        |face: &str, data: &str| Command::new(desktop).env("ECLINIC_FACE", face).env("ECLINIC_DATA", data).spawn();
    let mut windows = [open("kiosk", &kiosk_data)?, open("doctor", &doctor_data)?];
    for window in &mut windows {
        let status = window.wait()?;
        if !status.success() {
            bail!("a window ended with {status}");
        }
    }
    drop(server);
    Ok(())
}

fn show(kiosk: &Cli) -> anyhow::Result<()> {
    println!("\n== e-clinic demo kiosk store: {}\n", kiosk.data);
    print!("{}", kiosk.run(&["user", "list"], &[ADMIN_PASSWORD])?);
    println!();
    let patients = kiosk.run(&["--user", "nurse.amina", "patient", "list"], &[NURSE_PIN])?;
    print!("{patients}");
    for id in patients.lines().filter_map(|l| l.split_whitespace().next()).filter(|w| w.len() == 36) {
        println!("\nvitals of {id}:");
        print!("{}", kiosk.run(&["--user", "dr.saima", "vitals", "list", "--patient", id], &[DOCTOR_PASSWORD])?);
    }
    println!();
    print!("{}", kiosk.run(&["audit", "verify"], &[ADMIN_PASSWORD])?);
    Ok(())
}
fn seed(cli: &Cli) -> anyhow::Result<()> {
    cli.run(&["init", "--admin", "admin", "--name", "Clinic Admin"], &[ADMIN_PASSWORD])?;
    let add_user = |args: &[&str], secret: &str| cli.run(&[&["user", "add"], args].concat(), &[ADMIN_PASSWORD, secret]);
    add_user(&["--username", "nurse.amina", "--name", "Amina Bibi", "--role", "health-worker"], NURSE_PIN)?;
    add_user(
        &["--username", "dr.saima", "--name", "Dr Saima Rauf", "--role", "doctor", "--pmdc", "54321-P"],
        DOCTOR_PASSWORD,
    )?;
    let nurse = |args: &[&str]| cli.json_id(&[&["--json", "--user", "nurse.amina"], args].concat(), &[NURSE_PIN]);
    let patients = [
        ["Rukhsana Bibi", "female", "--dob", "1981-03-14", "35202-4839201-6", "0300-4412345", "Chak 45/12-L"],
        ["Muhammad Aslam", "male", "--age", "62", "36302-1938475-3", "0341-7788990", "Basti Malook"],
        ["Sana Parveen", "female", "--age", "24", "31202-5566778-2", "0333-1122334", "Kot Addu"],
    ];
    let vitals: [&[(&str, &str)]; 3] = [
        &[("systolic", "148"), ("diastolic", "92"), ("heart-rate", "84"), ("temperature", "37.0"), ("weight", "71.5")],
        &[("spo2", "91"), ("heart-rate", "102"), ("glucose", "212"), ("temperature", "38.4")],
        &[("systolic", "112"), ("diastolic", "74"), ("spo2", "99"), ("weight", "54.20")],
    ];
    for ([name, sex, birth_flag, birth, cnic, phone, village], readings) in patients.into_iter().zip(vitals) {
        let id = nurse(&[
            "patient",
            "add",
            "--name",
            name,
            "--sex",
            sex,
            birth_flag,
            birth,
            "--cnic",
            cnic,
            "--phone",
            phone,
            "--village",
            village,
        ])?;
        for (kind, value) in readings {
            nurse(&["vitals", "add", "--patient", &id, "--kind", kind, "--value", value])?;
        }
    }
    Ok(())
}
