use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuthorView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    /// The avatar's file: `/api/files/{id}` (or `/thumbnail` for small sizes).
    pub avatar_file_id: Option<Uuid>,
    /// A bot account or a webhook, not a person.
    #[serde(default)]
    pub bot: bool,
}

/// One emoji on a message: how many reacted and who (the first 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReactionSummary {
    pub emoji: String,
    pub count: usize,
    pub user_ids: Vec<Uuid>,
}

/// A message as clients show it. Deleted messages keep their place with empty content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MessageView {
    pub id: Uuid,
    pub channel_id: Uuid,
    /// `None` once the author's account is deleted.
    pub author: Option<AuthorView>,
    /// Markdown as sent; clients render it safely.
    pub content: String,
    pub reply_to_id: Option<Uuid>,
    /// The thread root, for thread replies.
    pub thread_id: Option<Uuid>,
    pub thread_reply_count: i32,
    pub thread_last_reply_at: Option<DateTime<Utc>>,
    /// `{message_id, channel_id, author_id, author_name, created_at}` of the original.
    pub forwarded_from: Option<serde_json::Value>,
    /// Users mentioned with `@username`.
    pub mentions: Vec<Uuid>,
    /// `@everyone` or `@channel`.
    pub mentions_everyone: bool,
    /// `@here`: it reached the channel's readers who were online when it was sent.
    #[serde(default)]
    pub mentions_here: bool,
    /// Who wrote the message this one replies to (`null` when it is gone or not a
    /// reply).
    #[serde(default)]
    pub reply_to_author_id: Option<Uuid>,
    pub reactions: Vec<ReactionSummary>,
    /// Files sent with the message (none once it is deleted).
    #[serde(default)]
    pub attachments: Vec<crate::api::FileView>,
    /// The poll shown by this message (`GET /api/polls/{id}`).
    pub poll_id: Option<Uuid>,
    pub pinned: bool,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    /// Hidden by a moderator (absent when not). Members get it without its content,
    /// files, poll or reactions; the community's moderators and the instance's
    /// staff get it whole.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub quarantined: bool,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendMessageRequest {
    /// Up to 4000 characters, not blank; empty only with attachments. `/shrug`,
    /// `/tableflip`, `/unflip`, `/me` are expanded.
    #[schema(
        max_length = 4000,
        pattern = r"^([^\u0000-\u0008\u000B-\u001F\u007F]*[^\s\u0000-\u001F\u007F][^\u0000-\u0008\u000B-\u001F\u007F]*)?$"
    )]
    #[serde(default)]
    pub content: String,
    /// Files uploaded by the sender (`POST /api/files`) and not sent yet; at most 10.
    #[serde(default)]
    #[schema(max_items = 10)]
    pub attachment_ids: Vec<Uuid>,
    #[serde(default)]
    pub reply_to_id: Option<Uuid>,
    /// Posts into this thread (the root message's ID).
    #[serde(default)]
    pub thread_id: Option<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditMessageRequest {
    /// 1–4000 characters, not blank.
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*[^\s\u0000-\u001F\u007F][^\u0000-\u0008\u000B-\u001F\u007F]*$"
    )]
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardRequest {
    /// Where to forward to (a channel the caller may post in).
    pub channel_id: Uuid,
    /// An optional note shown with the forwarded message (up to 4000 characters).
    #[serde(default)]
    #[schema(max_length = 4000, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryParams {
    /// Messages older than this ID.
    pub before: Option<Uuid>,
    /// Messages newer than this ID (catching up after a reconnect).
    pub after: Option<Uuid>,
    /// Messages around this ID (jump to message): half before, the message, half after.
    pub around: Option<Uuid>,
    /// 1–100, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ThreadParams {
    /// Replies newer than this ID.
    pub after: Option<Uuid>,
    /// 1–100, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct EditsParams {
    /// Versions after this edit ID (the last one of the previous page).
    pub after: Option<Uuid>,
    /// 1–100, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MessageEditView {
    pub id: Uuid,
    /// The content before this edit.
    pub content: String,
    pub edited_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleRequest {
    /// As for a normal message; slash commands are expanded now.
    #[schema(
        min_length = 1,
        max_length = 4000,
        pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*[^\s\u0000-\u001F\u007F][^\u0000-\u0008\u000B-\u001F\u007F]*$"
    )]
    pub content: String,
    /// When to post: in the future, at most 30 days ahead.
    pub send_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScheduledView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub content: String,
    pub send_at: DateTime<Utc>,
    /// Why it could not be posted (e.g. the author lost access); `null` while pending.
    pub failed_reason: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookmarkRequest {
    /// A private note (up to 500 characters).
    #[serde(default)]
    #[schema(max_length = 500, pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*$")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BookmarkView {
    pub message: MessageView,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// One page of the caller's bookmarks, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BookmarkPage {
    /// Bookmarks of messages the caller can still read (a page may hold fewer than
    /// `limit`, or none, when some can no longer be read).
    pub bookmarks: Vec<BookmarkView>,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BookmarkListParams {
    /// The `next_cursor` of the previous page.
    #[param(
        pattern = r"^[0-9]{1,16}_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    )]
    pub cursor: Option<String>,
    /// 1–100, default 50.
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePollRequest {
    /// 1–300 characters, one line, without text-direction controls.
    #[schema(
        min_length = 1,
        max_length = 300,
        pattern = r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"
    )]
    pub question: String,
    /// 2–10 options of 1–100 characters, one line each.
    #[schema(schema_with = poll_options_schema)]
    pub options: Vec<String>,
    #[serde(default)]
    pub multi_select: bool,
    /// Show counts only, not who voted.
    #[serde(default)]
    pub anonymous: bool,
    /// 1 minute to 30 days; open until closed when absent.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 43200)]
    pub expires_in_minutes: Option<u32>,
}

