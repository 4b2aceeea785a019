//! Failed-attempt lockout per login name (AUTH-5). Counted for every name tried,
//! real or not, so a lockout answer never tells whether an account exists.

use chrono::Duration;

use super::{Core, RequestMeta};
use crate::error::{Error, Result};
use crate::store::{self, LoginAttempts, NewAuditEntry, User};

impl Core {
    /// Refuses while the name is locked.
    pub(super) async fn check_not_locked(&self, key: &str) -> Result<()> {
        let now = store::now();
        let attempts = self.db.acquire().await?.conn().login_attempts(key).await?;
        if let Some(until) = attempts
            .and_then(|a| a.locked_until)
            .filter(|until| *until > now)
        {
            let wait = (until - now).num_seconds().max(1) as u64;
            return Err(Error::too_many(
                "too_many_attempts",
                "too many failed attempts; try again later",
                wait,
            ));
        }
        Ok(())
    }

    /// The account found for `key` if its credential matched and it is not
    /// suspended. Otherwise the failure is counted against `key` (and audited against
    /// the account, if one exists) and `failure` is returned.
    pub(super) async fn verified_account(
        &self,
        key: &str,
        found: Option<User>,
        credential_ok: bool,
        failure_action: &'static str,
        failure: Error,
        meta: &RequestMeta,
    ) -> Result<User> {
        let target = found.as_ref().map(|u| u.id);
        let Some(user) = found.filter(|_| credential_ok) else {
            self.record_failed_attempt(key, target, failure_action, meta)
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

    /// Counts a failure; the one that reaches the limit starts the lock.
    pub(super) async fn record_failed_attempt(
        &self,
        key: &str,
        user_id: Option<uuid::Uuid>,
        action: &'static str,
        meta: &RequestMeta,
    ) -> Result<()> {
        let policy = self.config.tuning.lockout;
        let window = Duration::from_std(policy.window).unwrap_or(Duration::MAX);
        let lock_for = Duration::from_std(policy.lock_for).unwrap_or(Duration::MAX);
        let now = store::now();

        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let mut attempts = match c.login_attempts(key).await? {
            Some(a)
                if a.first_failure_at + window > now && a.locked_until.is_none_or(|u| u <= now) =>
            {
                a
            }
            _ => LoginAttempts {
                username_key: key.to_owned(),
                failures: 0,
                first_failure_at: now,
                locked_until: None,
            },
        };
        attempts.failures += 1;
        let locks_now = attempts.failures as u32 >= policy.max_failures;
        if locks_now {
            attempts.locked_until = Some(now + lock_for);
        }
        c.save_login_attempts(&attempts).await?;

        let details = serde_json::json!({ "login": key, "failures": attempts.failures });
        let entry = NewAuditEntry::anonymous(action)
            .target(user_id)
            .details(details.clone());
        self.audit(&mut c, meta, entry).await?;
        if locks_now {
            let entry = NewAuditEntry::anonymous("login.locked")
                .target(user_id)
                .details(details);
            self.audit(&mut c, meta, entry).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
