//! The command line, as clap parses it.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "eclinic", version, about = "Administer an e-clinic record store")]
pub struct Cli {
    /// The data directory of the store.
    #[arg(long, env = "ECLINIC_DATA", global = true, default_value = "eclinic-data")]
    pub data: PathBuf,
    /// Machine-readable output: one JSON document on stdout; errors as {"error":{code,message}} on stderr.
    #[arg(long, global = true)]
    pub json: bool,
    /// Who runs the command. The PIN or password comes from ECLINIC_SECRET or the first line of stdin.
    #[arg(long = "user", env = "ECLINIC_USER", global = true, default_value = "admin")]
    pub user: String,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the store (its key goes into the OS keyring) and its first admin.
    Init(InitArgs),
    #[command(subcommand)]
    User(UserCommand),
    #[command(subcommand)]
    Patient(PatientCommand),
    #[command(subcommand)]
    Vitals(VitalsCommand),
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Installation settings (admins).
    #[command(subcommand)]
    Settings(SettingsCommand),
    #[command(subcommand)]
    Backup(BackupCommand),
    #[command(subcommand)]
    Key(KeyCommand),
    /// Measurements on this machine (no store needed).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Medical devices attached to this machine, and simulated ones (no store needed).
    #[command(subcommand)]
    Devices(DevicesCommand),
    /// A whole call without the UI, for tests, benchmarks and field debugging (no store needed).
    Call(CallArgs),
    /// The clinic server this installation uses (no store needed).
    #[command(subcommand)]
    Server(ServerCommand),
}

