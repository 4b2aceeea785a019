//! Reminders (MEET-2): once per occurrence, at its lead time, to every member of the
//! channel's group who has not declined, over the WebSocket. A row per occurrence
//! claims the reminder before it goes out, so it never goes twice, also across
//! restarts; one whose time passed while the server was down goes out at start-up
//! if the occurrence has not begun. The time is the configured clock's.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::occurrences::occurrences;
use crate::api::ServerEvent;
use crate::domain::Core;
use crate::domain::error::Result;

/// The worker looks again at least this often.
const IDLE_CHECK: Duration = Duration::from_secs(60);

/// Wakes the reminder worker when a meeting changed; one pass at a time, so a pass
/// that finds a reminder claimed knows it has gone out.
#[derive(Clone, Default)]
pub struct ReminderWake(pub(crate) Arc<Notify>, Arc<tokio::sync::Mutex<()>>);

impl Core {
    /// Sends the reminders that are due; returns when the next one is.
    pub async fn send_due_reminders(&self) -> Result<Option<DateTime<Utc>>> {
        let _pass = self.reminder_wake.1.lock().await;
        let now = self.config.tuning.clock.now();
        let mut next: Option<DateTime<Utc>> = None;
        let meetings = self
            .db
            .acquire()
            .await?
            .conn()
            .meetings_to_remind(now)
            .await?;
        for meeting in meetings {
            let lead = chrono::Duration::minutes(i64::from(meeting.reminder_minutes));
            let exceptions = self
                .db
                .acquire()
                .await?
                .conn()
                .meeting_exceptions(meeting.id)
                .await?;
            // Occurrences not begun whose reminder time has come, and the next one after.
            let window_end = now + lead + chrono::Duration::days(35);
            let upcoming = occurrences(
                &meeting,
                &exceptions,
                now - chrono::Duration::days(1),
                window_end,
                64,
            )?;
            for o in upcoming
                .iter()
                .filter(|o| !o.cancelled && o.starts_at > now)
            {
                let remind_at = o.starts_at - lead;
                if remind_at > now {
                    next = Some(next.map_or(remind_at, |n| n.min(remind_at)));
                    break;
                }
                self.remind(&meeting, o.occurrence, o.starts_at, now)
                    .await?;
            }
        }
        Ok(next)
    }

    /// Claims and sends one occurrence's reminder.
    async fn remind(
        &self,
        meeting: &crate::store::Meeting,
        occurrence: DateTime<Utc>,
        starts_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if !c.claim_reminder(meeting.id, occurrence, now).await? {
            return Ok(());
        }
        let Some(channel) = c.channel(meeting.channel_id).await? else {
            return Ok(());
        };
        let Some(group_id) = channel.group_id else {
            return Ok(());
        };
        let declined = c.declined(meeting.id, occurrence).await?;
        let attendees = c.attendees_of_group(group_id).await?;
        for attendee in attendees.iter().filter(|a| !declined.contains(&a.user_id)) {
            self.queue_reminder_push(&mut c, meeting, attendee.user_id, starts_at, now)
                .await?;
        }
        tx.commit().await?;
        self.wake_push();
        let event = ServerEvent::MeetingReminder {
            meeting: self.meeting_view(meeting),
            occurrence,
            starts_at,
        };
        let mut reminded = 0;
        for attendee in attendees.iter().filter(|a| !declined.contains(&a.user_id)) {
            self.events.to_user(attendee.user_id, &event);
            reminded += 1;
        }
        tracing::info!(meeting = %meeting.id, %occurrence, reminded, "meeting reminder sent");
        Ok(())
    }

    /// The worker: sends due reminders, then waits for the next one, a change to a
    /// meeting, the clock moving (tests) or a minute. Stops when `stop` changes.
    pub async fn run_reminders(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        let clock = self.config.tuning.clock.clone();
        loop {
            let next = match self.send_due_reminders().await {
                Ok(next) => next,
                Err(err) => {
                    tracing::warn!(error = %err, "meeting reminders failed; retrying");
                    Some(clock.now() + chrono::Duration::seconds(5))
                }
            };
            tokio::select! {
                _ = clock.sleep_until(next, IDLE_CHECK) => {}
                _ = self.reminder_wake.0.notified() => {}
                _ = stop.changed() => return,
            }
        }
    }
}