/// 2–10 options of 1–100 characters, one line each, without text-direction controls.
fn poll_options_schema() -> utoipa::openapi::Array {
    use utoipa::openapi::{ArrayBuilder, ObjectBuilder, Type};
    let option = ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(100))
        .pattern(Some(r"^[^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*[^\s\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069][^\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]*$"));
    ArrayBuilder::new()
        .items(option)
        .min_items(Some(2))
        .max_items(Some(10))
        .description(Some("2–10 options of 1–100 characters, one line each."))
        .build()
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// Option indexes (one unless the poll is multi-select), each once; empty withdraws.
    #[schema(max_items = 10)]
    pub options: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PollOptionView {
    pub label: String,
    pub votes: usize,
    /// Who voted for it (empty for anonymous polls).
    pub voters: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PollView {
    pub id: Uuid,
    pub message_id: Uuid,
    pub channel_id: Uuid,
    pub question: String,
    pub options: Vec<PollOptionView>,
    pub multi_select: bool,
    pub anonymous: bool,
    pub expires_at: Option<DateTime<Utc>>,
    pub closed: bool,
    pub total_voters: usize,
    /// The caller's choices (empty in live events).
    pub my_votes: Vec<u32>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// Words to find, 1–200 characters, not blank (web-search syntax on PostgreSQL:
    /// quotes, `or`, `-word`).
    #[param(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\u0000-\u0008\u000B-\u001F\u007F]*[^\s\u0000-\u001F\u007F][^\u0000-\u0008\u000B-\u001F\u007F]*$"
    )]
    pub q: String,
    pub channel_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    /// Sent at or after.
    #[serde(default, deserialize_with = "super::optional_time")]
    pub since: Option<DateTime<Utc>>,
    /// Sent before.
    #[serde(default, deserialize_with = "super::optional_time")]
    pub until: Option<DateTime<Utc>>,
    pub has_file: Option<bool>,
    /// 1–50, default 25.
    pub limit: Option<u32>,
    /// Skip this many results (at most 1000).
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SearchResult {
    pub message: MessageView,
    /// An excerpt of the content around the matches, as plain text.
    pub snippet: String,
    /// `[start, end)` character ranges of the matches within `snippet`.
    pub highlights: Vec<[usize; 2]>,
    /// Higher is better.
    pub rank: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkReadRequest {
    pub message_id: Uuid,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnreadView {
    pub channel_id: Uuid,
    /// The channel's community and group (absent for direct messages), so a client
    /// can total the counts per community without loading every channel list.
    pub community_id: Option<Uuid>,
    pub group_id: Option<Uuid>,
    pub last_read_id: Option<Uuid>,
    pub last_message_id: Option<Uuid>,
    /// Capped at 1000.
    pub unread_count: i64,
    pub mention_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDmRequest {
    /// The other participants (1 for a direct message, up to 9 for a group DM).
    #[schema(min_items = 1, max_items = 9)]
    pub user_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DmView {
    pub channel_id: Uuid,
    /// `dm` or `group_dm`.
    pub kind: String,
    pub members: Vec<AuthorView>,
    pub created_at: DateTime<Utc>,
}

/// Presence states a user may choose; `offline` is what others see of an absent or
/// invisible user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PresenceStatus {
    Online,
    Idle,
    Dnd,
    Invisible,
    Offline,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPresenceRequest {
    /// `online`, `idle`, `dnd` or `invisible`.
    #[schema(value_type = ChosenPresence)]
    pub status: PresenceStatus,
}

/// The presence states a user may choose (`offline` is only what others see).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChosenPresence {
    Online,
    Idle,
    Dnd,
    Invisible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PresenceView {
    pub user_id: Uuid,
    pub status: PresenceStatus,
}
