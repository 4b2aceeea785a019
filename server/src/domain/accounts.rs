//! Accounts: registration in the three modes, profile, password, email, recovery
//! code and deletion (AUTH-1, AUTH-7, AUTH-9, ADM-1).

use uuid::Uuid;

use super::community::{InviteJoin, invite_by_code};
use super::invites::InviteState;
use super::lockout::lockout_key;
use super::{Actor, Core, InstanceRole, RequestMeta, SignedIn, validate};
use crate::auth::secrets;
use crate::config::RegistrationMode;
use crate::domain::error::{Error, Result};
use crate::store::{
    self, CommunityInvite, Conn, NewAuditEntry, NewUser, ProfileUpdate, SettingKey, User,
};

#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub username: String,
    pub display_name: Option<String>,
    pub password: String,
    pub email: Option<String>,
    /// A registration invite, a community invite (the account then joins its
    /// community), or the one-time setup code of a fresh instance.
    pub invite_code: Option<String>,
}

/// A profile edit; `None` keeps a field, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfileChanges {
    pub display_name: Option<String>,
    pub bio: Option<Option<String>>,
    pub pronouns: Option<Option<String>>,
    pub custom_status: Option<Option<String>>,
    pub read_receipts: Option<bool>,
    pub show_last_seen: Option<bool>,
}

fn wrong_password(field: &'static str) -> Error {
    Error::Client {
        kind: crate::domain::error::ErrorKind::Unauthorized,
        code: "wrong_password",
        message: "the password is not correct".into(),
        field: Some(field),
        retry_after: None,
    }
}

/// What let a registration in.
#[derive(Debug)]
pub(super) struct Admission {
    /// The fresh instance's setup code (the account becomes the owner).
    pub setup: bool,
    /// A community invite: the new account joins its community.
    pub community_invite: Option<CommunityInvite>,
}

impl Admission {
    fn setup() -> Admission {
        Admission {
            setup: true,
            community_invite: None,
        }
    }

    fn with_invite(community_invite: Option<CommunityInvite>) -> Admission {
        Admission {
            setup: false,
            community_invite,
        }
    }
}

/// Why an invite code cannot register an account, if it cannot.
fn refusal(state: InviteState) -> Option<Error> {
    let (code, message) = match state {
        InviteState::Usable => return None,
        InviteState::Revoked => ("invite_invalid", "this invite code is not valid"),
        InviteState::Expired => ("invite_expired", "this invite code has expired"),
        InviteState::UsedUp => ("invite_used_up", "this invite code has been used up"),
    };
    Some(Error::forbidden(code, message).on_field("invite_code"))
}

/// How recently an account without a password must have signed in to confirm a
/// sensitive action.
pub const RECENT_SIGN_IN: chrono::Duration = chrono::Duration::minutes(10);

fn check_recent_sign_in(actor: &Actor) -> Result<()> {
    if store::now() - actor.signed_in_at <= RECENT_SIGN_IN {
        return Ok(());
    }
    Err(Error::unauthorized(
        "reauthentication_required",
        "sign in again (with SSO) to confirm this; it then works for 10 minutes",
    ))
}

/// Refuses a username or email that another account has.
pub(super) async fn check_free(
    c: &mut Conn<'_>,
    username: &str,
    email: Option<&str>,
) -> Result<()> {
    if c.username_taken(username).await? {
        return Err(
            Error::conflict("username_taken", "this username is taken").on_field("username")
        );
    }
    if let Some(email) = email
        && c.email_taken(email, None).await?
    {
        return Err(
            Error::conflict("email_taken", "this email address is already in use")
                .on_field("email"),
        );
    }
    Ok(())
}

