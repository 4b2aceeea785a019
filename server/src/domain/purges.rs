//! Purges (ADM-8): instance administrators remove a message, all of a person's
//! messages (in one community or everywhere) or a whole channel's, for good. The
//! request makes a job and returns at once; a worker removes the messages in small
//! transactions with a pause between them, so everyone else's reads and writes go on,
//! and records the progress in the job's row with each batch: a restart resumes
//! where it stopped. Clients are told which messages went (`messages_purged`), and
//! administrators how the job goes (`purge_updated`). Starting a purge is audited.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::{Notify, watch};
use uuid::Uuid;

use super::error::{Error, Result};
use super::{Actor, Core, RequestMeta};
use crate::api::{NewPurgeRequest, PurgeJobView, PurgeKind, PurgeStatus, ServerEvent};
use crate::events::Topic;
use crate::store::{self, NewAuditEntry, PurgeJob};

/// Wakes the purge worker when a job is queued.
#[derive(Clone, Default)]
pub(crate) struct PurgeWake(pub(crate) Arc<Notify>);

/// How often in a row the current job's batch failed, so one job that cannot go on
/// (a constraint, a corrupt row) is marked failed instead of blocking every job after it.
#[derive(Default)]
pub(crate) struct PurgeFailures(std::sync::Mutex<Option<(Uuid, u32)>>);

impl PurgeFailures {
    /// Counts a failure of `job`'s batch; answers the failures in a row.
    fn record(&self, job: Uuid) -> u32 {
        let mut last = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let count = match *last {
            Some((id, n)) if id == job => n + 1,
            _ => 1,
        };
        *last = Some((job, count));
        count
    }

