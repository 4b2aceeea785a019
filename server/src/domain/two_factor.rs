//! Two-factor authentication with TOTP and backup codes (AUTH-6): setup, enabling
//! with a first code, the second step of signing in, turning it off, new backup
//! codes, and an administrator's reset. Every check of a code is counted on the
//! account's lockout key, like its password.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::lockout::{Claim, lockout_key};
use super::{Actor, Core, RequestMeta, SignedIn};
use crate::auth::{secrets, totp};
use crate::domain::error::{Error, Result};
use crate::store::{self, Conn, NewAuditEntry, TicketKind, User};

/// Single-use backup codes per account.
pub const BACKUP_CODE_COUNT: usize = 10;
/// How long the second step of signing in may take.
pub const CHALLENGE_TTL: Duration = Duration::minutes(5);

/// The result of a first factor (password or SSO).
#[derive(Debug)]
pub enum SignIn {
    Done(Box<SignedIn>),
    /// A TOTP or backup code is due with this ticket.
    TwoFactor {
        challenge_token: String,
        expires_at: DateTime<Utc>,
    },
}

/// A secret being set up, for the account to add to an authenticator app.
#[derive(Debug)]
pub struct TotpSetup {
    pub secret_base32: String,
    pub otpauth_uri: String,
    pub qr_svg: String,
}

#[derive(Debug)]
pub struct TwoFactorState {
    pub enabled_at: Option<DateTime<Utc>>,
    pub backup_codes_remaining: u32,
}

/// Which second factor a code was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Factor {
    Totp,
    BackupCode,
}

fn invalid_code() -> Error {
    Error::unauthorized(
        "invalid_code",
        "the code is not correct or was already used",
    )
    .on_field("code")
}

fn unreadable_secret(user_id: Uuid) -> Error {
    tracing::error!(
        %user_id,
        "a TOTP secret does not decrypt: TOTP_ENCRYPTION_KEY differs from the key it was stored with"
    );
    Error::client(
        crate::domain::error::ErrorKind::Unavailable,
        "two_factor_unavailable",
        "two-factor codes cannot be checked: the server's TOTP key has changed; \
         an administrator can reset your two-factor authentication",
    )
}

fn new_backup_codes() -> (Vec<String>, Vec<Vec<u8>>) {
    (0..BACKUP_CODE_COUNT)
        .map(|_| {
            let raw = secrets::random_code(10);
            let shown = format!("{}-{}", &raw[..5], &raw[5..]);
            (shown, secrets::sha256(&raw))
        })
        .unzip()
}

