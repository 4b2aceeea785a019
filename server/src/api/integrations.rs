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
