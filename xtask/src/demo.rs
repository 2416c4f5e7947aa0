//! The demo: a kiosk store with demo users, patients and vitals, made through the `eclinic` command line,
//! a simulated blood-pressure cuff and pulse oximeter paired, then the kiosk window on that store.

use anyhow::{Context, bail};
use std::path::Path;
use std::process::{Command, Stdio};

pub const INNER: &str = "__demo-seed";

const ADMIN_PASSWORD: &str = "demo admin password";
const NURSE_PIN: &str = "4821";
const DOCTOR_PASSWORD: &str = "demo doctor password";

struct Cli<'a> {
    program: &'a str,
    data: &'a str,
}

impl Cli<'_> {
    /// Runs `eclinic --data … args`, with `secrets` as its stdin lines; returns stdout.
    fn run(&self, args: &[&str], secrets: &[&str]) -> anyhow::Result<String> {
        let mut child = Command::new(self.program)
            .arg("--data")
            .arg(self.data)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", self.program))?;
        let mut stdin = child.stdin.take().context("stdin")?;
        std::io::Write::write_all(&mut stdin, (secrets.join("\n") + "\n").as_bytes())?;
        drop(stdin);
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!("eclinic {} failed", args.join(" "));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    fn json_id(&self, args: &[&str], secrets: &[&str]) -> anyhow::Result<String> {
        let out = self.run(args, secrets)?;
        let start = out.find("\"id\": \"").context("an id in the output")? + 7;
        Ok(out[start..start + 36].to_owned())
    }
}

pub fn seed_and_show(args: &[String]) -> anyhow::Result<()> {
    let [program, data, desktop] = args else { bail!("usage: {INNER} ECLINIC DATA_DIR DESKTOP_APP") };
    let cli = Cli { program, data };
    if !Path::new(data).join("records.db").exists() {
        seed(&cli)?;
    }
    std::fs::write(Path::new(data).join("devices.tsv"), "bp\tsimulated:cuff\ncms50dplus\tsimulated:finger\n")?;
    println!("\n== e-clinic demo kiosk store: {data}\n");
    print!("{}", cli.run(&["user", "list"], &[ADMIN_PASSWORD])?);
    println!();
    let patients = cli.run(&["--user", "nurse.amina", "patient", "list"], &[NURSE_PIN])?;
    print!("{patients}");
    for id in patients.lines().filter_map(|l| l.split_whitespace().next()).filter(|w| w.len() == 36) {
        println!("\nvitals of {id}:");
        print!("{}", cli.run(&["--user", "dr.saima", "vitals", "list", "--patient", id], &[DOCTOR_PASSWORD])?);
    }
    println!();
    print!("{}", cli.run(&["audit", "verify"], &[ADMIN_PASSWORD])?);
    println!("\nsign-ins: admin / {ADMIN_PASSWORD:?}, nurse.amina / PIN {NURSE_PIN}, dr.saima / {DOCTOR_PASSWORD:?}");
    println!("the store is encrypted with SQLCipher; its key is in the demo keyring, not on disk in plaintext");
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        println!("\nno display here: the kiosk window needs a desktop session (or run under xvfb-run)");
        return Ok(());
    }
    println!("\nopening the kiosk window: sign in as nurse.amina with PIN {NURSE_PIN}");
    let status = Command::new(desktop).env("ECLINIC_FACE", "kiosk").env("ECLINIC_DATA", data).status()?;
    if !status.success() {
        bail!("the kiosk window ended with {status}");
    }
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
