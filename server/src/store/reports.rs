//! Reports about messages and people, and how they were closed.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Report {
    pub id: Uuid,
    pub reporter_id: Option<Uuid>,
    /// `message` or `user`.
    pub kind: String,
    pub target_user_id: Option<Uuid>,
    pub message_id: Option<Uuid>,
    pub channel_id: Option<Uuid>,
    pub community_id: Option<Uuid>,
    /// The reported message's text when it was reported.
    pub message_content: Option<String>,
    pub reason: String,
    /// `open`, `resolved` or `dismissed`.
    pub status: String,
    /// How a resolved report was acted on: `none`, `delete`, `timeout`, `ban`, `suspend`.
    pub action: Option<String>,
    pub resolution_note: Option<String>,
    pub resolved_by: Option<Uuid>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A report with the names people and places are shown by.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ReportRow {
    #[sqlx(flatten)]
    pub report: Report,
    pub reporter_username: Option<String>,
    pub target_username: Option<String>,
    pub target_display_name: Option<String>,
    pub resolver_username: Option<String>,
    pub community_name: Option<String>,
    pub channel_name: Option<String>,
}

/// Which reports a reviewer lists.
#[derive(Debug, Clone, Copy)]
pub struct ReportFilter<'a> {
    /// The reviewer: without `all`, only reports in communities they moderate.
    pub reviewer: Uuid,
    /// Instance administrators see every report.
    pub all: bool,
    pub status: Option<&'a str>,
    pub community_id: Option<Uuid>,
    pub before: Option<Uuid>,
    pub limit: i64,
}

macro_rules! select_reports {
    ($rest:literal) => {
        concat!(
            "SELECT r.id, r.reporter_id, r.kind, r.target_user_id, r.message_id, r.channel_id, \
             r.community_id, r.message_content, r.reason, r.status, r.action, r.resolution_note, r.resolved_by, \
             r.resolved_at, r.created_at, ru.username AS reporter_username, tu.username AS target_username, \
             tu.display_name AS target_display_name, vu.username AS resolver_username, co.name AS community_name, \
             ch.name AS channel_name \
             FROM reports r \
             LEFT JOIN users ru ON ru.id = r.reporter_id \
             LEFT JOIN users tu ON tu.id = r.target_user_id \
             LEFT JOIN users vu ON vu.id = r.resolved_by \
             LEFT JOIN communities co ON co.id = r.community_id \
             LEFT JOIN channels ch ON ch.id = r.channel_id ",
            $rest
        )
    };
}

impl Conn<'_> {
    pub async fn insert_report(&mut self, r: &Report) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO reports (id, reporter_id, kind, target_user_id, message_id, channel_id, community_id, \
                 message_content, reason, status, action, resolution_note, resolved_by, resolved_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(r.id)
            .bind(r.reporter_id)
            .bind(&r.kind)
            .bind(r.target_user_id)
            .bind(r.message_id)
            .bind(r.channel_id)
            .bind(r.community_id)
            .bind(&r.message_content)
            .bind(&r.reason)
            .bind(&r.status)
            .bind(&r.action)
            .bind(&r.resolution_note)
            .bind(r.resolved_by)
            .bind(r.resolved_at)
            .bind(r.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn report(&mut self, id: Uuid) -> StoreResult<Option<ReportRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_reports!("WHERE r.id = $1"))
                .bind(id)
                .fetch_optional(e)
                .await?
        }))
    }

    /// Whether this person already has an open report about the same message or user.
    pub async fn open_report_exists(
        &mut self,
        reporter_id: Uuid,
        message_id: Option<Uuid>,
        target_user_id: Option<Uuid>,
    ) -> StoreResult<bool> {
        let n: i64 = db_run!(self, |e| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM reports WHERE reporter_id = $1 AND status = 'open' AND \
                 (($2 IS NOT NULL AND message_id = $2) OR ($2 IS NULL AND kind = 'user' AND target_user_id = $3))",
            )
            .bind(reporter_id)
            .bind(message_id)
            .bind(target_user_id)
            .fetch_one(e)
            .await?
        });
        Ok(n > 0)
    }

    /// Closes an open report; false when it was no longer open.
    pub async fn close_report(
        &mut self,
        id: Uuid,
        status: &str,
        action: Option<&str>,
        note: Option<&str>,
        resolved_by: Uuid,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = db_run!(self, |e| {
            sqlx::query(
                "UPDATE reports SET status = $2, action = $3, resolution_note = $4, resolved_by = $5, \
                 resolved_at = $6 WHERE id = $1 AND status = 'open'",
            )
            .bind(id)
            .bind(status)
            .bind(action)
            .bind(note)
            .bind(resolved_by)
            .bind(at)
            .execute(e)
            .await?
            .rows_affected()
        });
        Ok(done > 0)
    }

    /// Reports for a reviewer, newest first.
    pub async fn reports_for_review(&mut self, f: ReportFilter<'_>) -> StoreResult<Vec<ReportRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_reports!(
                "WHERE ($2 OR r.community_id IN (SELECT community_id FROM community_members \
                 WHERE user_id = $1 AND role IN ('owner', 'admin', 'moderator'))) \
                 AND ($3 IS NULL OR r.status = $3) AND ($4 IS NULL OR r.community_id = $4) \
                 AND ($5 IS NULL OR r.id < $5) ORDER BY r.id DESC LIMIT $6"
            ))
            .bind(f.reviewer)
            .bind(f.all)
            .bind(f.status)
            .bind(f.community_id)
            .bind(f.before)
            .bind(f.limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// The reports a person made, newest first.
    pub async fn reports_by(
        &mut self,
        reporter_id: Uuid,
        before: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<ReportRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(select_reports!(
                "WHERE r.reporter_id = $1 AND ($2 IS NULL OR r.id < $2) ORDER BY r.id DESC LIMIT $3"
            ))
            .bind(reporter_id)
            .bind(before)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// Who reviews reports in a community: its moderators and up, and instance staff.
    pub async fn report_reviewers(&mut self, community_id: Option<Uuid>) -> StoreResult<Vec<Uuid>> {
        Ok(db_run!(self, |e| {
            sqlx::query_scalar(
                "SELECT id FROM users WHERE instance_role IN ('owner', 'admin') AND suspended_at IS NULL \
                 UNION SELECT user_id FROM community_members WHERE community_id = $1 \
                 AND role IN ('owner', 'admin', 'moderator')",
            )
            .bind(community_id)
            .fetch_all(e)
            .await?
        }))
    }

    /// Whether the user is a moderator or more in any community.
    pub async fn moderates_any_community(&mut self, user_id: Uuid) -> StoreResult<bool> {
        let n: i64 = db_run!(self, |e| {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM community_members WHERE user_id = $1 \
                 AND role IN ('owner', 'admin', 'moderator')",
            )
            .bind(user_id)
            .fetch_one(e)
            .await?
        });
        Ok(n > 0)
    }

    /// Instance administrators and the owner whose accounts work.
    pub async fn instance_admin_ids(&mut self) -> StoreResult<Vec<Uuid>> {
        Ok(db_run!(self, |e| {
            sqlx::query_scalar(
                "SELECT id FROM users WHERE instance_role IN ('owner', 'admin') AND suspended_at IS NULL",
            )
            .fetch_all(e)
            .await?
        }))
    }
}
