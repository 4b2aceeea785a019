//! Meetings on channels (MEET-1): series with recurrence, occurrences and RSVPs, and
//! the admin view of the email outbox (MEET-3).

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Daily,
    Weekly,
    Monthly,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mo,
    Tu,
    We,
    Th,
    Fr,
    Sa,
    Su,
}

/// How a meeting repeats. Weekly meetings fall on `weekdays` (the start's weekday
/// when empty); monthly ones on the start's day of the month. At most one of
/// `count` and `until`; neither means it repeats without end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Recurrence {
    pub frequency: Frequency,
    /// Every `interval` days, weeks or months (1–99).
    #[serde(default = "one")]
    #[schema(minimum = 1, maximum = 99, default = 1)]
    pub interval: u32,
    #[serde(default)]
    pub weekdays: Vec<Weekday>,
    /// How many occurrences in all (2–500).
    #[serde(default)]
    #[schema(minimum = 2, maximum = 500)]
    pub count: Option<u32>,
    /// The last day an occurrence may fall on, in the meeting's time zone.
    #[serde(default)]
    pub until: Option<NaiveDate>,
}

fn one() -> u32 {
    1
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMeetingRequest {
    /// 1–200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Shown in the app only: never in emails or calendar files. Up to 4,000 characters.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub description: String,
    /// The wall-clock start in `timezone`, e.g. `2026-12-10T09:00:00`.
    #[schema(value_type = String, example = "2026-12-10T09:00:00")]
    pub start: NaiveDateTime,
    /// An IANA time zone such as `Europe/Berlin`.
    pub timezone: String,
    /// 5 minutes to 24 hours.
    #[schema(minimum = 5, maximum = 1440)]
    pub duration_minutes: u32,
    /// How long before each occurrence attendees are reminded; 0 for no reminder
    /// (default 15, at most a week).
    #[serde(default = "default_reminder")]
    #[schema(minimum = 0, maximum = 10080, default = 15)]
    pub reminder_minutes: u32,
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

fn default_reminder() -> u32 {
    15
}

/// A change to a whole series; absent fields stay. `recurrence: null` makes it a
/// single meeting.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingChangesRequest {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    #[schema(value_type = Option<String>, example = "2026-12-10T09:00:00")]
    pub start: Option<NaiveDateTime>,
    pub timezone: Option<String>,
    #[schema(minimum = 5, maximum = 1440)]
    pub duration_minutes: Option<u32>,
    #[schema(minimum = 0, maximum = 10080)]
    pub reminder_minutes: Option<u32>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(nullable)]
    pub recurrence: Option<Option<Recurrence>>,
}

/// Moves one occurrence of a series (its start in the meeting's zone, its length).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OccurrenceChangeRequest {
    #[schema(value_type = Option<String>, example = "2026-12-10T10:00:00")]
    pub start: Option<NaiveDateTime>,
    #[schema(minimum = 5, maximum = 1440)]
    pub duration_minutes: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MeetingView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub created_by: Option<Uuid>,
    pub title: String,
    pub description: String,
    #[schema(value_type = String, example = "2026-12-10T09:00:00")]
    pub start: NaiveDateTime,
    pub timezone: String,
    pub duration_minutes: u32,
    pub reminder_minutes: u32,
    pub recurrence: Option<Recurrence>,
    /// The calendar SEQUENCE: 0 when scheduled, one more on every change.
    pub sequence: u32,
    pub cancelled: bool,
    /// A link to the meeting in the web client (`PUBLIC_URL`), when it is set.
    pub join_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpResponse {
    Going,
    Maybe,
    NotGoing,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RsvpCounts {
    pub going: u32,
    pub maybe: u32,
    pub not_going: u32,
}

/// One occurrence of a meeting. `occurrence` (its original start) names it in
/// paths, even after it was moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OccurrenceView {
    pub meeting_id: Uuid,
    pub occurrence: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub cancelled: bool,
    pub rsvps: RsvpCounts,
    pub my_rsvp: Option<RsvpResponse>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingRange {
    /// Occurrences not yet over, soonest first.
    #[default]
    Upcoming,
    /// Occurrences that have ended, latest first.
    Past,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MeetingListParams {
    #[serde(default)]
    #[param(inline)]
    pub range: MeetingRange,
    /// 1–100 occurrences (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
}

/// A channel's meetings: the occurrences asked for and the series they belong to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MeetingList {
    pub meetings: Vec<MeetingView>,
    pub occurrences: Vec<OccurrenceView>,
}

#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RsvpRequest {
    pub response: RsvpResponse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    Sent,
    Failed,
}

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxParams {
    /// Only mail in this state.
    #[param(inline)]
    pub status: Option<OutboxStatus>,
    /// 1–200 entries, newest first (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OutboxEntryView {
    pub id: Uuid,
    pub recipient: String,
    pub subject: String,
    /// `REQUEST` or `CANCEL` for a calendar invite.
    pub calendar_method: Option<String>,
    pub meeting_id: Option<Uuid>,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OutboxView {
    /// Whether outgoing email is configured (`SMTP_HOST` and `EMAIL_FROM`).
    pub enabled: bool,
    pub pending: u32,
    pub failed: u32,
    pub entries: Vec<OutboxEntryView>,
}
