//! Instance-wide announcements (ADM-7).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnnouncementSeverity {
    Info,
    Warning,
    Critical,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAnnouncementRequest {
    /// 1–120 characters.
    pub title: String,
    /// Up to 2000 characters (plain text).
    #[serde(default)]
    pub body: String,
    pub severity: AnnouncementSeverity,
    /// When it stops showing (in the future); without it, until withdrawn.
    #[serde(default, deserialize_with = "super::optional_time")]
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnnouncementView {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    pub severity: AnnouncementSeverity,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// An announcement as administrators list it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AdminAnnouncementView {
    #[serde(flatten)]
    pub announcement: AnnouncementView,
    pub created_by: Option<Uuid>,
    pub created_by_username: Option<String>,
    /// How many people dismissed it.
    pub dismissals: i64,
    /// Still showing (not expired).
    pub active: bool,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementListParams {
    /// Cursor: announcements older than this ID.
    pub before: Option<Uuid>,
    /// 1–200, newest first (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}
