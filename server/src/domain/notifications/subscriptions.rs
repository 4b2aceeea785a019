//! Push subscriptions: one per browser that asked, managed by its owner.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use super::queue::{PushPayload, Urgency};
use crate::api::{PushSubscriptionInput, PushSubscriptionView, PushUnsubscribeRequest};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, RequestMeta};
use crate::store::{self, PushSubscription};

const ENDPOINT_MAX: usize = 2048;
/// Browsers renew subscriptions now and then; the oldest beyond this go.
const SUBSCRIPTIONS_MAX: usize = 20;

fn push_disabled() -> Error {
    Error::not_found("push_disabled", "web push is not set up on this server")
}

fn decode_key(field: &'static str, raw: &str, len: usize) -> Result<()> {
    let bytes = crate::push::subscription_key(raw)
        .ok_or_else(|| Error::invalid(field, "is not base64url"))?;
    if bytes.len() != len || (len == 65 && bytes[0] != 0x04) {
        return Err(Error::invalid(
            field,
            format!("is not a {len}-byte key as browsers make them"),
        ));
    }
    Ok(())
}

fn view(s: &PushSubscription) -> PushSubscriptionView {
    PushSubscriptionView {
        id: s.id,
        service: url::Url::parse(&s.endpoint)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default(),
        user_agent: s.user_agent.clone(),
        created_at: s.created_at,
        last_success_at: s.last_success_at,
    }
}

impl Core {
    /// Whether web push is set up (both VAPID keys).
    pub fn push_enabled(&self) -> bool {
        self.pusher.is_some()
    }

    /// The key browsers subscribe with (`applicationServerKey`), base64url.
    pub fn vapid_public_key(&self) -> Option<String> {
        self.config
            .push
            .as_ref()
            .map(|keys| URL_SAFE_NO_PAD.encode(&keys.public_key))
    }

    pub async fn subscribe_push(
        &self,
        actor: &Actor,
        input: PushSubscriptionInput,
        meta: &RequestMeta,
    ) -> Result<PushSubscriptionView> {
        actor.require_person()?;
        if !self.push_enabled() {
            return Err(push_disabled());
        }
        self.check_endpoint(&input.endpoint)?;
        decode_key("keys.p256dh", &input.keys.p256dh, 65)?;
        decode_key("keys.auth", &input.keys.auth, 16)?;
        let subscription = PushSubscription {
            id: store::new_id(),
            user_id: actor.id(),
            endpoint: input.endpoint,
            p256dh: input.keys.p256dh,
            auth: input.keys.auth,
            user_agent: meta
                .user_agent
                .as_ref()
                .map(|ua| ua.chars().take(300).collect()),
            created_at: store::now(),
            last_success_at: None,
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.save_push_subscription(&subscription).await?;
        let all = c.push_subscriptions_of(actor.id()).await?;
        for old in all.iter().take(all.len().saturating_sub(SUBSCRIPTIONS_MAX)) {
            c.forget_push_subscription(old.id).await?;
        }
        tx.commit().await?;
        Ok(view(&subscription))
    }

    fn check_endpoint(&self, endpoint: &str) -> Result<()> {
        let bad = || Error::invalid("endpoint", "is not a push service address");
        if endpoint.len() > ENDPOINT_MAX {
            return Err(bad());
        }
        let url = url::Url::parse(endpoint).map_err(|_| bad())?;
        let scheme_ok = url.scheme() == "https"
            || (url.scheme() == "http" && self.config.tuning.push_http_endpoints);
        if !scheme_ok || url.host_str().is_none() || !url.username().is_empty() {
            return Err(bad());
        }
        Ok(())
    }

    pub async fn push_subscriptions(&self, actor: &Actor) -> Result<Vec<PushSubscriptionView>> {
        let mut conn = self.db.acquire().await?;
        let all = conn.conn().push_subscriptions_of(actor.id()).await?;
        Ok(all.iter().map(view).collect())
    }

    /// Removes the subscription of the browser asking (by its endpoint).
    pub async fn unsubscribe_push(
        &self,
        actor: &Actor,
        input: PushUnsubscribeRequest,
    ) -> Result<()> {
        let mut conn = self.db.acquire().await?;
        conn.conn()
            .delete_push_subscription(actor.id(), None, Some(&input.endpoint))
            .await?;
        Ok(())
    }

    pub async fn delete_push_subscription(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let mut conn = self.db.acquire().await?;
        let found = conn
            .conn()
            .delete_push_subscription(actor.id(), Some(id), None)
            .await?;
        if found {
            Ok(())
        } else {
            Err(Error::not_found(
                "subscription_not_found",
                "no such push subscription",
            ))
        }
    }

    /// Queues a test notification to each of the caller's devices.
    pub async fn test_push(&self, actor: &Actor) -> Result<()> {
        if !self.push_enabled() {
            return Err(push_disabled());
        }
        let payload = PushPayload {
            kind: "test",
            title: "Chatalot".to_owned(),
            body: "Notifications reach this device".to_owned(),
            url: "/settings/notifications".to_owned(),
            tag: "test".to_owned(),
            message_id: None,
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let queued = self
            .queue_push(&mut c, actor.id(), &payload, Urgency::Normal)
            .await?;
        tx.commit().await?;
        if queued == 0 {
            return Err(Error::not_found(
                "no_subscriptions",
                "no device of yours has turned on push notifications",
            ));
        }
        self.wake_push();
        Ok(())
    }
}
