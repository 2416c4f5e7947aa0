//! The first run of a fresh kiosk: the language and the first admin account make the store; enrolment and
//! devices follow in the admin's console.

use crate::admin::NewUserForm;
use crate::views::UserView;
use crate::{AppError, Clinic, now};
use eclinic_domain::Role;
use eclinic_store::{DEFAULT_AUTO_LOCK_SECONDS, Store};

impl Clinic {
    /// Creates this kiosk's store with its first admin, signed in, and remembers the language picked. A kiosk
    /// that is already set up refuses (`already_initialised`) and keeps its store.
    pub async fn set_up(&self, language: &str, admin: &NewUserForm) -> Result<UserView, AppError> {
        let admin = admin.to_new_user()?;
        let username = admin.username.as_str().to_owned();
        crate::preferences::check_language_tag(language)?;
        self.records
            .create(async || Ok(Store::init_with_admin(&self.data_dir, self.keys.clone(), admin, now()).await?))
            .await?;
        self.preferences.set_language(Some(&username), language)?;
        Ok(UserView::new(&username, Role::Admin, Some(language.to_owned()), DEFAULT_AUTO_LOCK_SECONDS))
    }
}
