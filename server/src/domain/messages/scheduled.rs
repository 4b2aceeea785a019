//! Scheduled messages (MSG-4): up to 30 days ahead, 50 pending per user, posted by
//! a background task that reads them from the database, so they survive restarts.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;
use uuid::Uuid;

use super::{NewMessage, content};
use crate::api::ScheduledView;
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core};
use crate::store::{self, ScheduledMessage};

pub const MAX_PENDING_PER_USER: i64 = 50;
pub const MAX_DAYS_AHEAD: i64 = 30;

/// Wakes the scheduler when a new message is scheduled.
#[derive(Clone, Default)]
pub struct SchedulerWake(pub(crate) Arc<Notify>);

impl Core {
    pub async fn schedule_message(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        text: &str,
        send_at: DateTime<Utc>,
    ) -> Result<ScheduledView> {
        self.check_send_rate(actor.id())?;
        let text = content::expand_slash_command(text);
        content::check(&text, false)?;
        let now = store::now();
        if send_at <= now || send_at > now + chrono::Duration::days(MAX_DAYS_AHEAD) {
            return Err(Error::invalid(
                "send_at",
                format!("schedule between now and {MAX_DAYS_AHEAD} days ahead"),
            ));
        }
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        access.require_post(now)?;
        if c.count_pending_scheduled(actor.id()).await? >= MAX_PENDING_PER_USER {
            return Err(Error::conflict(
                "schedule_limit",
                format!("at most {MAX_PENDING_PER_USER} scheduled messages"),
            ));
        }
        let scheduled = ScheduledMessage {
            id: store::new_id(),
            user_id: actor.id(),
            channel_id,
            content: text,
            send_at: send_at.trunc_subsecs_micros(),
            failed_reason: None,
            created_at: now,
        };
        c.insert_scheduled(&scheduled).await?;
        tx.commit().await?;
        self.scheduler.0.notify_one();
        Ok(scheduled.into())
    }

    pub async fn scheduled_messages(&self, actor: &Actor) -> Result<Vec<ScheduledView>> {
        let list = self
            .db
            .acquire()
            .await?
            .conn()
            .scheduled_of_user(actor.id())
            .await?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    pub async fn cancel_scheduled(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let mut tx = self.db.begin().await?;
        if !tx.conn().delete_scheduled(actor.id(), id).await? {
            return Err(Error::not_found(
                "scheduled_not_found",
                "no such scheduled message",
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Posts every due message; returns when the next one is due (if any).
    pub async fn deliver_due(&self) -> Result<Option<DateTime<Utc>>> {
        loop {
            let due = self
                .db
                .acquire()
                .await?
                .conn()
                .due_scheduled(store::now(), 50)
                .await?;
            if due.is_empty() {
                break;
            }
            for item in due {
                self.deliver_one(item).await?;
            }
        }
        Ok(self.db.acquire().await?.conn().next_scheduled_at().await?)
    }

    /// Posts one scheduled message as its author, with today's permissions. A
    /// refusal (access lost, channel archived) is kept as the reason; a server fault
    /// leaves it for the next round.
    async fn deliver_one(&self, item: ScheduledMessage) -> Result<()> {
        let user = self
            .db
            .acquire()
            .await?
            .conn()
            .user_by_id(item.user_id)
            .await?;
        let outcome = match user.filter(|u| u.suspended_at.is_none()) {
            None => Err(Error::forbidden(
                "account_suspended",
                "the author's account is suspended",
            )),
            Some(user) => {
                // Not a session of the user: the scheduler acts for them.
                let actor = Actor {
                    user,
                    session_id: Uuid::nil(),
                    signed_in_at: chrono::DateTime::UNIX_EPOCH,
                };
                let input = NewMessage {
                    content: item.content.clone(),
                    reply_to_id: None,
                    thread_id: None,
                    ..Default::default()
                };
                self.post_message(&actor, item.channel_id, input)
                    .await
                    .map(|_| ())
            }
        };
        let mut tx = self.db.begin().await?;
        match outcome {
            Ok(()) => tx.conn().remove_scheduled(item.id).await?,
            Err(Error::Client { message, .. }) => {
                tx.conn().fail_scheduled(item.id, &message).await?
            }
            Err(err @ Error::Internal(_)) => return Err(err),
        }
        tx.commit().await?;
        Ok(())
    }

    /// The scheduler: posts due messages, then sleeps until the next is due, a new
    /// one is scheduled, or a minute passes. Stops when `stop` changes.
    pub async fn run_scheduler(&self, stop: tokio::sync::watch::Receiver<bool>) {
        crate::domain::workers::run_passes("scheduled delivery", &self.scheduler.0, stop, || {
            self.deliver_due()
        })
        .await;
    }
}

trait TruncMicros {
    fn trunc_subsecs_micros(self) -> Self;
}

impl TruncMicros for DateTime<Utc> {
    fn trunc_subsecs_micros(self) -> Self {
        chrono::SubsecRound::trunc_subsecs(self, 6)
    }
}

impl From<ScheduledMessage> for ScheduledView {
    fn from(m: ScheduledMessage) -> Self {
        ScheduledView {
            id: m.id,
            channel_id: m.channel_id,
            content: m.content,
            send_at: m.send_at,
            failed_reason: m.failed_reason,
            created_at: m.created_at,
        }
    }
}
