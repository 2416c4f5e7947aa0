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

    fn stored_credential(&self) -> Result<Zeroizing<String>, ConnectError> {
        match self.credential_entry()?.get_password() {
            Ok(stored) => Ok(Zeroizing::new(stored)),
            Err(keyring::Error::NoEntry) => Err(ConnectError::NotEnrolled),
            Err(error) => Err(keyring_failure(error)),
        }
    }

    async fn sign_in_with(&self, stored: &str) -> Result<TokenPairResponse, ConnectError> {
        let (kiosk_id, secret) = stored.split_once('\n').ok_or(ConnectError::NotEnrolled)?;
        self.device_login(kiosk_id, secret).await
    }

    /// Signs in with the credential in the keyring.
    pub async fn sign_in_this_kiosk(&self) -> Result<TokenPairResponse, ConnectError> {
        self.sign_in_with(&self.stored_credential()?).await
    }

    /// Copies this kiosk's credential to the same server under another address (a new name, port or
    /// certificate), once it signs in there (a server that does not know it is `NotEnrolled`). The caller forgets the old address's copy when it has switched.
    pub async fn copy_this_kiosk_to(&self, to: &ServerClient) -> Result<(), ConnectError> {
        let stored = self.stored_credential()?;
        match to.sign_in_with(&stored).await {
            Err(ConnectError::Refused { status: 401, .. }) => return Err(ConnectError::NotEnrolled),
            signed_in => signed_in?,
        };
        to.credential_entry()?.set_password(&stored).map_err(keyring_failure)
    }

    /// Removes this kiosk's credential (the kiosk is being retired or re-enrolled elsewhere).
    pub fn forget_this_kiosk(&self) -> Result<(), ConnectError> {
        match self.credential_entry()?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(keyring_failure(error)),
        }
    }
}