#[derive(Debug, Args)]
pub struct ServerAddress {
    /// The server, e.g. https://clinic.example.org:8443.
    #[arg(long)]
    pub url: String,
    /// The certificate (PEM) to trust for it.
    #[arg(long)]
    pub ca: PathBuf,
    /// Local UDP address for calls' ICE candidates (repeatable); every interface when absent.
    #[arg(long)]
    pub media_bind: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum ServerCommand {
    /// Use this server (a doctor's computer, or a kiosk already enrolled).
    Set(ServerAddress),
    /// Enrol this kiosk with the server: the one-time code from its admin comes from ECLINIC_SECRET or stdin;
    /// the kiosk's credential goes to the OS keyring.
    Enrol(ServerAddress),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CallRole {
    Kiosk,
    Doctor,
}

#[derive(Debug, Args)]
pub struct CallArgs {
    #[arg(long, value_enum)]
    pub role: CallRole,
    /// `stdio`: no server; the local description is printed as one JSON line
    /// {"type":"offer"|"answer","sdp":"..."} on stdout and the remote one read from stdin (the kiosk offers).
    #[arg(long)]
    pub signal: Option<String>,
    /// The signalling server, e.g. https://127.0.0.1:8443 (the doctor offers when taking the patient).
    #[arg(long, conflicts_with = "signal")]
    pub server: Option<String>,
    /// The server's certificate (PEM) to trust, for a server with a development certificate.
    #[arg(long)]
    pub ca: Option<PathBuf>,
    /// The doctor's username, or the kiosk's id; the password or device secret comes from ECLINIC_SECRET.
    #[arg(long)]
    pub account: Option<String>,
    /// `synthetic` (a moving, stamped test scene) or a .y4m file (played in a loop).
    #[arg(long, default_value = "synthetic")]
    pub video: String,
    /// `synthetic` (a voice stand-in) or a 48 kHz mono .wav file (played in a loop).
    #[arg(long, default_value = "synthetic")]
    pub audio: String,
    /// Seconds of call once connected.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Write the per-second statistics and the summary here as JSON.
    #[arg(long)]
    pub stats_json: Option<PathBuf>,
    /// Write what was received here (received.y4m, received.wav).
    #[arg(long)]
    pub record_dir: Option<PathBuf>,
    /// Local address for ICE host candidates.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub bind: String,
    /// Only TURN relay candidates (from the server's TURN credentials).
    #[arg(long)]
    pub relay_only: bool,
}

#[derive(Debug, Subcommand)]
pub enum DevicesCommand {
    /// Serial ports on this machine, and BLE health devices in range.
    List {
        #[arg(long, default_value_t = 4.0)]
        scan_seconds: f64,
    },
    /// Read an oximeter on a serial port for a while.
    Read {
        /// The port, e.g. /dev/ttyUSB0.
        #[arg(long)]
        serial: String,
        /// cms50dplus, nonin8 or nonin13.
        #[arg(long)]
        protocol: String,
        #[arg(long, default_value_t = 5.0)]
        seconds: f64,
        /// Download the recording the oximeter stored (CMS50D+) instead of reading live.
        #[arg(long)]
        download: bool,
    },
    /// Decode one BLE characteristic value, as a device sent it, into what the kiosk would record.
    Decode {
        /// The characteristic: 2a35, 0x2A35 or the full UUID.
        #[arg(long)]
        characteristic: String,
        /// The value in hex, spaces allowed: "1E 7800 5000 5D00".
        #[arg(long)]
        hex: String,
    },
    /// Run a simulated device. A serial one (cms50dplus, nonin8, nonin13) sits on a pseudo-terminal whose path is
    /// printed (until killed, or for --seconds); a BLE one (bp, thermometer, plx, heart-rate, glucose,
    /// scale) prints what it sends, decoded, after --seconds (default 10).
    Simulate {
        kind: String,
        #[arg(long)]
        seconds: Option<f64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// H.264 on a Y4M clip at a bitrate (bitrate held, PSNR/SSIM, codec time) beside libx264, and Opus under loss.
    Media(MediaBenchArgs),
    /// Full consult exchanges against a real eclinic-server on loopback: relay latency, consults/s, errors,
    /// server memory per connection.
    Signalling(SignallingBenchArgs),
    /// Two headless calls (kiosk and doctor) through an emulated rural link: frame rate, freezes, audio
    /// concealment, glass-to-glass latency, how the estimate follows the capacity, CPU and memory of each end.
    Link(LinkBenchArgs),
    /// Write a test clip made by ffmpeg's lavfi sources (motion, noise, a face-sized moving object).
    MakeClip {
        out: PathBuf,
        #[arg(long, default_value_t = 320)]
        width: u32,
        #[arg(long, default_value_t = 240)]
        height: u32,
        #[arg(long, default_value_t = 15)]
        fps: u32,
        #[arg(long, default_value_t = 10)]
        seconds: u32,
    },
}

#[derive(Debug, Args)]
pub struct LinkBenchArgs {
    /// edge, 3g-poor, 3g-ok, steps, outage or loss-sweep (see ../shared/reference/links.md).
    #[arg(long)]
    pub profile: String,
    /// Seconds of each call.
    #[arg(long, default_value_t = 60)]
    pub seconds: u64,
    /// Keep each end's per-second statistics here (run-N-kiosk.json, run-N-doctor.json).
    #[arg(long)]
    pub stats_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SignallingBenchArgs {
    #[arg(long, default_value_t = 200)]
    pub kiosks: usize,
    #[arg(long, default_value_t = 20)]
    pub doctors: usize,
    /// Run the server on this PostgreSQL database instead of its embedded SQLite store.
    #[arg(long)]
    pub database_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct MediaBenchArgs {
    /// The clip (YUV4MPEG2, 8-bit 4:2:0).
    #[arg(long)]
    pub input: PathBuf,
    /// Target video bitrate, kb/s.
    #[arg(long, default_value_t = 150)]
    pub kbps: u32,
    /// Frame rate; the clip's own when absent.
    #[arg(long)]
    pub fps: Option<u32>,
    /// Write the decoded frames here (Y4M, one per source frame) to check the figures with another tool.
    #[arg(long)]
    pub decoded_out: Option<PathBuf>,
    /// Skip the libx264 comparison (it needs ffmpeg).
    #[arg(long)]
    pub no_x264: bool,
    /// Opus bitrate for the loss table, kb/s.
    #[arg(long, default_value_t = 16)]
    pub opus_kbps: u32,
    /// Random packet loss for the Opus table, percent.
    #[arg(long, default_value_t = 10)]
    pub opus_loss: u8,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The first admin's username; the password comes from ECLINIC_SECRET or stdin.
    #[arg(long, default_value = "admin")]
    pub admin: String,
    #[arg(long, default_value = "Administrator")]
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; their PIN or password comes from ECLINIC_NEW_SECRET or the next line of stdin.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// PMDC registration number (doctors).
        #[arg(long)]
        pmdc: Option<String>,
    },
    List,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    HealthWorker,
    Doctor,
    Admin,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SexArg {
    Female,
    Male,
    Other,
    Unknown,
}

#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        sex: SexArg,
        /// Date of birth, YYYY-MM-DD.
        #[arg(long, conflicts_with = "age", required_unless_present = "age")]
        dob: Option<String>,
        /// Age in years when the date of birth is not known.
        #[arg(long)]
        age: Option<u32>,
        #[arg(long)]
        cnic: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        village: Option<String>,
        #[arg(long)]
        address: Option<String>,
    },
    /// List patients, optionally matching a name, CNIC or phone number.
    List {
        #[arg(long)]
        query: Option<String>,
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    Show {
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum VitalsCommand {
    /// Record a vital sign typed by hand.
    Add {
        #[arg(long)]
        patient: String,
        /// heart-rate, respiratory-rate, spo2, temperature, height, weight, bmi, systolic, diastolic,
        /// head-circumference or glucose.
        #[arg(long)]
        kind: String,
        /// The value as written; its precision is kept (37.0 is not 37).
        #[arg(long)]
        value: String,
        /// UCUM unit; the kind's usual unit when omitted.
        #[arg(long)]
        unit: Option<String>,
    },
    List {
        #[arg(long)]
        patient: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// How long the kiosk's window may sit untouched before it locks (10 s to 1 h; 5 min unless set).
    AutoLock {
        #[arg(long)]
        seconds: u32,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the hash chain and name the first broken entry.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Write an encrypted copy of the whole store.
    Create {
        file: PathBuf,
        /// Encrypt with a fresh key (printed once) instead of the store's key.
        #[arg(long)]
        new_key: bool,
    },
    /// Replace the store's content with a backup's (the replaced database is kept beside it).
    Restore {
        file: PathBuf,
        /// The backup was made with --new-key: read its key (hex) from ECLINIC_BACKUP_KEY or the next line of stdin.
        #[arg(long)]
        backup_key: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Print the store key in recovery form (64 hex digits) to keep offline.
    ExportRecovery,
    /// Put a recovery key (from ECLINIC_RECOVERY_KEY or stdin) back into the OS keyring.
    ImportRecovery,
    /// Re-encrypt the store with a new key.
    Rotate,
}
