//! Feedback (INT-2): people send a bug report, an idea or anything else. It is kept
//! for administrators always, and filed as a GitHub issue when the GitHub variables
//! are set (the token stays on the server). A GitHub outage loses nothing: the
//! feedback stays in the panel with the reason it was not filed.

use uuid::Uuid;

use super::error::{Error, Result};
use super::rate::UserRate;
use super::{Actor, Core, RequestMeta, validate};
use crate::api::{FeedbackRequest, FeedbackView};
use crate::integrations::github::Github;
use crate::store::{self, Feedback, FeedbackRow, NewAuditEntry};

const MESSAGE_MAX: usize = 4000;
const PAGE_MAX: usize = 200;
const TITLE_MAX: usize = 80;
const CATEGORIES: &[&str] = &["bug", "idea", "other"];

pub struct FeedbackDesk {
    github: Option<Github>,
    sends: UserRate,
}

impl FeedbackDesk {
    pub fn new(config: &crate::config::Config) -> anyhow::Result<FeedbackDesk> {
        let github = config
            .integrations
            .github
            .clone()
            .map(|gh| Github::new(&config.tuning.github_api_base, gh))
            .transpose()?;
        let per_hour = std::num::NonZeroU32::new(5).expect("non-zero");
        Ok(FeedbackDesk {
            github,
            sends: UserRate::new(governor::Quota::per_hour(per_hour)),
        })
    }
}

impl From<FeedbackRow> for FeedbackView {
    fn from(r: FeedbackRow) -> Self {
        let f = r.feedback;
        FeedbackView {
            id: f.id,
            user_id: f.user_id,
            username: r.username,
            category: f.category,
            message: f.message,
            page: f.page,
            user_agent: f.user_agent,
            github_issue_url: f.github_issue_url,
            github_error: f.github_error,
            created_at: f.created_at,
        }
    }
}

impl Core {
    /// Keeps the feedback, then files it on GitHub when configured.
    pub async fn send_feedback(
        &self,
        actor: &Actor,
        request: FeedbackRequest,
        meta: &RequestMeta,
    ) -> Result<FeedbackView> {
        actor.require_person()?;
        let category = validate::one_of("category", &request.category, CATEGORIES)?;
        let message = request.message.trim().to_owned();
        if message.is_empty() || message.chars().count() > MESSAGE_MAX {
            return Err(Error::invalid(
                "message",
                format!("feedback must be 1 to {MESSAGE_MAX} characters"),
            ));
        }
        validate::text("message", &message)?;
        let page = validate::optional_text("page", request.page.as_deref(), PAGE_MAX)?;
        self.feedback.sends.check(
            actor.id(),
            "you have sent a lot of feedback; try again later",
        )?;
        let mut feedback = Feedback {
            id: store::new_id(),
            user_id: Some(actor.id()),
            category: category.to_owned(),
            message,
            page,
            user_agent: meta.user_agent.clone(),
            github_issue_url: None,
            github_error: None,
            created_at: store::now(),
        };
        self.db
            .acquire()
            .await?
            .conn()
            .insert_feedback(&feedback)
            .await?;
        if let Some(github) = &self.feedback.github {
            match github
                .create_issue(
                    &issue_title(&feedback),
                    &issue_body(&feedback),
                    &["feedback", category],
                )
                .await
            {
                Ok(issue) => feedback.github_issue_url = Some(issue.html_url),
                Err(e) => {
                    tracing::warn!(error = %e, "feedback not filed on GitHub; kept for administrators");
                    feedback.github_error = Some(e.to_string());
                }
            }
            self.db
                .acquire()
                .await?
                .conn()
                .set_feedback_github(
                    feedback.id,
                    feedback.github_issue_url.as_deref(),
                    feedback.github_error.as_deref(),
                )
                .await?;
        }
        Ok(FeedbackRow {
            feedback,
            username: Some(actor.user.username.clone()),
        }
        .into())
    }

    /// The newest feedback first (instance administrators).
    pub async fn feedback_list(
        &self,
        actor: &Actor,
        before: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<FeedbackView>> {
        actor.require_admin()?;
        let limit = i64::from(limit.unwrap_or(50).clamp(1, 200));
        let rows = self
            .db
            .acquire()
            .await?
            .conn()
            .feedback_page(before, limit)
            .await?;
        Ok(rows.into_iter().map(FeedbackView::from).collect())
    }

    pub async fn delete_feedback(&self, actor: &Actor, id: Uuid, meta: &RequestMeta) -> Result<()> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if !c.delete_feedback(id).await? {
            return Err(Error::not_found("feedback_not_found", "no such feedback"));
        }
        let entry = NewAuditEntry::by(actor.id(), "admin.feedback_deleted")
            .details(serde_json::json!({ "feedback_id": id }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// `[bug] First line of the message` (cut to 80 characters).
fn issue_title(f: &Feedback) -> String {
    let first = f.message.lines().next().unwrap_or_default().trim();
    let mut title: String = first.chars().take(TITLE_MAX).collect();
    if first.chars().count() > TITLE_MAX {
        title.push('…');
    }
    format!("[{}] {title}", f.category)
}

/// The message, then where it came from; never who sent it (issues may be public).
fn issue_body(f: &Feedback) -> String {
    let mut body = format!(
        "{}\n\n---\nSent from Chatalot {}",
        f.message,
        env!("CARGO_PKG_VERSION")
    );
    if let Some(page) = &f.page {
        body.push_str(&format!(" on `{page}`"));
    }
    body.push_str(&format!(" (feedback {}).", f.id));
    body
}
