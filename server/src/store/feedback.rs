//! Feedback people sent.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Conn, StoreResult, db_run};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Feedback {
    pub id: Uuid,
    pub user_id: Option<Uuid>,
    /// `bug`, `idea` or `other`.
    pub category: String,
    pub message: String,
    pub page: Option<String>,
    pub user_agent: Option<String>,
    pub github_issue_url: Option<String>,
    pub github_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A feedback row with its sender's name, for administrators.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FeedbackRow {
    #[sqlx(flatten)]
    pub feedback: Feedback,
    pub username: Option<String>,
}

impl Conn<'_> {
    pub async fn insert_feedback(&mut self, f: &Feedback) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "INSERT INTO feedback (id, user_id, category, message, page, user_agent, github_issue_url, \
                 github_error, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(f.id)
            .bind(f.user_id)
            .bind(&f.category)
            .bind(&f.message)
            .bind(&f.page)
            .bind(&f.user_agent)
            .bind(&f.github_issue_url)
            .bind(&f.github_error)
            .bind(f.created_at)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// Records what filing the feedback on GitHub gave.
    pub async fn set_feedback_github(
        &mut self,
        id: Uuid,
        issue_url: Option<&str>,
        error: Option<&str>,
    ) -> StoreResult<()> {
        db_run!(self, |e| {
            sqlx::query(
                "UPDATE feedback SET github_issue_url = $2, github_error = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(issue_url)
            .bind(error)
            .execute(e)
            .await?;
        });
        Ok(())
    }

    /// The newest feedback first, before `before` (an ID) when given.
    pub async fn feedback_page(
        &mut self,
        before: Option<Uuid>,
        limit: i64,
    ) -> StoreResult<Vec<FeedbackRow>> {
        Ok(db_run!(self, |e| {
            sqlx::query_as(
                "SELECT f.id, f.user_id, f.category, f.message, f.page, f.user_agent, f.github_issue_url, \
                 f.github_error, f.created_at, u.username FROM feedback f LEFT JOIN users u ON u.id = f.user_id \
                 WHERE ($1 IS NULL OR f.id < $1) ORDER BY f.id DESC LIMIT $2",
            )
            .bind(before)
            .bind(limit)
            .fetch_all(e)
            .await?
        }))
    }

    pub async fn delete_feedback(&mut self, id: Uuid) -> StoreResult<bool> {
        let done = db_run!(self, |e| {
            sqlx::query("DELETE FROM feedback WHERE id = $1")
                .bind(id)
                .execute(e)
                .await?
                .rows_affected()
        });
        Ok(done > 0)
    }
}