    fn clear(&self) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

fn purge_not_found() -> Error {
    Error::not_found("purge_not_found", "no such purge")
}

impl From<PurgeJob> for PurgeJobView {
    fn from(j: PurgeJob) -> Self {
        PurgeJobView {
            id: j.id,
            kind: match j.kind.as_str() {
                "user" => PurgeKind::User,
                "channel" => PurgeKind::Channel,
                _ => PurgeKind::Message,
            },
            message_id: j.message_id,
            user_id: j.user_id,
            channel_id: j.channel_id,
            community_id: j.community_id,
            status: match j.status.as_str() {
                "running" => PurgeStatus::Running,
                "done" => PurgeStatus::Done,
                "failed" => PurgeStatus::Failed,
                _ => PurgeStatus::Queued,
            },
            total: j.total,
            removed: j.removed,
            error: j.error,
            created_by: j.created_by,
            created_at: j.created_at,
            finished_at: j.finished_at,
        }
    }
}

impl Core {
    /// Queues a purge (instance administrators); the worker starts on it at once.
    pub async fn start_purge(
        &self,
        actor: &Actor,
        request: NewPurgeRequest,
        meta: &RequestMeta,
    ) -> Result<PurgeJobView> {
        actor.require_admin()?;
        let mut job = PurgeJob {
            id: store::new_id(),
            kind: String::new(),
            message_id: None,
            user_id: None,
            channel_id: None,
            community_id: None,
            status: "queued".to_owned(),
            total: 0,
            removed: 0,
            error: None,
            created_by: Some(actor.id()),
            created_at: store::now(),
            finished_at: None,
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let only = |field: &'static str, wanted: bool| -> Result<()> {
            if wanted {
                Ok(())
            } else {
                Err(Error::invalid(
                    field,
                    format!("{field} does not go with this kind of purge"),
                ))
            }
        };
        match request.kind {
            PurgeKind::Message => {
                only("user_id", request.user_id.is_none())?;
                only("channel_id", request.channel_id.is_none())?;
                only("community_id", request.community_id.is_none())?;
                let id = request
                    .message_id
                    .ok_or_else(|| Error::invalid("message_id", "say which message"))?;
                c.message(id)
                    .await?
                    .ok_or_else(super::messages::message_not_found)?;
                job.kind = "message".to_owned();
                job.message_id = Some(id);
            }
            PurgeKind::User => {
                only("message_id", request.message_id.is_none())?;
                only("channel_id", request.channel_id.is_none())?;
                let id = request
                    .user_id
                    .ok_or_else(|| Error::invalid("user_id", "say whose messages"))?;
                c.user_by_id(id)
                    .await?
                    .ok_or_else(|| Error::not_found("user_not_found", "no such user"))?;
                if let Some(community_id) = request.community_id {
                    c.community(community_id)
                        .await?
                        .ok_or_else(super::community::community_not_found)?;
                }
                job.kind = "user".to_owned();
                job.user_id = Some(id);
                job.community_id = request.community_id;
            }
            PurgeKind::Channel => {
                only("message_id", request.message_id.is_none())?;
                only("user_id", request.user_id.is_none())?;
                only("community_id", request.community_id.is_none())?;
                let id = request
                    .channel_id
                    .ok_or_else(|| Error::invalid("channel_id", "say which channel"))?;
                c.channel(id)
                    .await?
                    .ok_or_else(super::community::channel_not_found)?;
                job.kind = "channel".to_owned();
                job.channel_id = Some(id);
            }
        }
        job.total = c.count_purge_targets(&job).await?;
        c.insert_purge_job(&job).await?;
        let entry = NewAuditEntry::by(actor.id(), "admin.purge_started")
            .target(job.user_id)
            .details(serde_json::json!({
                "purge_id": job.id, "kind": job.kind, "message_id": job.message_id,
                "channel_id": job.channel_id, "community_id": job.community_id, "total": job.total,
            }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        self.purge_wake.0.notify_one();
        Ok(job.into())
    }

    /// Purge jobs, newest first (instance administrators).
    pub async fn purge_jobs(
        &self,
        actor: &Actor,
        before: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<PurgeJobView>> {
        actor.require_admin()?;
        let limit = i64::from(limit.unwrap_or(50).clamp(1, 200));
        let jobs = self
            .db
            .acquire()
            .await?
            .conn()
            .purge_jobs_page(before, limit)
            .await?;
        Ok(jobs.into_iter().map(PurgeJobView::from).collect())
    }

    pub async fn purge_job(&self, actor: &Actor, id: Uuid) -> Result<PurgeJobView> {
        actor.require_admin()?;
        let job = self
            .db
            .acquire()
            .await?
            .conn()
            .purge_job(id)
            .await?
            .ok_or_else(purge_not_found)?;
        Ok(job.into())
    }

    /// The worker: one batch per pass while jobs are unfinished (with a pause between
    /// batches), otherwise asleep until a job is queued. Stops when `stop` changes.
    pub async fn run_purges(&self, stop: watch::Receiver<bool>) {
        super::workers::run_passes("purge", &self.purge_wake.0, stop, || self.purge_batch()).await;
    }

    /// Removes one batch of the oldest unfinished job; says when to come back.
    async fn purge_batch(&self) -> Result<Option<DateTime<Utc>>> {
        let tuning = &self.config.tuning;
        let size = tuning.purge_batch_size.max(1);
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let Some(job) = c.next_purge_job().await? else {
            return Ok(None);
        };
        let now = store::now();
        let batch = match c.purge_batch(&job, i64::from(size), now).await {
            Ok(batch) => batch,
            Err(err) => {
                drop(tx);
                return self.purge_batch_failed(job.id, err.into()).await;
            }
        };
        self.purge_failures.clear();
        let finished = batch.messages.len() < size as usize;
        if finished {
            c.finish_purge_job(job.id, None, now).await?;
        }
        let job = c.purge_job(job.id).await?.ok_or_else(purge_not_found)?;
        let admins = c.instance_admin_ids().await?;
        tx.commit().await?;
        self.remove_stored(&batch.files).await;
        let mut by_channel: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (message_id, channel_id) in batch.messages {
            by_channel.entry(channel_id).or_default().push(message_id);
        }
        for (channel_id, message_ids) in by_channel {
            let event = ServerEvent::MessagesPurged {
                channel_id,
                message_ids,
            };
            self.events.to_channel(channel_id, &event, None);
        }
        let event = ServerEvent::PurgeUpdated { job: job.into() };
        self.events
            .publish(admins.into_iter().map(Topic::User).collect(), &event, None);
        if finished {
            // Straight on to the next job, if any.
            return Ok(Some(now));
        }
        let pause = chrono::Duration::from_std(tuning.purge_batch_pause)
            .unwrap_or(chrono::Duration::seconds(1));
        Ok(Some(now + pause))
    }

    /// A batch of `job` failed (rolled back): retried after a pause, and after
    /// `purge_max_attempts` failures in a row the job is marked failed with the error.
    async fn purge_batch_failed(&self, job: Uuid, err: Error) -> Result<Option<DateTime<Utc>>> {
        let attempts = self.purge_failures.record(job);
        if attempts < self.config.tuning.purge_max_attempts.max(1) {
            return Err(err);
        }
        tracing::error!(purge = %job, error = %err, attempts, "purge failed; giving up on it");
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let reason = format!("stopped after {attempts} failed attempts: {err}");
        c.finish_purge_job(job, Some(&reason), store::now()).await?;
        let view = c.purge_job(job).await?.ok_or_else(purge_not_found)?;
        let admins = c.instance_admin_ids().await?;
        tx.commit().await?;
        self.purge_failures.clear();
        let event = ServerEvent::PurgeUpdated { job: view.into() };
        self.events
            .publish(admins.into_iter().map(Topic::User).collect(), &event, None);
        // On to the next job, if any.
        Ok(Some(store::now()))
    }
}
