//! Meetings, their one-off exceptions, RSVPs and the reminders that went out.

use chrono::{DateTime, NaiveDateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Meeting {
    pub id: Uuid,
    pub channel_id: Uuid,
    pub created_by: Option<Uuid>,
    pub title: String,
    pub description: String,
    pub start_local: NaiveDateTime,
    pub timezone: String,
    pub duration_minutes: i32,
    pub reminder_minutes: i32,
    /// An RRULE value (`FREQ=WEEKLY;BYDAY=MO;COUNT=10`); `None` for one occurrence.
    pub recurrence: Option<String>,
    pub first_start: DateTime<Utc>,
    pub last_end: Option<DateTime<Utc>>,
    pub sequence: i32,
    pub cancelled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One occurrence cancelled (`cancelled`) or moved (`starts_at`, `duration_minutes`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MeetingException {
    pub meeting_id: Uuid,
    pub occurrence: DateTime<Utc>,
    pub cancelled: bool,
    pub starts_at: Option<DateTime<Utc>>,
    pub duration_minutes: Option<i32>,
}

/// Someone who is sent a meeting's invites and reminders.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Attendee {
    pub user_id: Uuid,
    pub display_name: String,
    pub email: Option<String>,
}

macro_rules! select_meetings {
    ($rest:literal) => {
        concat!(
            "SELECT id, channel_id, created_by, title, description, start_local, timezone, duration_minutes, \
             reminder_minutes, recurrence, first_start, last_end, sequence, cancelled_at, created_at, updated_at \
             FROM meetings ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_meeting(&mut self, m: &Meeting) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO meetings (id, channel_id, created_by, title, description, start_local, timezone, \
                 duration_minutes, reminder_minutes, recurrence, first_start, last_end, sequence, cancelled_at, \
                 created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(m.id)
            .bind(m.channel_id)
            .bind(m.created_by)
            .bind(&m.title)
            .bind(&m.description)
            .bind(m.start_local)
            .bind(&m.timezone)
            .bind(m.duration_minutes)
            .bind(m.reminder_minutes)
            .bind(&m.recurrence)
            .bind(m.first_start)
            .bind(m.last_end)
            .bind(m.sequence)
            .bind(m.cancelled_at)
            .bind(m.created_at)
            .bind(m.updated_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Writes every field of a meeting but its channel, author and creation.
    pub async fn update_meeting(&mut self, m: &Meeting) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE meetings SET title = $2, description = $3, start_local = $4, timezone = $5, \
                 duration_minutes = $6, reminder_minutes = $7, recurrence = $8, first_start = $9, last_end = $10, \
                 sequence = $11, cancelled_at = $12, updated_at = $13 WHERE id = $1",
            )
            .bind(m.id)
            .bind(&m.title)
            .bind(&m.description)
            .bind(m.start_local)
            .bind(&m.timezone)
            .bind(m.duration_minutes)
            .bind(m.reminder_minutes)
            .bind(&m.recurrence)
            .bind(m.first_start)
            .bind(m.last_end)
            .bind(m.sequence)
            .bind(m.cancelled_at)
            .bind(m.updated_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn meeting(&mut self, id: Uuid) -> StoreResult<Option<Meeting>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_meetings!("WHERE id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    /// A channel's series that are not cancelled, end after `ending_after` (or
    /// never) and start before `starting_before`, when those are given; oldest first.
    pub async fn meetings_of_channel(
        &mut self,
        channel_id: Uuid,
        ending_after: Option<DateTime<Utc>>,
        starting_before: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<Meeting>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_meetings!(
                "WHERE channel_id = $1 AND cancelled_at IS NULL \
                 AND ($2 IS NULL OR last_end IS NULL OR last_end > $2) \
                 AND ($3 IS NULL OR first_start < $3) ORDER BY first_start, id"
            ))
            .bind(channel_id)
            .bind(ending_after)
            .bind(starting_before)
            .fetch_all(e)
            .await?
        }))
    }

    /// Every series that is not cancelled, has reminders and may still have an
    /// occurrence after `now`.
    pub async fn meetings_to_remind(&mut self, now: DateTime<Utc>) -> StoreResult<Vec<Meeting>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_meetings!(
                "WHERE cancelled_at IS NULL AND reminder_minutes > 0 \
                 AND (last_end IS NULL OR last_end > $1) ORDER BY first_start, id"
            ))
            .bind(now)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn meeting_exceptions(
        &mut self,
        meeting_id: Uuid,
    ) -> StoreResult<Vec<MeetingException>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT meeting_id, occurrence, cancelled, starts_at, duration_minutes FROM meeting_exceptions \
                 WHERE meeting_id = $1 ORDER BY occurrence",
            )
            .bind(meeting_id)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn upsert_meeting_exception(&mut self, x: &MeetingException) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO meeting_exceptions (meeting_id, occurrence, cancelled, starts_at, duration_minutes) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (meeting_id, occurrence) DO UPDATE SET \
                 cancelled = excluded.cancelled, starts_at = excluded.starts_at, \
                 duration_minutes = excluded.duration_minutes",
            )
            .bind(x.meeting_id)
            .bind(x.occurrence)
            .bind(x.cancelled)
            .bind(x.starts_at)
            .bind(x.duration_minutes)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Forgets a series' exceptions (its times changed, so they name nothing).
    pub async fn clear_meeting_exceptions(&mut self, meeting_id: Uuid) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query("DELETE FROM meeting_exceptions WHERE meeting_id = $1")
                .bind(meeting_id)
                .execute(e)
                .await?;
        });
        Ok(())
    }

    /// Sets (`Some`) or takes back (`None`) a user's answer for one occurrence.
    pub async fn set_rsvp(
        &mut self,
        meeting_id: Uuid,
        occurrence: DateTime<Utc>,
        user_id: Uuid,
        response: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        match response {
            Some(response) => db_run!(self, |e| {
                sqlx::query(
                    "INSERT INTO meeting_rsvps (meeting_id, occurrence, user_id, response, updated_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (meeting_id, occurrence, user_id) DO UPDATE SET \
                     response = excluded.response, updated_at = excluded.updated_at",
                )
                .bind(meeting_id)
                .bind(occurrence)
                .bind(user_id)
                .bind(response)
                .bind(now)
                .execute(e)
                .await?;
            }),
            None => db_run!(self, |e| {
                sqlx::query(
                    "DELETE FROM meeting_rsvps WHERE meeting_id = $1 AND occurrence = $2 AND user_id = $3",
                )
                .bind(meeting_id)
                .bind(occurrence)
                .bind(user_id)
                .execute(e)
                .await?;
            }),
        }
        Ok(())
    }

    /// A series' answers counted per occurrence: (occurrence, response, count).
    pub async fn rsvp_counts(
        &mut self,
        meeting_id: Uuid,
    ) -> StoreResult<Vec<(DateTime<Utc>, String, i64)>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT occurrence, response, CAST(COUNT(*) AS BIGINT) FROM meeting_rsvps WHERE meeting_id = $1 \
                 GROUP BY occurrence, response",
            )
            .bind(meeting_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// One user's answers to a series: (occurrence, response).
    pub async fn rsvps_of_user(
        &mut self,
        meeting_id: Uuid,
        user_id: Uuid,
    ) -> StoreResult<Vec<(DateTime<Utc>, String)>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT occurrence, response FROM meeting_rsvps WHERE meeting_id = $1 AND user_id = $2",
            )
            .bind(meeting_id)
            .bind(user_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Who declined one occurrence.
    pub async fn declined(
        &mut self,
        meeting_id: Uuid,
        occurrence: DateTime<Utc>,
    ) -> StoreResult<Vec<Uuid>> {
        let rows: Vec<(Uuid,)> = db_run!(self, |e| {
            sqlx::query_as(
                "SELECT user_id FROM meeting_rsvps WHERE meeting_id = $1 AND occurrence = $2 \
                 AND response = 'not_going'",
            )
            .bind(meeting_id)
            .bind(occurrence)
            .fetch_all(e)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Claims an occurrence's reminder: true only for the first claim ever.
    pub async fn claim_reminder(
        &mut self,
        meeting_id: Uuid,
        occurrence: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let inserted = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO meeting_reminders (meeting_id, occurrence, sent_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (meeting_id, occurrence) DO NOTHING",
            )
            .bind(meeting_id)
            .bind(occurrence)
            .bind(now)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(inserted == 1)
    }

    /// The members of a group who are not suspended: a group channel's audience.
    pub async fn attendees_of_group(&mut self, group_id: Uuid) -> StoreResult<Vec<Attendee>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT u.id AS user_id, u.display_name, u.email FROM group_members gm \
                 JOIN users u ON u.id = gm.user_id \
                 WHERE gm.group_id = $1 AND u.suspended_at IS NULL ORDER BY u.username_key",
            )
            .bind(group_id)
            .fetch_all(e)
            .await?
        }))
    }
}
