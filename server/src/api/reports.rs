//! Reports about messages and people (ADM-6).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    Message,
    User,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Open,
    Resolved,
    Dismissed,
}

/// What resolving a report did besides closing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    /// Nothing more (e.g. already handled).
    None,
    /// The reported message was deleted.
    Delete,
    /// The person was timed out in the community (`duration_secs`).
    Timeout,
    /// The person was banned from the community.
    Ban,
    /// The account was suspended (instance administrators only).
    Suspend,
}

/// Report a message (`message_id`) or a person (`user_id`, optionally where:
/// `community_id`). Exactly one of `message_id` and `user_id`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReportRequest {
    #[serde(default)]
    pub message_id: Option<Uuid>,
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// For a person: the community it is about, whose moderators then review it
    /// (both must be members). Without it, instance administrators review it.
    #[serde(default)]
    pub community_id: Option<Uuid>,
    /// 1–1000 characters.
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveReportRequest {
    pub action: ReportAction,
    /// For `timeout`: 60 seconds to 28 days.
    #[serde(default)]
    pub duration_secs: Option<u32>,
    /// Up to 500 characters; the reporter sees it.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DismissReportRequest {
    /// Up to 500 characters; the reporter sees it.
    #[serde(default)]
    pub note: Option<String>,
}

/// How a closed report ended.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportOutcome {
    /// Set when the report was resolved (not dismissed).
    pub action: Option<ReportAction>,
    pub note: Option<String>,
    /// Who closed it (reviewers only).
    pub resolved_by: Option<Uuid>,
    pub resolved_by_username: Option<String>,
    pub resolved_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportView {
    pub id: Uuid,
    pub kind: ReportKind,
    pub status: ReportStatus,
    pub reason: String,
    /// Reviewers only.
    pub reporter_id: Option<Uuid>,
    pub reporter_username: Option<String>,
    /// The person reported (a message's author).
    pub target_user_id: Option<Uuid>,
    pub target_username: Option<String>,
    pub target_display_name: Option<String>,
    pub community_id: Option<Uuid>,
    pub community_name: Option<String>,
    pub channel_id: Option<Uuid>,
    pub channel_name: Option<String>,
    pub message_id: Option<Uuid>,
    /// The message's text when it was reported.
    pub message_content: Option<String>,
    pub outcome: Option<ReportOutcome>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ReportListParams {
    /// Only reports in this state.
    #[param(inline)]
    pub status: Option<ReportStatus>,
    /// Only reports in this community (which the reviewer moderates).
    pub community_id: Option<Uuid>,
    /// Cursor: reports older than this ID.
    pub before: Option<Uuid>,
    /// 1–200, newest first (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MyReportsParams {
    /// Cursor: reports older than this ID.
    pub before: Option<Uuid>,
    /// 1–200, newest first (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}
