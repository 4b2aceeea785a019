//! Single sign-on accounts (AUTH-8): an authorization request remembered
//! server-side (single use, ten minutes), the callback that finds the account
//! linked to the provider's subject or provisions one under the registration
//! rules, and the one-time ticket the client trades for a session.

use chrono::Duration;
use uuid::Uuid;

use super::community::InviteJoin;
use super::lockout::lockout_key;
use super::two_factor::SignIn;
use super::{Actor, Core, InstanceRole, RequestMeta, validate};
use crate::auth::oidc::{Identity, OidcError};
use crate::auth::secrets;
use crate::domain::error::{Error, ErrorKind, Result};
use crate::store::{self, Conn, NewAuditEntry, NewUser, OidcLogin, TicketKind, User};

/// How long the person may spend at the provider.
pub const AUTHORIZATION_TTL: Duration = Duration::minutes(10);
/// How long the client has to trade the callback's ticket.
pub const TICKET_TTL: Duration = Duration::minutes(2);

/// What the provider sent back to the callback.
#[derive(Debug, Default)]
pub struct SsoCallback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// `error` of an authorization error response (e.g. `access_denied`).
    pub error: Option<String>,
    pub error_description: Option<String>,
}

fn sso_disabled() -> Error {
    Error::not_found(
        "sso_disabled",
        "single sign-on is not configured on this server",
    )
}

fn sso_error(error: OidcError) -> Error {
    match error {
        OidcError::Unavailable => Error::client(
            ErrorKind::Unavailable,
            "sso_unavailable",
            "the identity provider cannot be reached right now; try again in a minute",
        ),
        other => {
            tracing::warn!(error = %other, "single sign-on failed");
            Error::unauthorized(
                "sso_failed",
                "the identity provider's answer could not be verified; start signing in again",
            )
        }
    }
}

/// Usernames to try for a new account: `preferred_username`, then the email's
/// local part, made to fit the username rules.
fn username_bases(identity: &Identity) -> Vec<String> {
    let local_part = identity
        .email
        .as_deref()
        .and_then(|e| e.split('@').next())
        .map(str::to_owned);
    [identity.preferred_username.clone(), local_part]
        .into_iter()
        .flatten()
        .map(|raw| {
            let kept: String = raw
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                .skip_while(|c| !c.is_ascii_alphanumeric())
                .take(validate::USERNAME_MAX)
                .collect();
            kept
        })
        .filter(|name| validate::username(name).is_ok())
        .chain(["user".to_owned()])
        .collect()
}

impl Core {
    pub fn sso_enabled(&self) -> bool {
        self.sso.enabled()
    }

    pub fn sso_available(&self) -> bool {
        self.sso.available()
    }

    /// Starts signing in at the provider; returns where to send the browser.
    pub async fn start_sso(&self, invite_code: Option<&str>) -> Result<url::Url> {
        if !self.sso.enabled() {
            return Err(sso_disabled());
        }
        let start = self.sso.start().map_err(sso_error)?;
        let invite_code = invite_code
            .map(secrets::normalize_code)
            .filter(|c| !c.is_empty());
        let now = store::now();
        let login = OidcLogin {
            nonce: start.nonce,
            pkce_verifier: start.pkce_verifier,
            invite_code,
        };
        self.db
            .acquire()
            .await?
            .conn()
            .insert_oidc_login(
                &secrets::sha256(&start.state),
                &login,
                now,
                now + AUTHORIZATION_TTL,
            )
            .await?;
        Ok(start.url)
    }

