//! A channel's occurrences, upcoming or past, and the answers to them (RSVP).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::schedule_of;
use crate::api::{
    MeetingList, MeetingListParams, MeetingRange, OccurrenceView, RsvpCounts, RsvpResponse,
    ServerEvent,
};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core};
use crate::store::{self, Conn, Meeting, MeetingException};

/// How far the lists look ahead and back.
const HORIZON_DAYS: i64 = 366;

/// One occurrence with its times, before answers are counted.
#[derive(Debug, Clone)]
pub(crate) struct Occurrence {
    pub occurrence: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub cancelled: bool,
}

/// The occurrences of a series whose original start is in `[from, to)`, with
/// moved and cancelled ones applied, in order of their (original) start.
pub(crate) fn occurrences(
    meeting: &Meeting,
    exceptions: &[MeetingException],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Occurrence>> {
    let schedule = schedule_of(meeting)?;
    let duration = schedule.duration();
    Ok(schedule
        .starts_between(from, to, limit)
        .into_iter()
        .map(|occurrence| {
            let x = exceptions.iter().find(|x| x.occurrence == occurrence);
            let starts_at = x.and_then(|x| x.starts_at).unwrap_or(occurrence);
            let length = x
                .and_then(|x| x.duration_minutes)
                .map_or(duration, |m| chrono::Duration::minutes(i64::from(m)));
            Occurrence {
                occurrence,
                starts_at,
                ends_at: starts_at + length,
                cancelled: x.is_some_and(|x| x.cancelled),
            }
        })
        .collect())
}

fn response_of(text: &str) -> Option<RsvpResponse> {
    match text {
        "going" => Some(RsvpResponse::Going),
        "maybe" => Some(RsvpResponse::Maybe),
        "not_going" => Some(RsvpResponse::NotGoing),
        _ => None,
    }
}

fn response_text(r: RsvpResponse) -> &'static str {
    match r {
        RsvpResponse::Going => "going",
        RsvpResponse::Maybe => "maybe",
        RsvpResponse::NotGoing => "not_going",
    }
}

/// A series' answers: counts per occurrence and the viewer's own.
struct Answers {
    counts: HashMap<DateTime<Utc>, RsvpCounts>,
    mine: HashMap<DateTime<Utc>, RsvpResponse>,
}

impl Answers {
    async fn load(c: &mut Conn<'_>, meeting_id: Uuid, viewer: Uuid) -> Result<Answers> {
        let mut counts: HashMap<DateTime<Utc>, RsvpCounts> = HashMap::new();
        for (occurrence, response, n) in c.rsvp_counts(meeting_id).await? {
            let entry = counts.entry(occurrence).or_default();
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            match response_of(&response) {
                Some(RsvpResponse::Going) => entry.going = n,
                Some(RsvpResponse::Maybe) => entry.maybe = n,
                Some(RsvpResponse::NotGoing) => entry.not_going = n,
                None => {}
            }
        }
        let mine = c
            .rsvps_of_user(meeting_id, viewer)
            .await?
            .into_iter()
            .filter_map(|(at, r)| response_of(&r).map(|r| (at, r)))
            .collect();
        Ok(Answers { counts, mine })
    }

    fn view(&self, meeting_id: Uuid, o: &Occurrence) -> OccurrenceView {
        OccurrenceView {
            meeting_id,
            occurrence: o.occurrence,
            starts_at: o.starts_at,
            ends_at: o.ends_at,
            cancelled: o.cancelled,
            rsvps: self.counts.get(&o.occurrence).copied().unwrap_or_default(),
            my_rsvp: self.mine.get(&o.occurrence).copied(),
        }
    }
}

