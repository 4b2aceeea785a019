//! Incoming webhooks (INT-4): a channel's secret URL that posts messages as the
//! webhook's own bot account. Whoever may edit the channel manages its webhooks;
//! a post needs only the URL, and each webhook is rate limited.

use sqlx::types::Json;
use uuid::Uuid;

use super::error::{Error, Result};
use super::messages::MessageTicket;
use super::rate::UserRate;
use super::{Actor, Core, RequestMeta, validate};
use crate::api::{WebhookPosted, WebhookView, WebhookWithUrl};
use crate::auth::secrets;
use crate::store::{self, Conn, Message, NewAuditEntry, NewUser, Webhook};

/// Webhooks one channel may have.
const WEBHOOKS_PER_CHANNEL: i64 = 10;
const NAME_MAX: usize = 64;

fn webhook_not_found() -> Error {
    Error::not_found("webhook_not_found", "no such webhook")
}

/// The same answer for an unknown webhook and a wrong or revoked token.
fn invalid_token() -> Error {
    Error::unauthorized(
        "invalid_webhook_token",
        "this webhook URL is not valid (revoked or mistyped)",
    )
}

/// Posts per webhook: one a second on average, bursts of ten.
pub(crate) fn post_rate() -> UserRate {
    UserRate::per_second(crate::config::RateLimit {
        per_second: 1,
        burst: 10,
    })
}

impl From<Webhook> for WebhookView {
    fn from(w: Webhook) -> Self {
        WebhookView {
            id: w.id,
            channel_id: w.channel_id,
            name: w.name,
            user_id: w.user_id,
            created_by: w.created_by,
            created_at: w.created_at,
            last_used_at: w.last_used_at,
        }
    }
}

