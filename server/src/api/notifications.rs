//! Notification settings (levels, mutes, keywords, do-not-disturb, sounds) and web
//! push subscriptions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// How much of a channel notifies: every message, mentions (and replies to you and
/// your keywords) only, or nothing at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotificationLevel {
    All,
    Mentions,
    Nothing,
}

/// The caller's settings for one community or channel (DMs are channels). Absent
/// scopes use the defaults: DMs notify for every message, community channels for
/// mentions; a channel without its own level takes its community's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ScopeNotificationView {
    /// The community or channel.
    pub id: Uuid,
    /// `null`: inherit (the community's level, then the default).
    pub level: Option<NotificationLevel>,
    /// Muted (no notification, no unread highlight) until this time.
    pub muted_until: Option<DateTime<Utc>>,
    /// `@everyone` and `@here` do not notify or count as mentions here.
    pub suppress_everyone: bool,
}

/// Everything about how the caller is notified.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationSettingsView {
    /// Words that notify like a mention (whole words, case-insensitive).
    pub keywords: Vec<String>,
    /// Play a sound for notifying messages in the web client.
    pub sounds: bool,
    /// Show browser (desktop) notifications while the app is in the background.
    pub desktop: bool,
    /// Do not disturb: nothing notifies (and no push) until this time.
    pub dnd_until: Option<DateTime<Utc>>,
    pub communities: Vec<ScopeNotificationView>,
    pub channels: Vec<ScopeNotificationView>,
}

/// A partial update of the caller's notification settings; absent fields are kept.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateNotificationSettings {
    /// At most 25 keywords of 2–64 characters, without control characters.
    #[serde(default)]
    pub keywords: Option<Vec<String>>,
    #[serde(default)]
    pub sounds: Option<bool>,
    #[serde(default)]
    pub desktop: Option<bool>,
    /// `null` ends do-not-disturb.
    #[serde(
        default,
        deserialize_with = "super::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<DateTime<Utc>>)]
    pub dnd_until: Option<Option<DateTime<Utc>>>,
}

/// The caller's settings for one community or channel; all defaults (level `null`,
/// not muted, not suppressing `@everyone`) removes them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeNotificationInput {
    #[serde(default)]
    pub level: Option<NotificationLevel>,
    #[serde(default)]
    pub muted_until: Option<DateTime<Utc>>,
    #[serde(default)]
    pub suppress_everyone: bool,
}

/// A browser's push subscription (`PushSubscription.toJSON()`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PushSubscriptionInput {
    /// The push service URL (https).
    pub endpoint: String,
    pub keys: PushSubscriptionKeys,
    /// Ignored (browsers send it).
    #[serde(default, rename = "expirationTime", skip_serializing)]
    #[schema(value_type = Option<i64>)]
    pub expiration_time: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushSubscriptionKeys {
    /// The browser's P-256 public key, base64url (65 bytes uncompressed).
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url.
    pub auth: String,
}

/// One device that receives pushes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PushSubscriptionView {
    pub id: Uuid,
    /// The push service's host (e.g. `fcm.googleapis.com`), to tell devices apart.
    pub service: String,
    /// The browser's description of itself when it subscribed.
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_success_at: Option<DateTime<Utc>>,
}

/// Removes the subscription of this browser (after `PushSubscription.unsubscribe()`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushUnsubscribeRequest {
    pub endpoint: String,
}
