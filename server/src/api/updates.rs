//! Managed updates (ADM-9): what the admin panel shows and sends.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether updates can be managed from the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UpdaterState {
    /// No updater sidecar is configured (`UPDATER_URL` unset): not a Docker
    /// deployment with the `updater` profile.
    NotConfigured,
    /// Configured but not answering (not started, or wrong token).
    Unreachable,
    Ready,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReleaseView {
    pub version: String,
    pub image: String,
    /// `sha256:…`: the image is pulled by this digest.
    pub digest: String,
    pub published_at: Option<String>,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UpdateStepView {
    pub at: String,
    /// backup, pull, stop, start, health, cleanup, rollback or restore.
    pub step: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UpdateJobView {
    pub id: u64,
    pub from_version: Option<String>,
    pub to_version: String,
    /// running, succeeded, rolled_back (the new version never became healthy; the
    /// previous one runs again on its restored database) or failed.
    pub state: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Where the backup taken before the update is, inside the data volume.
    pub backup: Option<String>,
    pub error: Option<String>,
    pub steps: Vec<UpdateStepView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UpdatesView {
    /// The version of this server.
    pub running_version: String,
    pub updater: UpdaterState,
    /// Why the updater could not be asked, when unreachable.
    pub updater_error: Option<String>,
    /// Whether the updater has a release feed (`UPDATE_FEED_URL`).
    pub feed_configured: bool,
    pub checked_at: Option<String>,
    pub check_error: Option<String>,
    /// Releases newer than the running one, newest first.
    pub available: Vec<ReleaseView>,
    /// The running or last update.
    pub job: Option<UpdateJobView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyUpdateRequest {
    /// One of the available versions.
    #[schema(min_length = 1, max_length = 64)]
    pub version: String,
}