    /// The provider's answer: finds or provisions the account and returns a
    /// one-time ticket for the client.
    pub async fn finish_sso(&self, callback: SsoCallback, meta: &RequestMeta) -> Result<String> {
        if !self.sso.enabled() {
            return Err(sso_disabled());
        }
        let now = store::now();
        let login = match callback.state.as_deref() {
            Some(state) => {
                self.db
                    .acquire()
                    .await?
                    .conn()
                    .take_oidc_login(&secrets::sha256(state), now)
                    .await?
            }
            None => None,
        };
        let Some(login) = login else {
            tracing::warn!("SSO callback with an unknown, used or expired state");
            return Err(Error::bad_request(
                "sso_state_invalid",
                "this sign-in has expired or was already used; start signing in again",
            ));
        };
        if let Some(error) = callback.error {
            tracing::info!(%error, description = ?callback.error_description,
                "the identity provider refused the sign-in");
            return Err(Error::forbidden(
                "sso_denied",
                "the identity provider did not sign you in (cancelled or refused)",
            ));
        }
        let code = callback.code.ok_or_else(|| {
            Error::bad_request(
                "sso_failed",
                "the identity provider sent no authorization code",
            )
        })?;
        let identity = self
            .sso
            .finish(&code, &login.pkce_verifier, &login.nonce)
            .await
            .map_err(sso_error)?;

        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let linked = c
            .oidc_identity_user(&identity.issuer, &identity.subject)
            .await?;
        let mut joined = None;
        let user_id = match linked {
            Some(user_id) => {
                let entry = NewAuditEntry::by(user_id, "sso.login")
                    .details(serde_json::json!({ "subject": identity.subject }));
                self.audit(&mut c, meta, entry).await?;
                user_id
            }
            None => match self.claim_precreated(&mut c, &identity, meta).await? {
                Some(user_id) => user_id,
                None => {
                    let (user_id, join) = self
                        .provision_sso_account(
                            &mut c,
                            &identity,
                            login.invite_code.as_deref(),
                            meta,
                        )
                        .await?;
                    joined = join;
                    user_id
                }
            },
        };
        let ticket = secrets::random_token();
        c.insert_sign_in_ticket(
            &secrets::sha256(&ticket),
            user_id,
            TicketKind::Sso,
            now,
            now + TICKET_TTL,
        )
        .await?;
        tx.commit().await?;
        if let Some(join) = joined {
            self.announce_join(join).await?;
        }
        Ok(ticket)
    }

    /// An account an administrator created for this person, found by the email
    /// the provider vouches for (verified only); linked to the subject, once.
    async fn claim_precreated(
        &self,
        c: &mut Conn<'_>,
        identity: &Identity,
        meta: &RequestMeta,
    ) -> Result<Option<Uuid>> {
        let Some(email) = identity
            .email
            .as_deref()
            .filter(|_| identity.email_verified)
        else {
            return Ok(None);
        };
        let Some(user_id) = c.take_sso_invitation(email).await? else {
            return Ok(None);
        };
        if !c
            .link_oidc_identity(&identity.issuer, &identity.subject, user_id, store::now())
            .await?
        {
            return Err(store::StoreError::Conflict.into());
        }
        let details = serde_json::json!({ "subject": identity.subject, "precreated": true });
        self.audit(
            c,
            meta,
            NewAuditEntry::by(user_id, "sso.provisioned").details(details),
        )
        .await?;
        Ok(Some(user_id))
    }