impl Core {
    pub async fn two_factor_status(&self, actor: &Actor) -> Result<TwoFactorState> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let enabled_at = c.totp_secret(actor.id()).await?.and_then(|s| s.enabled_at);
        let remaining = if enabled_at.is_some() {
            c.unused_backup_codes(actor.id()).await?
        } else {
            0
        };
        Ok(TwoFactorState {
            enabled_at,
            backup_codes_remaining: u32::try_from(remaining).unwrap_or(0),
        })
    }

    /// Makes a new secret (replacing one not yet enabled). Accounts with a
    /// password confirm it first.
    pub async fn begin_two_factor_setup(
        &self,
        actor: &Actor,
        password: Option<&str>,
        meta: &RequestMeta,
    ) -> Result<TotpSetup> {
        if actor.user.two_factor_enabled {
            return Err(already_enabled());
        }
        self.check_password(actor, "password", password.unwrap_or(""), meta)
            .await?;
        let secret = totp::new_secret();
        let sealed = totp::seal(
            self.config.totp_encryption_key.expose(),
            actor.id(),
            &secret,
        );
        let stored = self
            .db
            .acquire()
            .await?
            .conn()
            .put_pending_totp_secret(actor.id(), &sealed, store::now())
            .await?;
        if !stored {
            return Err(already_enabled());
        }
        let otpauth_uri = totp::otpauth_uri(&secret, &actor.user.username);
        let qr_svg = totp::qr_svg(&otpauth_uri).map_err(Error::Internal)?;
        Ok(TotpSetup {
            secret_base32: totp::base32(&secret),
            otpauth_uri,
            qr_svg,
        })
    }

    /// Turns 2FA on with a first code of the pending secret; returns the backup
    /// codes, shown this once.
    pub async fn enable_two_factor(
        &self,
        actor: &Actor,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<Vec<String>> {
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let pending = c.totp_secret(actor.id()).await?;
        let Some(pending) = pending.filter(|s| s.enabled_at.is_none()) else {
            return Err(if actor.user.two_factor_enabled {
                already_enabled()
            } else {
                Error::conflict("two_factor_setup_required", "start two-factor setup first")
            });
        };
        let secret = totp::open(
            self.config.totp_encryption_key.expose(),
            actor.id(),
            &pending.secret_enc,
        )
        .map_err(|_| unreadable_secret(actor.id()))?;
        let Some(step) = totp::matching_step(&secret, code, now.timestamp()) else {
            return Err(invalid_code());
        };
        if !c.spend_totp_step(actor.id(), step).await? || !c.enable_totp(actor.id(), now).await? {
            return Err(invalid_code());
        }
        let (codes, hashes) = new_backup_codes();
        c.replace_backup_codes(actor.id(), &hashes).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "two_factor.enabled"),
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// Turns 2FA off: the password (if the account has one) and a current code or
    /// backup code.
    pub async fn disable_two_factor(
        &self,
        actor: &Actor,
        password: Option<&str>,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        self.confirm_with_second_factor(actor, password, code, meta)
            .await?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.delete_two_factor(actor.id()).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "two_factor.disabled"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the backup codes (password and a code again); the new ones are
    /// returned this once.
    pub async fn regenerate_backup_codes(
        &self,
        actor: &Actor,
        password: Option<&str>,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<Vec<String>> {
        self.confirm_with_second_factor(actor, password, code, meta)
            .await?;
        let (codes, hashes) = new_backup_codes();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.replace_backup_codes(actor.id(), &hashes).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "two_factor.backup_codes_regenerated"),
        )
        .await?;
        tx.commit().await?;
        Ok(codes)
    }

    /// An administrator removes a user's 2FA (a lost phone and lost backup codes).
    pub async fn admin_reset_two_factor(
        &self,
        actor: &Actor,
        user_id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        super::admin_users::manageable(&mut c, actor, user_id).await?;
        if !c.delete_two_factor(user_id).await? {
            return Err(Error::conflict(
                "two_factor_not_enabled",
                "this account does not use two-factor authentication",
            ));
        }
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "two_factor.reset").target(Some(user_id)),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// After a first factor: a session, or a ticket for the second step when the
    /// account has 2FA. The attempt counter is cleared only when signing in is done,
    /// so a known password does not reset the count of guessed codes.
    pub(super) async fn finish_first_factor(
        &self,
        user: User,
        lockout_key: &str,
        method: &'static str,
        meta: &RequestMeta,
    ) -> Result<SignIn> {
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if user.two_factor_enabled {
            let token = secrets::random_token();
            let expires_at = now + CHALLENGE_TTL;
            c.insert_sign_in_ticket(
                &secrets::sha256(&token),
                user.id,
                TicketKind::TwoFactor,
                now,
                expires_at,
            )
            .await?;
            tx.commit().await?;
            return Ok(SignIn::TwoFactor {
                challenge_token: token,
                expires_at,
            });
        }
        c.clear_login_attempts(lockout_key).await?;
        let signed_in = self
            .sign_in_now(&mut c, user, method, None, meta, now)
            .await?;
        tx.commit().await?;
        Ok(SignIn::Done(Box::new(signed_in.into_signed_in(self, now)?)))
    }

    /// The second step of signing in: a TOTP code or a backup code for a ticket.
    pub async fn login_two_factor(
        &self,
        challenge_token: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<SignedIn> {
        let ticket = secrets::sha256(challenge_token.trim());
        let expired = || {
            Error::unauthorized(
                "challenge_expired",
                "this sign-in has expired; enter your password again",
            )
        };
        let user = {
            let mut conn = self.db.acquire().await?;
            let mut c = conn.conn();
            let Some(user_id) = c
                .sign_in_ticket_user(&ticket, TicketKind::TwoFactor, store::now())
                .await?
            else {
                return Err(expired());
            };
            c.user_by_id(user_id).await?.ok_or_else(expired)?
        };
        let claim = self
            .claim_attempt(lockout_key(&user.username, Some(&user)))
            .await?;
        let factor = self
            .check_second_factor(&claim, &user, Some(code), "code", meta)
            .await?;
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if c.spend_sign_in_ticket(&ticket, TicketKind::TwoFactor, now)
            .await?
            .is_none()
        {
            return Err(expired());
        }
        if user.suspended_at.is_some() {
            return Err(Error::forbidden(
                "account_suspended",
                "this account is suspended",
            ));
        }
        c.clear_login_attempts(&claim.key).await?;
        let signed_in = self
            .sign_in_now(&mut c, user, "two_factor", Some(factor), meta, now)
            .await?;
        tx.commit().await?;
        signed_in.into_signed_in(self, now)
    }

    /// Checks and spends the second factor of a claimed attempt; a wrong or
    /// missing code is a failed attempt, reported on the request's `field`.
    pub(super) async fn check_second_factor(
        &self,
        claim: &Claim,
        user: &User,
        code: Option<&str>,
        field: &'static str,
        meta: &RequestMeta,
    ) -> Result<Factor> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let factor = match code {
            Some(code) => {
                self.spend_second_factor(&mut c, user, code, store::now())
                    .await?
            }
            None => None,
        };
        let Some(factor) = factor else {
            drop(tx);
            self.attempt_failed(claim, Some(user.id), "two_factor.failed", meta)
                .await?;
            return Err(match code {
                Some(_) => invalid_code(),
                None => Error::unauthorized(
                    "two_factor_required",
                    "this account uses two-factor authentication: enter a code",
                ),
            }
            .on_field(field));
        };
        if factor == Factor::BackupCode {
            self.audit(
                &mut c,
                meta,
                NewAuditEntry::by(user.id, "two_factor.backup_code_used"),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(factor)
    }

    /// Checks a code against the account's TOTP secret or its unused backup codes
    /// and spends it; `None` when it matches neither.
    async fn spend_second_factor(
        &self,
        c: &mut Conn<'_>,
        user: &User,
        code: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Factor>> {
        let Some(stored) = c
            .totp_secret(user.id)
            .await?
            .filter(|s| s.enabled_at.is_some())
        else {
            return Ok(None);
        };
        let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == totp::DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
            let secret = totp::open(
                self.config.totp_encryption_key.expose(),
                user.id,
                &stored.secret_enc,
            )
            .map_err(|_| unreadable_secret(user.id))?;
            let spent = match totp::matching_step(&secret, &digits, now.timestamp()) {
                Some(step) => c.spend_totp_step(user.id, step).await?,
                None => false,
            };
            return Ok(spent.then_some(Factor::Totp));
        }
        let normalized = secrets::normalize_code(code);
        if normalized.is_empty() || normalized.len() > 32 {
            return Ok(None);
        }
        let spent = c
            .spend_backup_code(user.id, &secrets::sha256(&normalized), now)
            .await?;
        Ok(spent.then_some(Factor::BackupCode))
    }

    /// Re-confirms a signed-in user with 2FA: password (if they have one), then a
    /// code, both counted on the account's lockout key.
    async fn confirm_with_second_factor(
        &self,
        actor: &Actor,
        password: Option<&str>,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        if !actor.user.two_factor_enabled {
            return Err(Error::conflict(
                "two_factor_not_enabled",
                "two-factor authentication is not on",
            ));
        }
        self.check_password(actor, "password", password.unwrap_or(""), meta)
            .await?;
        let claim = self
            .claim_attempt(lockout_key(&actor.user.username, Some(&actor.user)))
            .await?;
        self.check_second_factor(&claim, &actor.user, Some(code), "code", meta)
            .await?;
        self.db
            .acquire()
            .await?
            .conn()
            .clear_login_attempts(&claim.key)
            .await?;
        Ok(())
    }

    /// Opens a session inside the caller's transaction and audits the sign-in.
    async fn sign_in_now(
        &self,
        c: &mut Conn<'_>,
        user: User,
        method: &'static str,
        factor: Option<Factor>,
        meta: &RequestMeta,
        now: DateTime<Utc>,
    ) -> Result<PendingSignIn> {
        let (session, refresh) = self.open_session(c, user.id, meta, now).await?;
        let details = serde_json::json!({
            "method": method,
            "second_factor": factor.map(|f| match f {
                Factor::Totp => "totp",
                Factor::BackupCode => "backup_code",
            }),
        });
        self.audit(
            c,
            meta,
            NewAuditEntry::by(user.id, "login.succeeded").details(details),
        )
        .await?;
        Ok(PendingSignIn {
            user,
            session,
            refresh,
        })
    }
}

/// A session opened in a transaction not yet committed; its access token is signed
/// after the commit.
pub(super) struct PendingSignIn {
    user: User,
    session: store::Session,
    refresh: String,
}

impl PendingSignIn {
    fn into_signed_in(self, core: &Core, now: DateTime<Utc>) -> Result<SignedIn> {
        Ok(SignedIn {
            tokens: core.token_pair(&self.session, self.refresh, now)?,
            user: self.user,
            recovery_code: None,
        })
    }
}

fn already_enabled() -> Error {
    Error::conflict(
        "two_factor_already_enabled",
        "two-factor authentication is already on; turn it off first to set it up again",
    )
}
