//! Meetings on channels (MEET-1): moderators and up schedule, change and cancel a
//! series or one occurrence; members of the channel see them and answer. Every
//! change bumps the series' SEQUENCE, tells the channel live, and queues calendar
//! invites in the same transaction (`invites.rs`). Reminders are `reminders.rs`.

pub mod calendar;
mod invites;
mod occurrences;
mod reminders;
pub mod schedule;

pub use reminders::ReminderWake;

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

use self::calendar::Method;
use self::schedule::{Rule, Schedule};
use super::community::ChannelAccess;
use super::{Actor, Core};
use crate::api::{
    MeetingChangesRequest, MeetingView, NewMeetingRequest, OccurrenceChangeRequest, OccurrenceView,
    ServerEvent,
};
use crate::domain::error::{Error, Result};
use crate::domain::validate;
use crate::store::{self, Conn, Meeting, MeetingException};

pub const MAX_TITLE: usize = 200;
pub const MAX_DESCRIPTION: usize = 4000;
pub const MAX_REMINDER_MINUTES: u32 = 7 * 24 * 60;

fn meeting_not_found() -> Error {
    Error::not_found("meeting_not_found", "no such meeting")
}

fn occurrence_not_found() -> Error {
    Error::not_found(
        "occurrence_not_found",
        "the meeting has no occurrence at that time",
    )
}

fn check_duration(minutes: u32) -> Result<u32> {
    if (5..=1440).contains(&minutes) {
        Ok(minutes)
    } else {
        Err(Error::invalid(
            "duration_minutes",
            "duration must be 5 minutes to 24 hours",
        ))
    }
}

fn check_reminder(minutes: u32) -> Result<u32> {
    if minutes <= MAX_REMINDER_MINUTES {
        Ok(minutes)
    } else {
        Err(Error::invalid(
            "reminder_minutes",
            "a reminder may come at most a week ahead",
        ))
    }
}

fn check_description(raw: &str) -> Result<String> {
    let text = raw.trim();
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(Error::invalid(
            "description",
            format!("description must be at most {MAX_DESCRIPTION} characters"),
        ));
    }
    validate::text("description", text)?;
    Ok(text.to_owned())
}

/// A start no earlier than a day ago (a meeting being set up may already run) and
/// no later than five years ahead.
fn check_start(first: DateTime<Utc>, now: DateTime<Utc>) -> Result<()> {
    if first < now - chrono::Duration::days(1)
        || first > now + chrono::Duration::days(366 * schedule::MAX_YEARS as i64)
    {
        return Err(Error::invalid(
            "start",
            "start must be between yesterday and five years ahead",
        ));
    }
    Ok(())
}

/// A series' times read back from its row.
pub(crate) fn schedule_of(m: &Meeting) -> Result<Schedule> {
    let tz = schedule::parse_timezone(&m.timezone)?;
    Ok(Schedule {
        start_local: m.start_local,
        tz,
        duration_minutes: u32::try_from(m.duration_minutes).unwrap_or(60),
        rule: m
            .recurrence
            .as_deref()
            .and_then(|r| Rule::from_rrule(r, tz)),
    })
}

