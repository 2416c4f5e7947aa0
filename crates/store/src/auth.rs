//! Sessions and role checks. Every store operation on records takes a [`Session`], so role checks happen
//! in the store and not only in a UI.

use crate::error::AuthError;
use eclinic_domain::{Role, UserId, Username};

/// A signed-in user. Only [`crate::Store::sign_in`] and bootstrap make one.
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) user: UserId,
    pub(crate) username: Username,
    pub(crate) role: Role,
}

impl Session {
    pub fn user(&self) -> UserId {
        self.user
    }

    pub fn username(&self) -> &Username {
        &self.username
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Refuses a session without `role` (`forbidden`).
    pub fn require(&self, role: Role) -> Result<(), AuthError> {
        if self.role == role { Ok(()) } else { Err(AuthError::Forbidden { needed: role.code() }) }
    }
}
