//! Polls (MSG-4): 2–10 options, single or multiple choice, optionally anonymous,
//! optional expiry, closed by their creator or a moderator. A poll is shown by a
//! message in the channel; votes and results are published live.

use std::collections::BTreeSet;

use chrono::Duration;
use sqlx::types::Json;
use uuid::Uuid;

use super::{MessageTicket, NewMessage, message_not_found};
use crate::api::{PollOptionView, PollView, ServerEvent};
use crate::domain::error::{Error, Result};
use crate::domain::{Actor, Core, validate};
use crate::store::{self, Conn, Poll};

pub const OPTIONS: std::ops::RangeInclusive<usize> = 2..=10;
pub const QUESTION_MAX: usize = 300;
pub const OPTION_MAX: usize = 100;
/// Up to 30 days.
pub const EXPIRY_MINUTES_MAX: u32 = 30 * 24 * 60;

#[derive(Debug, Clone, Default)]
pub struct NewPoll {
    pub question: String,
    pub options: Vec<String>,
    pub multi_select: bool,
    pub anonymous: bool,
    pub expires_in_minutes: Option<u32>,
}

fn poll_not_found() -> Error {
    Error::not_found("poll_not_found", "no such poll")
}

impl Core {
    pub async fn create_poll(
        &self,
        actor: &Actor,
        channel_id: Uuid,
        input: NewPoll,
    ) -> Result<PollView> {
        let question = validate::name("question", &input.question, QUESTION_MAX)?;
        if !OPTIONS.contains(&input.options.len()) {
            return Err(Error::invalid("options", "a poll has 2 to 10 options"));
        }
        let options = input
            .options
            .iter()
            .map(|o| validate::name("options", o, OPTION_MAX))
            .collect::<Result<Vec<_>>>()?;
        if let Some(minutes) = input.expires_in_minutes
            && !(1..=EXPIRY_MINUTES_MAX).contains(&minutes)
        {
            return Err(Error::invalid(
                "expires_in_minutes",
                "a poll lasts 1 minute to 30 days",
            ));
        }
        self.check_send_rate(actor.id())?;
        let now = store::now();
        let ticket = MessageTicket::take(self, channel_id);
        let message_id = ticket.id();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let content = format!("📊 {question}");
        self.write_message(
            &mut c,
            actor,
            channel_id,
            message_id,
            NewMessage {
                content,
                reply_to_id: None,
                thread_id: None,
                ..Default::default()
            },
        )
        .await?;
        let poll = Poll {
            id: store::new_id(),
            message_id,
            question,
            options: Json(options),
            multi_select: input.multi_select,
            anonymous: input.anonymous,
            expires_at: input
                .expires_in_minutes
                .map(|m| now + Duration::minutes(i64::from(m))),
            closed_at: None,
            created_by: Some(actor.id()),
            created_at: now,
        };
        c.insert_poll(&poll).await?;
        let view = self.load_view(&mut c, message_id).await?;
        tx.commit().await?;
        ticket.publish(view, None).await;
        self.poll_view(actor, poll.id).await
    }

    /// A poll of a readable channel with its results.
    pub async fn poll_view(&self, actor: &Actor, poll_id: Uuid) -> Result<PollView> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let (poll, channel_id) = self.readable_poll(&mut c, actor, poll_id).await?;
        results(&mut c, &poll, channel_id, Some(actor.id())).await
    }

    /// Votes (replacing the caller's earlier votes); an empty list withdraws.
    pub async fn vote(&self, actor: &Actor, poll_id: Uuid, choices: &[u32]) -> Result<PollView> {
        let now = store::now();
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (poll, channel_id) = self.readable_poll(&mut c, actor, poll_id).await?;
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        access.require_post(now)?;
        self.check_not_blocked_in_dm(&mut c, actor, &access).await?;
        if poll.closed_at.is_some() || poll.expires_at.is_some_and(|at| at <= now) {
            return Err(Error::conflict("poll_closed", "this poll is closed"));
        }
        let unique: BTreeSet<u32> = choices.iter().copied().collect();
        if unique.len() != choices.len()
            || unique.iter().any(|i| *i as usize >= poll.options.0.len())
        {
            return Err(Error::invalid(
                "options",
                "vote for existing options, each once",
            ));
        }
        if !poll.multi_select && unique.len() > 1 {
            return Err(Error::invalid("options", "this poll takes one choice"));
        }
        let indexes: Vec<i32> = unique.into_iter().map(|i| i as i32).collect();
        c.set_poll_votes(poll_id, actor.id(), &indexes, now).await?;
        let public = results(&mut c, &poll, channel_id, None).await?;
        tx.commit().await?;
        self.events
            .to_channel(channel_id, &ServerEvent::PollUpdated { poll: public }, None);
        self.poll_view(actor, poll_id).await
    }

    /// Closes a poll: its creator, or moderators of the community.
    pub async fn close_poll(&self, actor: &Actor, poll_id: Uuid) -> Result<PollView> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let (poll, channel_id) = self.readable_poll(&mut c, actor, poll_id).await?;
        let access = self.channel_access(&mut c, actor, channel_id).await?;
        if poll.created_by != Some(actor.id()) {
            if !access.is_moderator() {
                return Err(Error::forbidden(
                    "not_creator",
                    "only the poll's creator or a moderator may close it",
                ));
            }
            access.require_moderates(&mut c, poll.created_by).await?;
        }
        c.close_poll(poll_id, store::now()).await?;
        let closed = c.poll(poll_id).await?.ok_or_else(poll_not_found)?;
        let public = results(&mut c, &closed, channel_id, None).await?;
        tx.commit().await?;
        self.events
            .to_channel(channel_id, &ServerEvent::PollUpdated { poll: public }, None);
        self.poll_view(actor, poll_id).await
    }

    async fn readable_poll(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        poll_id: Uuid,
    ) -> Result<(Poll, Uuid)> {
        let poll = c.poll(poll_id).await?.ok_or_else(poll_not_found)?;
        let (access, row) = self
            .readable_message(c, actor, poll.message_id)
            .await
            .map_err(|_| poll_not_found())?;
        if row.message.deleted_at.is_some() {
            return Err(message_not_found());
        }
        Ok((poll, access.channel.id))
    }
}

/// Counts per option; voters unless anonymous; the viewer's own votes if given.
async fn results(
    c: &mut Conn<'_>,
    poll: &Poll,
    channel_id: Uuid,
    viewer: Option<Uuid>,
) -> Result<PollView> {
    let votes = c.poll_votes(poll.id).await?;
    let voters: BTreeSet<Uuid> = votes.iter().map(|v| v.user_id).collect();
    let options = poll
        .options
        .0
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let on_this: Vec<Uuid> = votes
                .iter()
                .filter(|v| v.option_index as usize == i)
                .map(|v| v.user_id)
                .collect();
            PollOptionView {
                label: label.clone(),
                votes: on_this.len(),
                voters: if poll.anonymous { Vec::new() } else { on_this },
            }
        })
        .collect();
    let my_votes = viewer
        .map(|me| {
            votes
                .iter()
                .filter(|v| v.user_id == me)
                .map(|v| v.option_index as u32)
                .collect()
        })
        .unwrap_or_default();
    let closed = poll.closed_at.is_some() || poll.expires_at.is_some_and(|at| at <= store::now());
    Ok(PollView {
        id: poll.id,
        message_id: poll.message_id,
        channel_id,
        question: poll.question.clone(),
        options,
        multi_select: poll.multi_select,
        anonymous: poll.anonymous,
        expires_at: poll.expires_at,
        closed,
        total_voters: voters.len(),
        my_votes,
    })
}