impl Core {
    pub async fn register(&self, input: Registration, meta: &RequestMeta) -> Result<SignedIn> {
        if self.config.password_login_disabled() {
            return Err(Error::forbidden(
                "password_login_disabled",
                "accounts are created by signing in with SSO",
            ));
        }
        let username = validate::username(&input.username)?;
        let display_name = match input
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
        {
            Some(name) => validate::display_name(name)?,
            None => username.clone(),
        };
        validate::password("password", &input.password)?;
        let email = input
            .email
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(validate::email)
            .transpose()?;
        let code = input
            .invite_code
            .as_deref()
            .map(secrets::normalize_code)
            .filter(|c| !c.is_empty());

        // Everything that can refuse the registration is checked before the
        // password is hashed, so a refused attempt costs no hashing.
        {
            let mut conn = self.db.acquire().await?;
            let mut c = conn.conn();
            self.admit_registration(&mut c, code.as_deref(), store::now(), false)
                .await?;
            check_free(&mut c, &username, email.as_deref()).await?;
        }
        let password_hash = self.passwords.hash(&input.password).await?;
        let recovery_code = secrets::recovery_code();
        let recovery_hash = secrets::sha256_hex(&secrets::normalize_code(&recovery_code));

        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let admission = self
            .admit_registration(&mut c, code.as_deref(), now, true)
            .await?;
        let is_setup = admission.setup;
        check_free(&mut c, &username, email.as_deref()).await?;

        let id = store::new_id();
        c.insert_user(&NewUser {
            id,
            username: &username,
            display_name: &display_name,
            email: email.as_deref(),
            password_hash: Some(&password_hash),
            recovery_code_hash: Some(&recovery_hash),
            instance_role: InstanceRole::User.as_str(),
            now,
        })
        .await?;
        let role = self
            .initial_role(&mut c, id, &username, is_setup, now)
            .await?;
        if role != InstanceRole::User {
            c.set_instance_role(id, role.as_str(), now).await?;
        }
        let (session, refresh) = self.open_session(&mut c, id, meta, now).await?;
        let details = serde_json::json!({ "username": username, "role": role.as_str(), "setup_code": is_setup });
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(id, "user.registered").details(details),
        )
        .await?;
        let joined = self.join_invited(&mut c, &admission, id, meta).await?;
        let user = c.user(id).await?;
        tx.commit().await?;
        if let Some(join) = joined {
            self.announce_join(join).await?;
        }