    /// An administrator creates an account for someone who will sign in with SSO:
    /// their first SSO sign-in with this email (verified by the provider) claims it,
    /// whatever the registration mode.
    pub async fn create_sso_user(
        &self,
        actor: &Actor,
        username: &str,
        email: &str,
        display_name: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<User> {
        actor.require_admin()?;
        if !self.sso.enabled() {
            return Err(Error::conflict(
                "sso_disabled",
                "single sign-on is not configured on this server",
            ));
        }
        let username = validate::username(username)?;
        let email = validate::email(email)?;
        let display_name = match display_name.map(str::trim).filter(|d| !d.is_empty()) {
            Some(name) => validate::display_name(name)?,
            None => username.clone(),
        };
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        super::accounts::check_free(&mut c, &username, Some(&email)).await?;
        let id = store::new_id();
        c.insert_user(&NewUser {
            id,
            username: &username,
            display_name: &display_name,
            email: Some(&email),
            password_hash: None,
            recovery_code_hash: None,
            instance_role: InstanceRole::User.as_str(),
            now,
        })
        .await?;
        c.insert_sso_invitation(id, &email, actor.id(), now).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "admin.sso_user_created").target(Some(id)),
        )
        .await?;
        let user = c.user(id).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// A first-time SSO user: the registration mode applies (an invite code may
    /// have come through the flow); the username comes from the claims with a
    /// numeric suffix when taken; a verified email is kept when no one has it.
    async fn provision_sso_account(
        &self,
        c: &mut Conn<'_>,
        identity: &Identity,
        invite_code: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<(Uuid, Option<InviteJoin>)> {
        let now = store::now();
        let admission = self
            .admit_registration(c, invite_code, now, true)
            .await
            .map_err(|e| match e.code() {
                "invite_required" => Error::forbidden(
                    "invite_required",
                    "this server is invite-only: open your invite link, then sign in with SSO from there",
                ),
                _ => e,
            })?;
        let is_setup = admission.setup;
        let mut username = None;
        for base in username_bases(identity) {
            let candidate = c.free_username(&base, validate::USERNAME_MAX).await?;
            if validate::username(&candidate).is_ok() {
                username = Some(candidate);
                break;
            }
        }
        let username = username.ok_or(store::StoreError::Conflict)?;
        let email = match identity.email.as_deref().map(validate::email) {
            Some(Ok(email)) if identity.email_verified && !c.email_taken(&email, None).await? => {
                Some(email)
            }
            _ => None,
        };
        let display_name = identity
            .name
            .as_deref()
            .and_then(|n| validate::display_name(n).ok())
            .unwrap_or_else(|| username.clone());
        let id = store::new_id();
        c.insert_user(&NewUser {
            id,
            username: &username,
            display_name: &display_name,
            email: email.as_deref(),
            password_hash: None,
            recovery_code_hash: None,
            instance_role: InstanceRole::User.as_str(),
            now,
        })
        .await?;
        let role = self.initial_role(c, id, &username, is_setup, now).await?;
        if role != InstanceRole::User {
            c.set_instance_role(id, role.as_str(), now).await?;
        }
        if !c
            .link_oidc_identity(&identity.issuer, &identity.subject, id, now)
            .await?
        {
            // A parallel first sign-in of the same person won; this one rolls back.
            return Err(store::StoreError::Conflict.into());
        }
        let details = serde_json::json!({
            "username": username,
            "role": role.as_str(),
            "subject": identity.subject,
            "setup_code": is_setup,
        });
        self.audit(
            c,
            meta,
            NewAuditEntry::by(id, "sso.provisioned").details(details),
        )
        .await?;
        let joined = self.join_invited(c, &admission, id, meta).await?;
        Ok((id, joined))
    }

    /// Trades the callback's ticket for a session (or a 2FA challenge). Lockout
    /// applies as to a password login.
    pub async fn exchange_sso_ticket(&self, ticket: &str, meta: &RequestMeta) -> Result<SignIn> {
        let invalid = || {
            Error::unauthorized(
                "sso_ticket_invalid",
                "this sign-in ticket has expired or was already used; sign in again",
            )
        };
        let user: User = {
            let mut conn = self.db.acquire().await?;
            let mut c = conn.conn();
            let user_id = c
                .spend_sign_in_ticket(
                    &secrets::sha256(ticket.trim()),
                    TicketKind::Sso,
                    store::now(),
                )
                .await?
                .ok_or_else(invalid)?;
            c.user_by_id(user_id).await?.ok_or_else(invalid)?
        };
        let claim = self
            .claim_attempt(lockout_key(&user.username, Some(&user)))
            .await?;
        if user.suspended_at.is_some() {
            return Err(Error::forbidden(
                "account_suspended",
                "this account is suspended",
            ));
        }
        self.finish_first_factor(user, &claim.key, "sso", meta)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(preferred: Option<&str>, email: Option<&str>) -> Identity {
        Identity {
            issuer: "http://issuer".into(),
            subject: "s".into(),
            preferred_username: preferred.map(Into::into),
            email: email.map(Into::into),
            email_verified: true,
            name: None,
        }
    }

    #[test]
    fn usernames_come_from_the_claims_and_fit_the_rules() {
        assert_eq!(
            username_bases(&identity(Some("alice"), Some("alex@x.org"))),
            ["alice", "alex", "user"]
        );
        assert_eq!(
            username_bases(&identity(Some("al"), Some("al@x.org"))),
            ["user"],
            "too short for a username"
        );
        assert_eq!(
            username_bases(&identity(Some("_Jo Smith!"), None)),
            ["JoSmith", "user"]
        );
        assert_eq!(
            username_bases(&identity(Some("é"), Some("bob.k@x.org"))),
            ["bob.k", "user"]
        );
        let long = "a".repeat(40);
        assert_eq!(
            username_bases(&identity(Some(&long), None))[0].len(),
            validate::USERNAME_MAX
        );
    }
}
