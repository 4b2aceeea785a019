//! Instance-wide announcements and who dismissed them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Announcement {
    pub id: Uuid,
    pub title: String,
    pub body: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// An announcement as administrators list it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AnnouncementRow {
    #[sqlx(flatten)]
    pub announcement: Announcement,
    pub created_by_username: Option<String>,
    pub dismissals: i64,
}

impl Conn<'_> {
    pub async fn insert_announcement(&mut self, a: &Announcement) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO announcements (id, title, body, severity, created_by, created_at, expires_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(a.id)
            .bind(&a.title)
            .bind(&a.body)
            .bind(&a.severity)
            .bind(a.created_by)
            .bind(a.created_at)
            .bind(a.expires_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    pub async fn delete_announcement(&mut self, id: Uuid) -> StoreResult<bool> {
        let done = db_run!(self, |e| {
            sqlx::query("DELETE FROM announcements WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }

    /// Announcements not yet expired at `now` that `user_id` has not dismissed,
    /// newest first.
    pub async fn active_announcements(
        &mut self,
        user_id: Uuid,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Announcement>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT a.id, a.title, a.body, a.severity, a.created_by, a.created_at, a.expires_at \
                 FROM announcements a \
                 WHERE (a.expires_at IS NULL OR a.expires_at > $2) AND NOT EXISTS \
                 (SELECT 1 FROM announcement_dismissals d WHERE d.announcement_id = a.id AND d.user_id = $1) \
                 ORDER BY a.id DESC",
            )
            .bind(user_id)
            .bind(now)
            .fetch_all(e)
            .await?
        }))
    }

    /// Every announcement, newest first, with how many people dismissed it.
    pub async fn announcements_page(
        &mut self,
        before: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<AnnouncementRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT a.id, a.title, a.body, a.severity, a.created_by, a.created_at, a.expires_at, \
                 u.username AS created_by_username, \
                 (SELECT COUNT(*) FROM announcement_dismissals d WHERE d.announcement_id = a.id) AS dismissals \
                 FROM announcements a LEFT JOIN users u ON u.id = a.created_by \
                 WHERE ($1 IS NULL OR a.id < $1) ORDER BY a.id DESC LIMIT $2",
            )
            .bind(before)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    /// Records a dismissal; false when the announcement does not exist.
    pub async fn dismiss_announcement(
        &mut self,
        id: Uuid,
        user_id: Uuid,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO announcement_dismissals (announcement_id, user_id, dismissed_at) \
                 SELECT id, $2, $3 FROM announcements WHERE id = $1 \
                 ON CONFLICT (announcement_id, user_id) DO NOTHING",
            )
            .bind(id)
            .bind(user_id)
            .bind(at)
            .execute(e)
            .await?
            .rows_affected()
        });
        if done > 0 {
            return Ok(true);
        }
        self.announcement_exists(id).await
    }

    async fn announcement_exists(&mut self, id: Uuid) -> StoreResult<bool> {
        let n: i64 = db_run!(self, |e| {
            sqlx::query_scalar("SELECT COUNT(*) FROM announcements WHERE id = $1")
                .bind(id)
                .fetch_one(e)
                .await?
        });
        Ok(n > 0)
    }
}