impl Core {
    pub async fn channel_webhooks(
        &self,
        actor: &Actor,
        channel_id: Uuid,
    ) -> Result<Vec<WebhookView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        self.require_webhook_manager(&mut c, actor, channel_id)
            .await?;
        let hooks = c.channel_webhooks(channel_id).await?;
        Ok(hooks.into_iter().map(WebhookView::from).collect())
    }

    pub async fn create_webhook(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        name: &str,
        meta: &RequestMeta,
    ) -> Result<WebhookWithUrl> {
        let name = validate::name("name", name, NAME_MAX)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        self.require_webhook_manager(&mut c, actor, channel_id)
            .await?;
        if c.count_channel_webhooks(channel_id).await? >= WEBHOOKS_PER_CHANNEL {
            return Err(Error::conflict(
                "webhook_limit",
                format!("a channel has at most {WEBHOOKS_PER_CHANNEL} webhooks"),
            ));
        }
        let now = store::now();
        let (id, user_id) = (store::new_id(), store::new_id());
        // The account its messages are authored by: a bot that never signs in.
        let username = format!("webhook-{}", user_id.simple());
        c.insert_user(&NewUser {
            id: user_id,
            username: &username,
            display_name: &name,
            email: None,
            password_hash: None,
            recovery_code_hash: None,
            instance_role: "user",
            now,
        })
        .await?;
        c.mark_bot(user_id, "webhook", actor.id()).await?;
        let token = secrets::random_token();
        let webhook = Webhook {
            id,
            channel_id,
            user_id,
            name,
            token_hash: secrets::sha256_hex(&token),
            created_by: Some(actor.id()),
            created_at: now,
            last_used_at: None,
        };
        c.insert_webhook(&webhook).await?;
        self.audit_webhook(&mut c, actor, meta, "webhook.created", &webhook)
            .await?;
        tx.commit().await?;
        Ok(self.with_url(webhook, token))
    }

    pub async fn rename_webhook(
        &self,
        actor: &Actor,
        id: Uuid,
        name: &str,
        meta: &RequestMeta,
    ) -> Result<WebhookView> {
        let name = validate::name("name", name, NAME_MAX)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let mut webhook = self.managed_webhook(&mut c, actor, id).await?;
        webhook.name = name;
        c.update_webhook(&webhook).await?;
        c.set_display_name(webhook.user_id, &webhook.name, store::now())
            .await?;
        self.audit_webhook(&mut c, actor, meta, "webhook.renamed", &webhook)
            .await?;
        tx.commit().await?;
        self.events.revisions.bump_all();
        Ok(webhook.into())
    }

    /// A new URL; the old one stops working at once.
    pub async fn rotate_webhook(
        &self,
        actor: &Actor,
        id: Uuid,
        meta: &RequestMeta,
    ) -> Result<WebhookWithUrl> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let mut webhook = self.managed_webhook(&mut c, actor, id).await?;
        let token = secrets::random_token();
        webhook.token_hash = secrets::sha256_hex(&token);
        c.update_webhook(&webhook).await?;
        self.audit_webhook(&mut c, actor, meta, "webhook.token_rotated", &webhook)
            .await?;
        tx.commit().await?;
        Ok(self.with_url(webhook, token))
    }

    /// Revokes a webhook; what it posted stays.
    pub async fn delete_webhook(&self, actor: &Actor, id: Uuid, meta: &RequestMeta) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let webhook = self.managed_webhook(&mut c, actor, id).await?;
        c.delete_webhook(id).await?;
        self.audit_webhook(&mut c, actor, meta, "webhook.deleted", &webhook)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Posts a message through a webhook URL; the channel sees it live.
    pub async fn post_webhook(
        &self,
        id: Uuid,
        token: &str,
        content: &str,
    ) -> Result<WebhookPosted> {
        let text = content.to_owned();
        super::messages::content::check(&text, false)?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let mut webhook = c.webhook(id).await?.ok_or_else(invalid_token)?;
        let given = secrets::sha256_hex(token);
        if !secrets::constant_time_eq(given.as_bytes(), webhook.token_hash.as_bytes()) {
            return Err(invalid_token());
        }
        self.webhook_posts
            .check(id, "this webhook is posting too fast")?;
        let channel = c
            .channel(webhook.channel_id)
            .await?
            .ok_or_else(webhook_not_found)?;
        if channel.archived {
            return Err(Error::forbidden(
                "channel_archived",
                "this channel is archived",
            ));
        }
        let now = store::now();
        let ticket = MessageTicket::take(self, channel.id);
        let message = Message {
            id: ticket.id(),
            channel_id: channel.id,
            author_id: Some(webhook.user_id),
            content: text,
            reply_to_id: None,
            thread_id: None,
            thread_reply_count: 0,
            thread_last_reply_at: None,
            forwarded_from: None,
            // Webhooks notify nobody by name: mentions need a member's rights.
            mentions: Json(Vec::new()),
            mentions_everyone: false,
            mentions_here: false,
            has_file: false,
            edited_at: None,
            deleted_at: None,
            created_at: now,
            quarantined_at: None,
            quarantined_by: None,
        };
        c.insert_message(&message).await?;
        self.queue_notification_job(&mut c, message.id).await?;
        webhook.last_used_at = Some(now);
        c.update_webhook(&webhook).await?;
        let view = self.load_view(&mut c, message.id).await?;
        tx.commit().await?;
        ticket.publish(view, None).await;
        Ok(WebhookPosted { id: message.id })
    }

    async fn require_webhook_manager(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        channel_id: Uuid,
    ) -> Result<()> {
        actor.require_person()?;
        let access = self.channel_access(c, actor, channel_id).await?;
        access.in_group()?.require_manage()
    }

    pub(crate) async fn managed_webhook(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Webhook> {
        let webhook = c.webhook(id).await?.ok_or_else(webhook_not_found)?;
        self.require_webhook_manager(c, actor, webhook.channel_id)
            .await
            .map_err(|e| match e.code() {
                "channel_not_found" => webhook_not_found(),
                _ => e,
            })?;
        Ok(webhook)
    }

    async fn audit_webhook(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        meta: &RequestMeta,
        action: &'static str,
        webhook: &Webhook,
    ) -> Result<()> {
        let channel = c.channel(webhook.channel_id).await?;
        let mut entry = NewAuditEntry::by(actor.id(), action).details(serde_json::json!({
            "webhook_id": webhook.id,
            "name": webhook.name,
            "channel_id": webhook.channel_id,
        }));
        if let Some(community) = channel.and_then(|ch| ch.community_id) {
            entry = entry.community(community);
        }
        self.audit(c, meta, entry).await
    }

    fn with_url(&self, webhook: Webhook, token: String) -> WebhookWithUrl {
        let base = self
            .config
            .public_url
            .as_deref()
            .unwrap_or("")
            .trim_end_matches('/');
        WebhookWithUrl {
            url: format!("{base}/api/hooks/{}/{token}", webhook.id),
            webhook: webhook.into(),
            token,
        }
    }
}
