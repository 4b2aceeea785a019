//! The email outbox (MEET-4): mail is a row written in the transaction of the change
//! that causes it, and a worker hands it to the relay. A relay that is down or
//! refuses delays mail (retries with exponential backoff), never loses it, and
//! never slows the API. One recipient's mail goes out in the order it was written.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use super::{Actor, Core, RequestMeta};
use crate::api::{OutboxEntryView, OutboxParams, OutboxStatus, OutboxView};
use crate::domain::error::{Error, Result};
use crate::mail::{Email, Mailer};
use crate::store::{self, Conn, NewAuditEntry, OutboxEmail};

/// Attempts before mail is given up (an administrator can retry it).
pub const MAX_ATTEMPTS: i32 = 12;

/// Wakes the outbox worker when mail was queued or retried, and counts the
/// attempts it finished (whoever watches the outbox learns of each one).
#[derive(Clone)]
pub struct OutboxWake(pub(crate) Arc<Notify>, watch::Sender<u64>);

impl Default for OutboxWake {
    fn default() -> Self {
        OutboxWake(Arc::default(), watch::Sender::new(0))
    }
}

/// Mail to queue.
pub struct QueuedEmail {
    pub recipient: String,
    pub recipient_name: String,
    pub subject: String,
    pub text: String,
    /// An iCalendar file and its METHOD.
    pub calendar: Option<(String, &'static str)>,
    pub meeting_id: Option<Uuid>,
}

impl Core {
    /// Whether outgoing email is configured.
    pub fn email_enabled(&self) -> bool {
        self.mailer.is_some()
    }

    /// Queues mail inside the caller's transaction; call [`Core::wake_outbox`] after
    /// the commit. Does nothing when email is not configured.
    pub(crate) async fn queue_email(&self, c: &mut Conn<'_>, mail: QueuedEmail) -> Result<()> {
        if !self.email_enabled() {
            return Ok(());
        }
        let now = store::now();
        let (calendar, calendar_method) = match mail.calendar {
            Some((ics, method)) => (Some(ics), Some(method.to_owned())),
            None => (None, None),
        };
        c.insert_outbox_email(&OutboxEmail {
            id: store::new_id(),
            recipient: mail.recipient,
            recipient_name: mail.recipient_name,
            subject: mail.subject,
            body_text: mail.text,
            calendar,
            calendar_method,
            meeting_id: mail.meeting_id,
            status: "pending".to_owned(),
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            created_at: now,
            sent_at: None,
        })
        .await?;
        Ok(())
    }

    pub(crate) fn wake_outbox(&self) {
        self.outbox_wake.0.notify_one();
    }

    /// Sends what is due; returns when the next pending mail is due.
    pub async fn send_due_email(&self, mailer: &Mailer) -> Result<Option<DateTime<Utc>>> {
        loop {
            let due = self
                .db
                .acquire()
                .await?
                .conn()
                .due_outbox(store::now(), 20)
                .await?;
            if due.is_empty() {
                break;
            }
            let mut sent_any = false;
            for mail in due {
                sent_any |= self.send_one(mailer, &mail).await?;
            }
            if !sent_any {
                break;
            }
        }
        Ok(self
            .db
            .acquire()
            .await?
            .conn()
            .next_outbox_attempt()
            .await?)
    }

    /// Attempts finished so far (sent or failed), recorded before the count moves.
    pub fn outbox_attempts(&self) -> watch::Receiver<u64> {
        self.outbox_wake.1.subscribe()
    }

    /// One attempt at one message; true when the relay took it.
    async fn send_one(&self, mailer: &Mailer, mail: &OutboxEmail) -> Result<bool> {
        let sent = self.attempt(mailer, mail).await;
        self.outbox_wake.1.send_modify(|n| *n += 1);
        sent
    }