impl Core {
    /// A channel's meetings: upcoming occurrences (not over yet) soonest first, or
    /// past ones latest first, within a year.
    pub async fn channel_meetings(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        params: MeetingListParams,
    ) -> Result<MeetingList> {
        let limit = params.limit.unwrap_or(20).clamp(1, 100) as usize;
        let now = self.config.tuning.clock.now();
        let horizon = chrono::Duration::days(HORIZON_DAYS);
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        access.in_group()?;
        let (ending_after, starting_before) = match params.range {
            MeetingRange::Upcoming => (Some(now), Some(now + horizon)),
            MeetingRange::Past => (Some(now - horizon), Some(now)),
        };
        let series = c
            .meetings_of_channel(channel_id, ending_after, starting_before)
            .await?;
        let mut found: Vec<(OccurrenceView, usize)> = Vec::new();
        for (index, meeting) in series.iter().enumerate() {
            let exceptions = c.meeting_exceptions(meeting.id).await?;
            // A day of slack each side: an occurrence may have been moved.
            let day = chrono::Duration::days(1);
            let (from, to) = match params.range {
                MeetingRange::Upcoming => {
                    (now - day - chrono::Duration::hours(24), now + horizon + day)
                }
                MeetingRange::Past => (now - horizon - day, now + day),
            };
            let all = occurrences(meeting, &exceptions, from, to, 10_000)?;
            let wanted: Vec<&Occurrence> = match params.range {
                MeetingRange::Upcoming => {
                    all.iter().filter(|o| o.ends_at > now).take(limit).collect()
                }
                MeetingRange::Past => all
                    .iter()
                    .rev()
                    .filter(|o| o.ends_at <= now)
                    .take(limit)
                    .collect(),
            };
            if wanted.is_empty() {
                continue;
            }
            let answers = Answers::load(&mut c, meeting.id, actor.id()).await?;
            found.extend(
                wanted
                    .into_iter()
                    .map(|o| (answers.view(meeting.id, o), index)),
            );
        }
        match params.range {
            MeetingRange::Upcoming => found.sort_by_key(|(o, _)| (o.starts_at, o.meeting_id)),
            MeetingRange::Past => {
                found.sort_by_key(|(o, _)| std::cmp::Reverse((o.starts_at, o.meeting_id)))
            }
        }
        found.truncate(limit);
        let mut used: Vec<usize> = found.iter().map(|(_, i)| *i).collect();
        used.sort_unstable();
        used.dedup();
        Ok(MeetingList {
            meetings: used
                .into_iter()
                .map(|i| self.meeting_view(&series[i]))
                .collect(),
            occurrences: found.into_iter().map(|(o, _)| o).collect(),
        })
    }

    /// One occurrence as the viewer sees it.
    pub(crate) async fn occurrence_view(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        meeting: &Meeting,
        occurrence: DateTime<Utc>,
    ) -> Result<OccurrenceView> {
        let exceptions = c.meeting_exceptions(meeting.id).await?;
        let found = occurrences(
            meeting,
            &exceptions,
            occurrence,
            occurrence + chrono::Duration::seconds(1),
            1,
        )?;
        let o = found.first().ok_or_else(super::occurrence_not_found)?;
        let answers = Answers::load(c, meeting.id, actor.id()).await?;
        Ok(answers.view(meeting.id, o))
    }

    /// Answers for one occurrence (`None` takes the answer back). Anyone who reads
    /// the channel may answer, until the occurrence is over.
    pub async fn rsvp(
        &self,
        actor: &Actor,
        id: Uuid,
        occurrence: DateTime<Utc>,
        response: Option<RsvpResponse>,
    ) -> Result<OccurrenceView> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (meeting, access) = self.meeting_access(&mut c, actor, id).await?;
        access.in_group()?;
        if meeting.cancelled_at.is_some() {
            return Err(Error::conflict(
                "meeting_cancelled",
                "this meeting was cancelled",
            ));
        }
        let exceptions = c.meeting_exceptions(meeting.id).await?;
        let found = occurrences(
            &meeting,
            &exceptions,
            occurrence,
            occurrence + chrono::Duration::seconds(1),
            1,
        )?;
        let o = found.first().ok_or_else(super::occurrence_not_found)?;
        if o.cancelled {
            return Err(Error::conflict(
                "occurrence_cancelled",
                "this occurrence was cancelled",
            ));
        }
        if o.ends_at <= self.config.tuning.clock.now() {
            return Err(Error::conflict(
                "occurrence_over",
                "this occurrence is over",
            ));
        }
        c.set_rsvp(
            meeting.id,
            occurrence,
            actor.id(),
            response.map(response_text),
            store::now(),
        )
        .await?;
        // The occurrence is known already: only the answers are read again.
        let view = Answers::load(&mut c, meeting.id, actor.id())
            .await?
            .view(meeting.id, o);
        tx.commit().await?;
        self.events.to_channel(
            meeting.channel_id,
            &ServerEvent::MeetingRsvp {
                channel_id: meeting.channel_id,
                meeting_id: meeting.id,
                occurrence,
                rsvps: view.rsvps,
                user_id: actor.id(),
                response,
            },
            None,
        );
        Ok(view)
    }
}
