//! Purges (ADM-8): removing messages for good, as background jobs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What a purge removes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PurgeKind {
    /// One message (`message_id`).
    Message,
    /// Every message of a person (`user_id`), in one community (`community_id`) or
    /// everywhere.
    User,
    /// Every message of a channel (`channel_id`); the channel stays.
    Channel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PurgeStatus {
    Queued,
    Running,
    Done,
    Failed,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPurgeRequest {
    pub kind: PurgeKind,
    #[serde(default)]
    pub message_id: Option<Uuid>,
    #[serde(default)]
    pub user_id: Option<Uuid>,
    #[serde(default)]
    pub channel_id: Option<Uuid>,
    /// With `user`: only their messages in this community.
    #[serde(default)]
    pub community_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PurgeJobView {
    pub id: Uuid,
    pub kind: PurgeKind,
    pub message_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub community_id: Option<Uuid>,
    pub status: PurgeStatus,
    /// Messages found when the job was made.
    pub total: i64,
    /// Messages removed so far (a thread's first message with others' replies stays
    /// as an empty placeholder and counts as removed).
    pub removed: i64,
    pub error: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PurgeListParams {
    /// Cursor: jobs older than this ID.
    pub before: Option<Uuid>,
    /// 1–200, newest first (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}