    async fn attempt(&self, mailer: &Mailer, mail: &OutboxEmail) -> Result<bool> {
        let domain = self
            .config
            .email
            .as_ref()
            .and_then(|e| e.from_address.rsplit_once('@'))
            .map_or("chatalot", |(_, domain)| domain);
        let email = Email {
            message_id: format!("<{}@{domain}>", mail.id),
            to_address: &mail.recipient,
            to_name: &mail.recipient_name,
            subject: &mail.subject,
            text: &mail.body_text,
            calendar: mail
                .calendar
                .as_deref()
                .zip(mail.calendar_method.as_deref()),
        };
        let outcome = mailer.send(&email).await;
        let now = store::now();
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        match outcome {
            Ok(()) => {
                c.mark_outbox_sent(mail.id, now).await?;
                tracing::info!(id = %mail.id, attempts = mail.attempts + 1, "email sent");
                Ok(true)
            }
            Err(error) => {
                let attempts = mail.attempts + 1;
                let retry_at = (attempts < MAX_ATTEMPTS).then(|| {
                    now + super::workers::backoff(self.config.tuning.email_retry_base, attempts)
                });
                tracing::warn!(id = %mail.id, attempts, %error, given_up = retry_at.is_none(), "email not sent");
                c.mark_outbox_attempt_failed(mail.id, &error, retry_at, now)
                    .await?;
                Ok(false)
            }
        }
    }

    /// The worker: sends due mail, then sleeps until the next is due, mail is
    /// queued, or a minute passes. Stops when `stop` changes; does nothing without
    /// a relay.
    pub async fn run_outbox(&self, stop: tokio::sync::watch::Receiver<bool>) {
        let Some(mailer) = self.mailer.clone() else {
            return;
        };
        super::workers::run_passes("email outbox", &self.outbox_wake.0, stop, || {
            self.send_due_email(&mailer)
        })
        .await;
    }

    /// The outbox for administrators: newest first, with the counts of waiting and
    /// given-up mail.
    pub async fn outbox(&self, actor: &Actor, params: OutboxParams) -> Result<OutboxView> {
        actor.require_admin()?;
        let limit = i64::from(params.limit.unwrap_or(50).clamp(1, 200));
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let status = params.status.map(status_text);
        let entries = c.outbox_page(status, limit).await?;
        let (pending, failed) = c.outbox_counts().await?;
        Ok(OutboxView {
            enabled: self.email_enabled(),
            pending: u32::try_from(pending).unwrap_or(u32::MAX),
            failed: u32::try_from(failed).unwrap_or(u32::MAX),
            entries: entries.into_iter().map(entry_view).collect(),
        })
    }

    /// Puts unsent mail back in line to go at once.
    pub async fn retry_email(
        &self,
        actor: &Actor,
        id: Uuid,
        meta: &RequestMeta,
    ) -> Result<OutboxEntryView> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let Some(mail) = c.outbox_email(id).await? else {
            return Err(Error::not_found("email_not_found", "no such email"));
        };
        if mail.status == "sent" {
            return Err(Error::conflict(
                "email_already_sent",
                "this email was sent already",
            ));
        }
        c.retry_outbox_email(id, store::now()).await?;
        self.audit(
            &mut c,
            meta,
            NewAuditEntry::by(actor.id(), "admin.email_retried")
                .details(serde_json::json!({ "email_id": id, "recipient": mail.recipient })),
        )
        .await?;
        let mail = c
            .outbox_email(id)
            .await?
            .ok_or_else(|| Error::Internal(anyhow::anyhow!("retried email vanished")))?;
        tx.commit().await?;
        self.wake_outbox();
        Ok(entry_view(mail))
    }
}

fn status_text(status: OutboxStatus) -> &'static str {
    match status {
        OutboxStatus::Pending => "pending",
        OutboxStatus::Sent => "sent",
        OutboxStatus::Failed => "failed",
    }
}

fn entry_view(m: OutboxEmail) -> OutboxEntryView {
    OutboxEntryView {
        id: m.id,
        recipient: m.recipient,
        subject: m.subject,
        calendar_method: m.calendar_method,
        meeting_id: m.meeting_id,
        status: match m.status.as_str() {
            "sent" => OutboxStatus::Sent,
            "failed" => OutboxStatus::Failed,
            _ => OutboxStatus::Pending,
        },
        attempts: u32::try_from(m.attempts).unwrap_or(0),
        next_attempt_at: m.next_attempt_at,
        last_error: m.last_error,
        created_at: m.created_at,
        sent_at: m.sent_at,
    }
}