        let tokens = self.token_pair(&session, refresh, now)?;
        Ok(SignedIn {
            user,
            tokens,
            recovery_code: Some(recovery_code),
        })
    }

    /// Applies `REGISTRATION_MODE` to a registration carrying `code`. The
    /// fresh-instance setup code admits in every mode while no owner exists. On an
    /// invite-only server a registration invite admits, and so does a community
    /// invite under [`Core::invite_admits_new_accounts`]; on an open server a
    /// usable community invite is kept to join its community. With `consume`, one
    /// use of a registration invite is taken (a community invite's use is taken
    /// when joining, by [`Core::join_invited`]).
    pub(super) async fn admit_registration(
        &self,
        c: &mut Conn<'_>,
        code: Option<&str>,
        now: chrono::DateTime<chrono::Utc>,
        consume: bool,
    ) -> Result<Admission> {
        if let Some(code) = code
            && self.is_setup_code(c, code).await?
        {
            return Ok(Admission::setup());
        }
        // Before the owner exists no invite can have been made: a code is a mistyped
        // setup code, and is called that.
        if code.is_some()
            && self.config.registration_mode != RegistrationMode::Open
            && c.setting::<Uuid>(SettingKey::OwnerUserId).await?.is_none()
        {
            return Err(Error::forbidden(
                "invite_invalid",
                "this setup code is not valid; it is printed in the server's output when it starts",
            )
            .on_field("invite_code"));
        }
        match self.config.registration_mode {
            RegistrationMode::Closed => Err(Error::forbidden(
                "registration_closed",
                "registration is closed on this server",
            )),
            RegistrationMode::Open => {
                // Registration is open anyway: a code that is no usable community
                // invite is ignored.
                let community_invite = match code {
                    Some(code) => invite_by_code(c, code)
                        .await?
                        .filter(|(_, _, state)| *state == InviteState::Usable)
                        .map(|(invite, _, _)| invite),
                    None => None,
                };
                Ok(Admission::with_invite(community_invite))
            }
            RegistrationMode::InviteOnly => {
                let Some(code) = code else {
                    return Err(Error::forbidden(
                        "invite_required",
                        "an invite code is required to register",
                    )
                    .on_field("invite_code"));
                };
                let Some(invite) = c.registration_invite_by_code(code).await? else {
                    return self.admit_by_community_invite(c, code).await;
                };
                let state = InviteState::of(
                    invite.revoked_at,
                    invite.expires_at,
                    invite.max_uses,
                    invite.uses,
                    now,
                );
                if let Some(refusal) = refusal(state) {
                    return Err(refusal);
                }
                if consume && !c.consume_registration_invite(invite.id, now).await? {
                    return Err(refusal(InviteState::UsedUp).expect("a refusal"));
                }
                Ok(Admission::with_invite(None))
            }
        }
    }

    /// A community invite brought to an invite-only server's registration.
    async fn admit_by_community_invite(&self, c: &mut Conn<'_>, code: &str) -> Result<Admission> {
        let Some((invite, _, state)) = invite_by_code(c, code).await? else {
            return Err(refusal(InviteState::Revoked).expect("a refusal"));
        };
        if let Some(refusal) = refusal(state) {
            return Err(refusal);
        }
        if !self.invite_admits_new_accounts(c, &invite).await? {
            return Err(Error::forbidden(
                "invite_cannot_admit",
                "this community invite is for people who already have an account here; \
                 ask an administrator of this server for an invite to create one",
            )
            .on_field("invite_code"));
        }
        Ok(Admission::with_invite(Some(invite)))
    }

    /// Joins a new account to the community its invite named, if any (inside the
    /// registration's transaction); announce the join after the commit.
    pub(super) async fn join_invited(
        &self,
        c: &mut Conn<'_>,
        admission: &Admission,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<Option<InviteJoin>> {
        match &admission.community_invite {
            Some(invite) => Ok(Some(
                self.join_on_registration(c, invite, user_id, meta).await?,
            )),
            None => Ok(None),
        }
    }

    /// The first account claims the owner role; `ADMIN_USERNAME` becomes admin.
    pub(super) async fn initial_role(
        &self,
        c: &mut Conn<'_>,
        id: Uuid,
        username: &str,
        used_setup_code: bool,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<InstanceRole> {
        if c.claim_setting(SettingKey::OwnerUserId, &id, now).await? {
            c.delete_setting(SettingKey::SetupCodeHash).await?;
            return Ok(InstanceRole::Owner);
        }
        if used_setup_code {
            // Another registration claimed ownership first; the code is spent.
            return Err(
                Error::forbidden("invite_invalid", "this invite code is not valid")
                    .on_field("invite_code"),
            );
        }
        let is_admin_name = self
            .config
            .admin_username
            .as_deref()
            .is_some_and(|admin| admin.eq_ignore_ascii_case(username));
        Ok(if is_admin_name {
            InstanceRole::Admin
        } else {
            InstanceRole::User
        })
    }

    pub async fn me(&self, actor: &Actor) -> Result<User> {
        Ok(actor.user.clone())
    }

    /// The account as stored now (after a change made in this request).
    pub async fn reload_me(&self, actor: &Actor) -> Result<User> {
        Ok(self.db.acquire().await?.conn().user(actor.id()).await?)
    }

    pub async fn update_profile(&self, actor: &Actor, changes: ProfileChanges) -> Result<User> {
        let update = ProfileUpdate {
            display_name: changes
                .display_name
                .as_deref()
                .map(validate::display_name)
                .transpose()?,
            bio: changes
                .bio
                .map(|v| validate::optional_text("bio", v.as_deref(), validate::BIO_MAX))
                .transpose()?,
            pronouns: changes
                .pronouns
                .map(|v| validate::optional_text("pronouns", v.as_deref(), validate::PRONOUNS_MAX))
                .transpose()?,
            custom_status: changes
                .custom_status
                .map(|v| {
                    validate::optional_text(
                        "custom_status",
                        v.as_deref(),
                        validate::CUSTOM_STATUS_MAX,
                    )
                })
                .transpose()?,
            read_receipts: changes.read_receipts,
            show_last_seen: changes.show_last_seen,
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.update_profile(actor.id(), &update, store::now()).await?;
        let user = c.user(actor.id()).await?;
        tx.commit().await?;
        // Their display name is on their messages in every channel.
        if update.display_name.is_some() {
            self.publish_user_updated(actor.id()).await?;
        }
        Ok(user)
    }

    /// Re-confirms the signed-in user's password. Counted like a login (one counter
    /// per account), so a stolen access token cannot be used to guess it. An
    /// account without a password (SSO) re-confirms by having signed in recently.
    pub(super) async fn check_password(
        &self,
        actor: &Actor,
        field: &'static str,
        password: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        if actor.user.password_hash.is_none() {
            return check_recent_sign_in(actor);
        }
        let claim = self
            .claim_attempt(lockout_key(&actor.user.username, Some(&actor.user)))
            .await?;
        let matches = self
            .passwords
            .verify(password, actor.user.password_hash.as_deref())
            .await?;
        if !matches {
            self.attempt_failed(&claim, Some(actor.id()), "password.confirm_failed", meta)
                .await?;
            return Err(wrong_password(field));
        }
        self.db
            .acquire()
            .await?
            .conn()
            .clear_login_attempts(&claim.key)
            .await?;
        Ok(())
    }

    /// Changes the password and ends every other session; returns how many ended.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: &str,
        new: &str,
        meta: &RequestMeta,
    ) -> Result<usize> {
        validate::password("new_password", new)?;
        let first_password = actor.user.password_hash.is_none();
        if first_password && self.config.password_login_disabled() {
            // An SSO account may add a password, unless only SSO signs in here.
            return Err(Error::forbidden(
                "password_login_disabled",
                "this server signs in only with SSO; a password would not be used",
            ));
        }
        self.check_password(actor, "current_password", current, meta)
            .await?;
        let hash = self.passwords.hash(new).await?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.set_password_hash(actor.id(), &hash, store::now()).await?;
        let ended = c
            .delete_sessions_of_user(actor.id(), Some(actor.session_id))
            .await?;
        let entry = NewAuditEntry::by(actor.id(), "password.changed").details(
            serde_json::json!({ "sessions_ended": ended.len(), "first_password": first_password }),
        );
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.end_sessions(&ended);
        Ok(ended.len())
    }

    pub async fn change_email(
        &self,
        actor: &Actor,
        password: &str,
        email: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<User> {
        let email = email
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(validate::email)
            .transpose()?;
        self.check_password(actor, "password", password, meta)
            .await?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if let Some(email) = &email
            && c.email_taken(email, Some(actor.id())).await?
        {
            return Err(
                Error::conflict("email_taken", "this email address is already in use")
                    .on_field("email"),
            );
        }
        c.set_email(actor.id(), email.as_deref(), store::now())
            .await?;
        self.audit(&mut c, meta, NewAuditEntry::by(actor.id(), "email.changed"))
            .await?;
        let user = c.user(actor.id()).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Replaces the recovery code; the new one is returned this once.
    pub async fn regenerate_recovery_code(
        &self,
        actor: &Actor,
        password: &str,
        meta: &RequestMeta,
    ) -> Result<String> {
        self.check_password(actor, "password", password, meta)
            .await?;
        let code = secrets::recovery_code();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.set_recovery_code_hash(
            actor.id(),
            &secrets::sha256_hex(&secrets::normalize_code(&code)),
            store::now(),
        )
        .await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "recovery_code.regenerated"),
        )
        .await?;
        tx.commit().await?;
        Ok(code)
    }

    /// Resets a forgotten password with the recovery code (AUTH-7): every session
    /// ends, a new session and a new recovery code are returned.
    pub async fn recover_account(
        &self,
        login: &str,
        recovery_code: &str,
        new_password: &str,
        two_factor_code: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<SignedIn> {
        if self.config.password_login_disabled() {
            return Err(Error::forbidden(
                "password_login_disabled",
                "this server signs in only with SSO; recover your account at the identity provider",
            ));
        }
        validate::password("new_password", new_password)?;
        let user = self
            .db
            .acquire()
            .await?
            .conn()
            .user_by_login(login.trim())
            .await?;
        let claim = self
            .claim_attempt(lockout_key(login, user.as_ref()))
            .await?;
        let presented = secrets::sha256_hex(&secrets::normalize_code(recovery_code));
        let matches = user
            .as_ref()
            .and_then(|u| u.recovery_code_hash.as_deref())
            .is_some_and(|stored| {
                secrets::constant_time_eq(stored.as_bytes(), presented.as_bytes())
            });
        let failure = Error::unauthorized(
            "invalid_recovery_code",
            "the username or recovery code is not correct",
        );
        let user = self
            .verified_account(&claim, user, matches, "recovery.failed", failure, meta)
            .await?;
        if user.two_factor_enabled {
            // The recovery code replaces the password, not the second factor.
            self.check_second_factor(&claim, &user, two_factor_code, "two_factor_code", meta)
                .await?;
        }

        let password_hash = self.passwords.hash(new_password).await?;
        let code = secrets::recovery_code();
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.set_password_hash(user.id, &password_hash, now).await?;
        c.set_recovery_code_hash(
            user.id,
            &secrets::sha256_hex(&secrets::normalize_code(&code)),
            now,
        )
        .await?;
        let ended = c.delete_sessions_of_user(user.id, None).await?;
        c.clear_login_attempts(&claim.key).await?;
        let (session, refresh) = self.open_session(&mut c, user.id, meta, now).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(user.id, "account.recovered"),
        )
        .await?;
        let user = c.user(user.id).await?;
        tx.commit().await?;
        self.end_sessions(&ended);
        let tokens = self.token_pair(&session, refresh, now)?;
        Ok(SignedIn {
            user,
            tokens,
            recovery_code: Some(code),
        })
    }

    /// Deletes the caller's account after re-checking the password. The instance
    /// owner must hand ownership over first.
    pub async fn delete_account(
        &self,
        actor: &Actor,
        password: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        if actor.role() == InstanceRole::Owner {
            return Err(Error::conflict(
                "owner_cannot_delete",
                "the instance owner cannot delete their account; transfer ownership first",
            ));
        }
        self.check_password(actor, "password", password, meta)
            .await?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if c.count_owned_communities(actor.id()).await? > 0 {
            return Err(Error::conflict(
                "owns_communities",
                "you own communities: transfer or delete them before deleting your account",
            ));
        }
        let details = serde_json::json!({ "user_id": actor.id(), "username": actor.user.username });
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::anonymous("account.deleted").details(details),
        )
        .await?;
        c.delete_user(actor.id()).await?;
        tx.commit().await?;
        // Their messages lose their author and their reactions go.
        self.events.revisions.bump_all();
        self.events
            .hub
            .close_user(actor.id(), crate::events::CloseReason::SESSION_ENDED);
        Ok(())
    }
}