impl Core {
    /// The meeting and the actor's standing in its channel; a meeting in a channel
    /// they cannot read does not exist for them.
    async fn meeting_access(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(Meeting, ChannelAccess)> {
        let meeting = c.meeting(id).await?.ok_or_else(meeting_not_found)?;
        let access = self
            .channel_access(c, actor, meeting.channel_id)
            .await
            .map_err(|e| {
                if e.code() == "channel_not_found" {
                    meeting_not_found()
                } else {
                    e
                }
            })?;
        Ok((meeting, access))
    }

    fn require_manage(access: &ChannelAccess) -> Result<()> {
        access.in_group()?;
        if !access.is_moderator() {
            return Err(Error::forbidden(
                "insufficient_role",
                "only moderators and up schedule and change meetings",
            ));
        }
        if access.channel.archived {
            return Err(Error::forbidden(
                "channel_archived",
                "this channel is archived",
            ));
        }
        Ok(())
    }

    pub(crate) fn meeting_view(&self, m: &Meeting) -> MeetingView {
        let tz = schedule::parse_timezone(&m.timezone).ok();
        let recurrence = m
            .recurrence
            .as_deref()
            .zip(tz)
            .and_then(|(r, tz)| Rule::from_rrule(r, tz))
            .map(|r| r.to_wire());
        MeetingView {
            id: m.id,
            channel_id: m.channel_id,
            created_by: m.created_by,
            title: m.title.clone(),
            description: m.description.clone(),
            start: m.start_local,
            timezone: m.timezone.clone(),
            duration_minutes: u32::try_from(m.duration_minutes).unwrap_or(0),
            reminder_minutes: u32::try_from(m.reminder_minutes).unwrap_or(0),
            recurrence,
            sequence: u32::try_from(m.sequence).unwrap_or(0),
            cancelled: m.cancelled_at.is_some(),
            join_url: self.meeting_link(m),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }

    pub async fn schedule_meeting(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        req: NewMeetingRequest,
    ) -> Result<MeetingView> {
        let title = validate::name("title", &req.title, MAX_TITLE)?;
        let description = check_description(&req.description)?;
        let tz = schedule::parse_timezone(&req.timezone)?;
        let rule = req
            .recurrence
            .as_ref()
            .map(|r| Rule::from_wire(r, req.start))
            .transpose()?;
        let schedule = Schedule {
            start_local: trunc_minute(req.start),
            tz,
            duration_minutes: check_duration(req.duration_minutes)?,
            rule,
        };
        let reminder = check_reminder(req.reminder_minutes)?;
        let now = store::now();
        let first_start = schedule.first_start()?;
        check_start(first_start, self.config.tuning.clock.now())?;

        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        Self::require_manage(&access)?;
        // Expanding the series is the costly part: only for those who may.
        let last_end = schedule.last_end()?;
        let meeting = Meeting {
            id: store::new_id(),
            channel_id,
            created_by: Some(actor.id()),
            title,
            description,
            start_local: schedule.start_local,
            timezone: tz.name().to_owned(),
            duration_minutes: schedule.duration_minutes as i32,
            reminder_minutes: reminder as i32,
            recurrence: schedule.rule.as_ref().map(|r| r.to_rrule(tz)),
            first_start,
            last_end,
            sequence: 0,
            cancelled_at: None,
            created_at: now,
            updated_at: now,
        };
        c.insert_meeting(&meeting).await?;
        self.queue_invites(&mut c, &access, &meeting, Method::Request, None)
            .await?;
        tx.commit().await?;
        self.after_meeting_change(&meeting)
    }

    pub async fn meeting(&self, actor: &Actor, id: Uuid) -> Result<MeetingView> {
        let mut conn = self.db.acquire().await?;
        let (meeting, _) = self.meeting_access(&mut conn.conn(), actor, id).await?;
        Ok(self.meeting_view(&meeting))
    }

    /// Changes a whole series. A change of its times forgets the occurrences that
    /// were cancelled or moved on their own (they may no longer exist).
    pub async fn update_meeting(
        &self,
        actor: &Actor,
        id: Uuid,
        req: MeetingChangesRequest,
    ) -> Result<MeetingView> {
        let title = req
            .title
            .as_deref()
            .map(|t| validate::name("title", t, MAX_TITLE))
            .transpose()?;
        let description = req
            .description
            .as_deref()
            .map(check_description)
            .transpose()?;
        let duration = req.duration_minutes.map(check_duration).transpose()?;
        let reminder = req.reminder_minutes.map(check_reminder).transpose()?;
        let tz = req
            .timezone
            .as_deref()
            .map(schedule::parse_timezone)
            .transpose()?;

        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (mut meeting, access) = self.meeting_access(&mut c, actor, id).await?;
        Self::require_manage(&access)?;
        if meeting.cancelled_at.is_some() {
            return Err(Error::conflict(
                "meeting_cancelled",
                "this meeting was cancelled",
            ));
        }
        let old = schedule_of(&meeting)?;
        let start_local = req.start.map(trunc_minute).unwrap_or(old.start_local);
        let tz = tz.unwrap_or(old.tz);
        let rule = match &req.recurrence {
            None => old
                .rule
                .clone()
                .map(|r| Rule::from_wire(&r.to_wire(), start_local))
                .transpose()?,
            Some(None) => None,
            Some(Some(r)) => Some(Rule::from_wire(r, start_local)?),
        };
        let schedule = Schedule {
            start_local,
            tz,
            duration_minutes: duration.unwrap_or(old.duration_minutes),
            rule,
        };
        let times_changed = schedule.start_local != old.start_local
            || schedule.tz != old.tz
            || schedule.rule != old.rule;
        let first_start = schedule.first_start()?;
        if times_changed {
            check_start(first_start, self.config.tuning.clock.now())?;
            c.clear_meeting_exceptions(meeting.id).await?;
        }
        meeting.title = title.unwrap_or(meeting.title);
        meeting.description = description.unwrap_or(meeting.description);
        meeting.start_local = schedule.start_local;
        meeting.timezone = tz.name().to_owned();
        meeting.duration_minutes = schedule.duration_minutes as i32;
        meeting.reminder_minutes = reminder.map_or(meeting.reminder_minutes, |r| r as i32);
        meeting.recurrence = schedule.rule.as_ref().map(|r| r.to_rrule(tz));
        meeting.first_start = first_start;
        meeting.last_end = schedule.last_end()?;
        self.save_change(&mut c, &access, &mut meeting, Method::Request, None)
            .await?;
        tx.commit().await?;
        self.after_meeting_change(&meeting)
    }

    /// Cancels a whole series: it stays readable as cancelled.
    pub async fn cancel_meeting(&self, actor: &Actor, id: Uuid) -> Result<MeetingView> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (mut meeting, access) = self.meeting_access(&mut c, actor, id).await?;
        Self::require_manage(&access)?;
        if meeting.cancelled_at.is_some() {
            return Err(Error::conflict(
                "meeting_cancelled",
                "this meeting was cancelled already",
            ));
        }
        meeting.cancelled_at = Some(store::now());
        self.save_change(&mut c, &access, &mut meeting, Method::Cancel, None)
            .await?;
        tx.commit().await?;
        self.after_meeting_change(&meeting)
    }

    /// Moves one occurrence of a series, or changes its length.
    pub async fn change_occurrence(
        &self,
        actor: &Actor,
        id: Uuid,
        occurrence: DateTime<Utc>,
        req: OccurrenceChangeRequest,
    ) -> Result<OccurrenceView> {
        let duration = req.duration_minutes.map(check_duration).transpose()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (mut meeting, access) = self.meeting_access(&mut c, actor, id).await?;
        Self::require_manage(&access)?;
        let schedule = self.occurrence_of(&meeting, occurrence)?;
        let starts_at = req
            .start
            .map(|s| schedule::resolve(schedule.tz, trunc_minute(s), "start"))
            .transpose()?;
        let exception = MeetingException {
            meeting_id: meeting.id,
            occurrence,
            cancelled: false,
            starts_at,
            duration_minutes: duration.map(|d| d as i32),
        };
        c.upsert_meeting_exception(&exception).await?;
        if let Some(moved) = starts_at {
            let end = moved
                + chrono::Duration::minutes(i64::from(
                    duration.unwrap_or(schedule.duration_minutes),
                ));
            meeting.first_start = meeting.first_start.min(moved);
            meeting.last_end = meeting.last_end.map(|last| last.max(end));
        }
        self.save_change(&mut c, &access, &mut meeting, Method::Request, None)
            .await?;
        let view = self
            .occurrence_view(&mut c, actor, &meeting, occurrence)
            .await?;
        tx.commit().await?;
        self.after_meeting_change(&meeting)?;
        Ok(view)
    }

    /// Cancels one occurrence of a series.
    pub async fn cancel_occurrence(
        &self,
        actor: &Actor,
        id: Uuid,
        occurrence: DateTime<Utc>,
    ) -> Result<MeetingView> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (mut meeting, access) = self.meeting_access(&mut c, actor, id).await?;
        Self::require_manage(&access)?;
        self.occurrence_of(&meeting, occurrence)?;
        c.upsert_meeting_exception(&MeetingException {
            meeting_id: meeting.id,
            occurrence,
            cancelled: true,
            starts_at: None,
            duration_minutes: None,
        })
        .await?;
        self.save_change(
            &mut c,
            &access,
            &mut meeting,
            Method::Cancel,
            Some(occurrence),
        )
        .await?;
        tx.commit().await?;
        self.after_meeting_change(&meeting)
    }

