//! Which face this process shows and where its data lives, from the environment (the demo and the tests
//! start one kiosk and one doctor process on one machine, each with its own data directory).

use serde::Serialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Face {
    Kiosk,
    Doctor,
}

impl Face {
    /// The window's label, which the capability files grant commands to.
    pub fn window_label(self) -> &'static str {
        match self {
            Face::Kiosk => "kiosk",
            Face::Doctor => "doctor",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Launch {
    pub face: Face,
    pub data_dir: PathBuf,
}

impl Launch {
    /// `ECLINIC_FACE` (`kiosk`, the default, or `doctor`) and `ECLINIC_DATA` (default: the user's data
    /// directory, `e-clinic/<face>`).
    pub fn from_env() -> Result<Self, String> {
        let face = match std::env::var("ECLINIC_FACE").as_deref() {
            Ok("kiosk") | Err(_) => Face::Kiosk,
            Ok("doctor") => Face::Doctor,
            Ok(other) => return Err(format!("ECLINIC_FACE must be kiosk or doctor, not {other:?}")),
        };
        let data_dir = match std::env::var_os("ECLINIC_DATA") {
            Some(dir) => PathBuf::from(dir),
            None => {
                let base = std::env::var_os("XDG_DATA_HOME")
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")));
                base.ok_or("set ECLINIC_DATA or HOME")?.join("e-clinic").join(face.window_label())
            }
        };
        Ok(Self { face, data_dir })
    }
}
