//! Managed updates (ADM-9): instance administrators see the running version and,
//! with the Docker updater sidecar configured, the available versions, and apply one.
//! The sidecar does the work (backup, pull, recreate, rollback); this relays and audits.

use super::error::{Error, ErrorKind, Result};
use super::{Actor, Core, RequestMeta, validate};
use crate::api::{ApplyUpdateRequest, UpdaterState, UpdatesView};
use crate::integrations::updater::{UpdaterError, UpdaterStatus};
use crate::store::NewAuditEntry;

const VERSION_MAX: usize = 64;

fn view(status: Result<UpdaterStatus, UpdaterError>) -> UpdatesView {
    match status {
        Ok(s) => UpdatesView {
            feed_configured: s.feed_configured,
            checked_at: s.checked_at,
            check_error: s.check_error,
            available: s.available,
            job: s.job,
            ..without_updater(UpdaterState::Ready, None)
        },
        Err(e) => without_updater(UpdaterState::Unreachable, Some(e.to_string())),
    }
}

/// The running version alone (no answer from an updater to add).
fn without_updater(updater: UpdaterState, updater_error: Option<String>) -> UpdatesView {
    UpdatesView {
        running_version: env!("CARGO_PKG_VERSION").to_owned(),
        updater,
        updater_error,
        feed_configured: false,
        checked_at: None,
        check_error: None,
        available: Vec::new(),
        job: None,
    }
}

fn refused(e: UpdaterError) -> Error {
    match e {
        UpdaterError::Busy => Error::conflict("update_running", "an update is already running"),
        UpdaterError::UnknownVersion(message) => Error::not_found("unknown_version", message),
        other => Error::client(
            ErrorKind::Unavailable,
            "updater_unavailable",
            other.to_string(),
        ),
    }
}

impl Core {
    fn updater(&self) -> Result<&crate::integrations::updater::UpdaterClient> {
        self.updater.as_ref().ok_or_else(|| {
            Error::conflict(
                "updater_not_configured",
                "updates are managed by the Docker updater sidecar (the `updater` compose profile), which this server does not have",
            )
        })
    }

    /// The running version and, with the updater, what it offers and is doing.
    pub async fn updates(&self, actor: &Actor) -> Result<UpdatesView> {
        actor.require_admin()?;
        Ok(match &self.updater {
            None => without_updater(UpdaterState::NotConfigured, None),
            Some(updater) => view(updater.status().await),
        })
    }

    /// Asks the updater to look for new versions now.
    pub async fn check_updates(&self, actor: &Actor) -> Result<UpdatesView> {
        actor.require_admin()?;
        let status = self.updater()?.check().await.map_err(refused)?;
        Ok(view(Ok(status)))
    }

    /// Starts the update to one of the available versions; audited.
    pub async fn apply_update(
        &self,
        actor: &Actor,
        request: ApplyUpdateRequest,
        meta: &RequestMeta,
    ) -> Result<UpdatesView> {
        actor.require_admin()?;
        let version = request.version.trim();
        if version.is_empty() || version.chars().count() > VERSION_MAX {
            return Err(Error::invalid("version", "a version such as 1.2.3"));
        }
        validate::text("version", version)?;
        let updater = self.updater()?;
        updater.apply(version).await.map_err(refused)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "admin.update_applied").details(serde_json::json!({
                "from_version": env!("CARGO_PKG_VERSION"),
                "to_version": version,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(view(updater.status().await))
    }
}