    /// Writes a change to a series as its next SEQUENCE and queues the invites.
    async fn save_change(
        &self,
        c: &mut Conn<'_>,
        access: &ChannelAccess,
        meeting: &mut Meeting,
        method: Method,
        occurrence: Option<DateTime<Utc>>,
    ) -> Result<()> {
        meeting.sequence += 1;
        meeting.updated_at = store::now();
        c.update_meeting(meeting).await?;
        self.queue_invites(c, access, meeting, method, occurrence)
            .await
    }

    /// A live series' schedule, when `occurrence` is one of its original starts.
    fn occurrence_of(&self, meeting: &Meeting, occurrence: DateTime<Utc>) -> Result<Schedule> {
        if meeting.cancelled_at.is_some() {
            return Err(Error::conflict(
                "meeting_cancelled",
                "this meeting was cancelled",
            ));
        }
        let schedule = schedule_of(meeting)?;
        if !schedule.has_occurrence(occurrence) {
            return Err(occurrence_not_found());
        }
        Ok(schedule)
    }

    /// After a commit: the channel hears of it, the reminder worker looks again, the
    /// outbox sends.
    fn after_meeting_change(&self, meeting: &Meeting) -> Result<MeetingView> {
        let view = self.meeting_view(meeting);
        self.events.to_channel(
            meeting.channel_id,
            &ServerEvent::MeetingUpdated {
                meeting: view.clone(),
            },
            None,
        );
        self.reminder_wake.0.notify_one();
        self.wake_outbox();
        Ok(view)
    }

    /// The web client's page for a meeting, when `PUBLIC_URL` is set.
    fn meeting_link(&self, m: &Meeting) -> Option<String> {
        let base = self.config.public_url.as_deref()?;
        Some(format!("{base}/meetings/{}", m.id))
    }
}

/// Meetings start on the minute.
fn trunc_minute(t: NaiveDateTime) -> NaiveDateTime {
    use chrono::Timelike;
    t.with_second(0)
        .and_then(|t| t.with_nanosecond(0))
        .unwrap_or(t)
}
