use crate::error::ValidationError;
use crate::id::UserId;
use crate::prescription::PmdcNumber;
use crate::text::RequiredText;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    HealthWorker,
    Doctor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::HealthWorker, Role::Doctor, Role::Admin];

    pub fn code(self) -> &'static str {
        match self {
            Role::HealthWorker => "health-worker",
            Role::Doctor => "doctor",
            Role::Admin => "admin",
        }
    }

    pub fn from_code(code: &str) -> Result<Self, ValidationError> {
        Self::ALL.into_iter().find(|r| r.code() == code).ok_or(ValidationError::UnknownVariant { field: "role" })
    }

    /// Health workers sign in at a shared kiosk with a PIN; doctors and admins use passwords.
    pub fn credential_kind(self) -> CredentialKind {
        match self {
            Role::HealthWorker => CredentialKind::Pin,
            Role::Doctor | Role::Admin => CredentialKind::Password,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CredentialKind {
    Pin,
    Password,
}

impl CredentialKind {
    /// Checks a new secret against the rules for its kind. The secret itself never appears in the error.
    pub fn check_new_secret(self, secret: &str) -> Result<(), ValidationError> {
        match self {
            CredentialKind::Pin => {
                let ok = (4..=8).contains(&secret.len())
                    && secret.bytes().all(|b| b.is_ascii_digit())
                    && secret.bytes().any(|b| b != secret.as_bytes()[0]);
                if ok { Ok(()) } else { Err(ValidationError::Pin) }
            }
            CredentialKind::Password => {
                if secret.chars().count() >= 10 {
                    Ok(())
                } else {
                    Err(ValidationError::Password)
                }
            }
        }
    }
}

/// A sign-in name: lowercase ASCII so that it is typed the same way on every keyboard layout.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let s = raw.trim();
        let ok = (3..=32).contains(&s.len())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
        if ok { Ok(Self(s.to_owned())) } else { Err(ValidationError::Username) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub username: Username,
    pub display_name: RequiredText,
    pub role: Role,
    /// Required for doctors: it is printed on every prescription.
    pub pmdc: Option<PmdcNumber>,
    pub active: bool,
}

impl User {
    pub const NAME_MAX: usize = 120;

    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.role == Role::Doctor && self.pmdc.is_none() {
            return Err(ValidationError::DoctorWithoutPmdc);
        }
        Ok(())
    }
}
