//! The push queue: one row per device and notification, written in a transaction,
//! sent by a worker off the request path. A push service that is down delays pushes
//! (retries with exponential backoff until they expire), never loses them; one that
//! says a subscription is gone (404/410) loses the subscription.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use crate::domain::Core;
use crate::domain::error::Result;
use crate::push::{PushOutcome, Pusher, Target};
use crate::store::{self, Conn, DuePush, QueuedPush};

/// How long a push may wait for its device (also its TTL at the push service).
const PUSH_LIFETIME: chrono::Duration = chrono::Duration::hours(24);

/// What the service worker gets (`client-ui/src/lib/pwa/push-payload.ts`): who and
/// where, never the message.
#[derive(Debug, Clone, Serialize)]
pub struct PushPayload {
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub url: String,
    pub tag: String,
    pub message_id: Option<Uuid>,
}

#[derive(Debug, Clone, Copy)]
pub enum Urgency {
    Normal,
    High,
}

/// Wakes the push worker, and counts the jobs it expanded and the attempts it
/// finished (tests wait on these instead of sleeping).
#[derive(Clone)]
pub struct PushWake {
    notify: Arc<Notify>,
    pub(crate) jobs: watch::Sender<u64>,
    attempts: watch::Sender<u64>,
}

impl Default for PushWake {
    fn default() -> Self {
        PushWake {
            notify: Arc::default(),
            jobs: watch::Sender::new(0),
            attempts: watch::Sender::new(0),
        }
    }
}

impl Core {
    pub(crate) fn wake_push(&self) {
        self.push_wake.notify.notify_one();
    }

    /// Notification jobs expanded so far.
    pub fn push_jobs_done(&self) -> watch::Receiver<u64> {
        self.push_wake.jobs.subscribe()
    }

    /// Push attempts finished so far (delivered, failed or gone).
    pub fn push_attempts(&self) -> watch::Receiver<u64> {
        self.push_wake.attempts.subscribe()
    }

    /// The payloads of the pushes waiting in the queue.
    pub async fn queued_pushes(&self) -> Result<Vec<String>> {
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .queued_push_payloads()
            .await?)
    }

    /// Queues `payload` for each of the user's devices inside the caller's
    /// transaction; returns how many. Wake the worker after the commit.
    pub(crate) async fn queue_push(
        &self,
        c: &mut Conn<'_>,
        user_id: Uuid,
        payload: &PushPayload,
        urgency: Urgency,
    ) -> Result<usize> {
        let subscriptions = c.push_subscriptions_of(user_id).await?;
        let mut body = serde_json::to_value(payload).map_err(anyhow::Error::from)?;
        body["v"] = 1.into();
        let body = body.to_string();
        let now = store::now();
        for subscription in &subscriptions {
            c.insert_push(&QueuedPush {
                id: store::new_id(),
                subscription_id: subscription.id,
                payload: body.clone(),
                urgency: match urgency {
                    Urgency::High => "high",
                    Urgency::Normal => "normal",
                }
                .to_owned(),
                attempts: 0,
                next_attempt_at: now,
                expires_at: now + PUSH_LIFETIME,
                last_error: None,
                created_at: now,
            })
            .await?;
        }
        Ok(subscriptions.len())
    }

    /// Expands waiting jobs and sends what is due; returns when the next push is due.
    pub async fn push_pass(&self, pusher: &Pusher) -> Result<Option<DateTime<Utc>>> {
        while self.expand_notification_jobs().await? {}
        loop {
            let due = self
                .db
                .acquire()
                .await?
                .conn()
                .due_pushes(store::now(), 50)
                .await?;
            if due.is_empty() {
                break;
            }
            for push in &due {
                self.send_push(pusher, push).await?;
                self.push_wake.attempts.send_modify(|n| *n += 1);
            }
        }
        Ok(self.db.acquire().await?.conn().next_push_attempt().await?)
    }

    async fn send_push(&self, pusher: &Pusher, due: &DuePush) -> Result<()> {
        let now = store::now();
        let push = &due.push;
        let target = Target {
            endpoint: &due.endpoint,
            p256dh: &due.p256dh,
            auth: &due.auth,
        };
        let ttl = (push.expires_at - now)
            .num_seconds()
            .clamp(0, i64::from(u32::MAX));
        let outcome = if push.expires_at <= now {
            PushOutcome::Rejected("expired before a push service took it".to_owned())
        } else {
            pusher
                .send(&target, push.payload.as_bytes(), ttl as u32, &push.urgency)
                .await
        };
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        match outcome {
            PushOutcome::Delivered => {
                c.push_delivered(push.id, push.subscription_id, now).await?;
            }
            PushOutcome::Gone => {
                tracing::info!(subscription = %push.subscription_id, "push subscription gone; removed");
                c.forget_push_subscription(push.subscription_id).await?;
            }
            PushOutcome::Rejected(reason) => {
                tracing::warn!(id = %push.id, %reason, "push dropped");
                c.push_attempt_failed(push.id, &reason, None).await?;
            }
            PushOutcome::Failed(reason) => {
                let retry_at = now
                    + crate::domain::workers::backoff(
                        self.config.tuning.push_retry_base,
                        push.attempts + 1,
                    );
                let retry_at = (retry_at < push.expires_at).then_some(retry_at);
                tracing::warn!(id = %push.id, attempts = push.attempts + 1, %reason, given_up = retry_at.is_none(), "push not sent");
                c.push_attempt_failed(push.id, &reason, retry_at).await?;
            }
        }
        Ok(())
    }

    /// The worker: expands notification jobs, sends due pushes, then sleeps until the
    /// next is due, something is queued, or a minute passes. Does nothing without
    /// VAPID keys.
    pub async fn run_push(&self, stop: watch::Receiver<bool>) {
        let Some(pusher) = self.pusher.clone() else {
            return;
        };
        crate::domain::workers::run_passes("push queue", &self.push_wake.notify, stop, || {
            self.push_pass(&pusher)
        })
        .await;
    }
}
