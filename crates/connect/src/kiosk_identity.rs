//! A kiosk's device credential: obtained once with an enrolment code, then kept in the OS keyring (one
//! entry per server) and nowhere else, and used for every sign-in after.

use eclinic_signal::api::TokenPairResponse;
use zeroize::Zeroizing;

use crate::{ConnectError, ServerClient};

const SERVICE: &str = "org.eclinic.kiosk";

fn keyring_failure(error: keyring::Error) -> ConnectError {
    // keyring's messages describe the platform failure (no bus, locked collection), never the secret.
    ConnectError::Keyring(error.to_string())
}

impl ServerClient {
    fn credential_entry(&self) -> Result<keyring::Entry, ConnectError> {
        keyring::Entry::new(SERVICE, &self.base).map_err(keyring_failure)
    }

    /// Exchanges a one-time enrolment code for this kiosk's credential and keeps it in the keyring,
    /// replacing an earlier enrolment with the same server. Returns the kiosk's id and name.
    pub async fn enrol_this_kiosk(&self, code: &str) -> Result<(String, String), ConnectError> {
        let entry = self.credential_entry()?;
        let credential = self.enrol(code).await?;
        let stored = Zeroizing::new(format!("{}\n{}", credential.kiosk_id, credential.secret));
        entry.set_password(&stored).map_err(keyring_failure)?;
        Ok((credential.kiosk_id, credential.kiosk_name))
    }

    /// Signs in with the credential in the keyring.
    pub async fn sign_in_this_kiosk(&self) -> Result<TokenPairResponse, ConnectError> {
        let stored = match self.credential_entry()?.get_password() {
            Ok(stored) => Zeroizing::new(stored),
            Err(keyring::Error::NoEntry) => return Err(ConnectError::NotEnrolled),
            Err(error) => return Err(keyring_failure(error)),
        };
        let (kiosk_id, secret) = stored.split_once('\n').ok_or(ConnectError::NotEnrolled)?;
        self.device_login(kiosk_id, secret).await
    }

    /// Removes this kiosk's credential (the kiosk is being retired or re-enrolled elsewhere).
    pub fn forget_this_kiosk(&self) -> Result<(), ConnectError> {
        match self.credential_entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_failure(error)),
        }
    }
}
