//! Bot accounts and incoming webhooks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A bot account: acts through its token, with at most its owner's rights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BotView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub owner_id: Uuid,
    pub owner_username: String,
    pub avatar_file_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBotRequest {
    /// 3–32 of `a-z A-Z 0-9 _ . -`, unique among all accounts.
    pub username: String,
    /// 1–64 characters.
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBotRequest {
    pub display_name: String,
}

/// A bot and its API token, shown only here (send it as `Authorization: Bearer …`
/// to the REST API, and in the WebSocket's `authenticate` frame).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BotWithToken {
    pub bot: BotView,
    pub token: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddCommunityBotRequest {
    pub bot_id: Uuid,
}

/// An incoming webhook of a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WebhookView {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub name: String,
    /// The account its messages are authored by (a bot).
    pub user_id: Uuid,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// 1–64 characters: the name its messages show.
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookRequest {
    pub name: String,
}

/// A webhook and its secret posting URL, shown only here.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookWithUrl {
    pub webhook: WebhookView,
    pub token: String,
    /// `POST` JSON `{"content": "…"}` here (`/api/hooks/{id}/{token}` on this server).
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookPostRequest {
    /// The message, 1–4000 characters (markdown like any message).
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookPosted {
    /// The message's ID.
    pub id: Uuid,
}

/// One GIF: a small preview for the picker and the one to post (Giphy's CDN).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GifView {
    pub id: String,
    pub title: String,
    pub url: String,
    pub preview_url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GifPageView {
    pub gifs: Vec<GifView>,
    /// Pass as `offset` for more; absent at the end.
    pub next_offset: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GifSearchParams {
    /// What to search for (1–100 characters); absent or blank: trending.
    pub q: Option<String>,
    /// 1–50, default 24.
    pub limit: Option<u32>,
    /// 0–4999.
    pub offset: Option<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    /// `bug`, `idea` or `other`.
    #[schema(pattern = r"^(bug|idea|other)$")]
    pub category: String,
    /// 1–4000 characters.
    pub message: String,
    /// The app path the person was on (up to 200 characters).
    #[serde(default)]
    pub page: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FeedbackView {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    pub username: Option<String>,
    pub category: String,
    pub message: String,
    pub page: Option<String>,
    pub user_agent: Option<String>,
    /// The GitHub issue it became, when GitHub is configured and filing worked.
    pub github_issue_url: Option<String>,
    /// Why filing on GitHub failed (the feedback is kept here either way).
    pub github_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedbackListParams {
    /// Cursor: feedback older than this ID.
    pub before: Option<Uuid>,
    /// 1–200, default 50.
    pub limit: Option<u32>,
}
