//! Attempt limits on every check of a secret (AUTH-5): login by username or email,
//! account recovery, and the password re-confirmations of a signed-in user.
//!
//! An attempt is claimed in the database *before* the secret is checked, in one
//! statement, so parallel guesses are all counted and none is checked once the key
//! is locked. The key is the account's username when the login names an account,
//! so username, email and re-confirmation share one counter; a name that matches no
//! account is counted under the name itself, and its answers look the same.

use chrono::Duration;
use uuid::Uuid;

use super::{Core, RequestMeta};
use crate::domain::error::{Error, Result};
use crate::store::{self, AttemptRule, NewAuditEntry, User, normalize_key};

/// One claimed attempt at a lockout key.
#[derive(Debug)]
pub(super) struct Claim {
    pub key: String,
    /// Attempts in the current window, this one included.
    attempts: i32,
    /// Whether this attempt started the lock.
    locks: bool,
}

/// The lockout key for a login as typed: the account's username when one matches.
pub(super) fn lockout_key(login: &str, account: Option<&User>) -> String {
    match account {
        Some(user) => normalize_key(&user.username),
        None => normalize_key(login.trim()),
    }
}

fn locked(wait_secs: i64) -> Error {
    Error::too_many(
        "too_many_attempts",
        "too many failed attempts; try again later",
        wait_secs.max(1) as u64,
    )
}

impl Core {
    /// Counts an attempt at `key` before its secret is checked; refuses (429) while
    /// the key is locked. The attempt that reaches the limit is still checked.
    pub(super) async fn claim_attempt(&self, key: String) -> Result<Claim> {
        let policy = self.config.tuning.lockout;
        let window = Duration::from_std(policy.window).unwrap_or(Duration::MAX);
        let lock_for = Duration::from_std(policy.lock_for).unwrap_or(Duration::MAX);
        let max_attempts = i32::try_from(policy.max_failures.max(1)).unwrap_or(i32::MAX);
        let now = store::now();
        let rule = AttemptRule {
            now,
            window_start: now.checked_sub_signed(window).unwrap_or(now),
            max_attempts,
            lock_until: now.checked_add_signed(lock_for).unwrap_or(now),
        };
        let counter = {
            let mut tx = self.db.begin().await?;
            let counter = tx.conn().claim_login_attempt(&key, &rule).await?;
            tx.commit().await?;
            counter
        };
        if let Some(until) = counter.locked_until.filter(|u| *u > now)
            && counter.failures > max_attempts
        {
            return Err(locked((until - now).num_seconds()));
        }
        Ok(Claim {
            key,
            attempts: counter.failures,
            locks: counter.failures == max_attempts,
        })
    }

    /// The secret of a claimed attempt did not match: the failure is audited
    /// (against the account, if one exists), with the lock it started.
    pub(super) async fn attempt_failed(
        &self,
        claim: &Claim,
        user_id: Option<Uuid>,
        action: &'static str,
        meta: &RequestMeta,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let details = serde_json::json!({ "login": claim.key, "failures": claim.attempts });
        let entry = NewAuditEntry::anonymous(action)
            .target(user_id)
            .details(details.clone());
        self.audit(&mut c, meta, entry).await?;
        if claim.locks {
            let entry = NewAuditEntry::anonymous("login.locked")
                .target(user_id)
                .details(details);
            self.audit(&mut c, meta, entry).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The account found for a claimed login if its credential matched and it is
    /// not suspended; otherwise the failure is recorded and `failure` returned.
    pub(super) async fn verified_account(
        &self,
        claim: &Claim,
        found: Option<User>,
        credential_ok: bool,
        failure_action: &'static str,
        failure: Error,
        meta: &RequestMeta,
    ) -> Result<User> {
        let target = found.as_ref().map(|u| u.id);
        let Some(user) = found.filter(|_| credential_ok) else {
            self.attempt_failed(claim, target, failure_action, meta)
                .await?;
            return Err(failure);
        };
        if user.suspended_at.is_some() {
            return Err(Error::forbidden(
                "account_suspended",
                "this account is suspended",
            ));
        }
        Ok(user)
    }
}
