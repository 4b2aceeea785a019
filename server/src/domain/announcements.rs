//! Announcements (ADM-7): instance administrators post banners to everyone, with a
//! severity and an optional expiry. They arrive live on every connection; each
//! person dismisses one for all of their devices at once. Posting and withdrawing
//! are audited.

use uuid::Uuid;

use super::error::{Error, Result};
use super::{Actor, Core, RequestMeta, validate};
use crate::api::{
    AdminAnnouncementView, AnnouncementSeverity, AnnouncementView, NewAnnouncementRequest,
    ServerEvent,
};
use crate::events::Topic;
use crate::store::{self, Announcement, AnnouncementRow, NewAuditEntry};

const TITLE_MAX: usize = 120;
const BODY_MAX: usize = 2000;

fn announcement_not_found() -> Error {
    Error::not_found("announcement_not_found", "no such announcement")
}

fn severity_str(severity: AnnouncementSeverity) -> &'static str {
    match severity {
        AnnouncementSeverity::Info => "info",
        AnnouncementSeverity::Warning => "warning",
        AnnouncementSeverity::Critical => "critical",
    }
}

impl From<Announcement> for AnnouncementView {
    fn from(a: Announcement) -> Self {
        AnnouncementView {
            id: a.id,
            title: a.title,
            body: a.body,
            severity: match a.severity.as_str() {
                "critical" => AnnouncementSeverity::Critical,
                "warning" => AnnouncementSeverity::Warning,
                _ => AnnouncementSeverity::Info,
            },
            created_at: a.created_at,
            expires_at: a.expires_at,
        }
    }
}

impl From<AnnouncementRow> for AdminAnnouncementView {
    fn from(row: AnnouncementRow) -> Self {
        let active = row
            .announcement
            .expires_at
            .is_none_or(|at| at > store::now());
        AdminAnnouncementView {
            created_by: row.announcement.created_by,
            created_by_username: row.created_by_username,
            dismissals: row.dismissals,
            active,
            announcement: row.announcement.into(),
        }
    }
}

impl Core {
    /// Posts an announcement and shows it on every connection at once.
    pub async fn create_announcement(
        &self,
        actor: &Actor,
        request: NewAnnouncementRequest,
        meta: &RequestMeta,
    ) -> Result<AnnouncementView> {
        actor.require_admin()?;
        let title = request.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            return Err(Error::invalid(
                "title",
                format!("a title must be 1 to {TITLE_MAX} characters"),
            ));
        }
        validate::text("title", &title)?;
        let body =
            validate::optional_text("body", Some(&request.body), BODY_MAX)?.unwrap_or_default();
        let now = store::now();
        if request.expires_at.is_some_and(|at| at <= now) {
            return Err(Error::invalid(
                "expires_at",
                "the expiry must be in the future",
            ));
        }
        let announcement = Announcement {
            id: store::new_id(),
            title,
            body,
            severity: severity_str(request.severity).to_owned(),
            created_by: Some(actor.id()),
            created_at: now,
            expires_at: request.expires_at,
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        c.insert_announcement(&announcement).await?;
        let entry = NewAuditEntry::by(actor.id(), "admin.announcement_created").details(
            serde_json::json!({ "announcement_id": announcement.id, "title": announcement.title,
                                "severity": announcement.severity }),
        );
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        let view = AnnouncementView::from(announcement);
        let event = ServerEvent::AnnouncementCreated {
            announcement: view.clone(),
        };
        self.events.publish(vec![Topic::Everyone], &event, None);
        Ok(view)
    }

    /// Withdraws an announcement: it disappears everywhere at once.
    pub async fn delete_announcement(
        &self,
        actor: &Actor,
        id: Uuid,
        meta: &RequestMeta,
    ) -> Result<()> {
        actor.require_admin()?;
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        if !c.delete_announcement(id).await? {
            return Err(announcement_not_found());
        }
        let entry = NewAuditEntry::by(actor.id(), "admin.announcement_removed")
            .details(serde_json::json!({ "announcement_id": id }));
        self.audit(&mut c, meta, entry).await?;
        tx.commit().await?;
        let event = ServerEvent::AnnouncementRemoved {
            announcement_id: id,
        };
        self.events.publish(vec![Topic::Everyone], &event, None);
        Ok(())
    }

    /// Every announcement, newest first, with its dismissals (administrators).
    pub async fn announcements_admin(
        &self,
        actor: &Actor,
        before: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<AdminAnnouncementView>> {
        actor.require_admin()?;
        let limit = i64::from(limit.unwrap_or(50).clamp(1, 200));
        let rows = self
            .db
            .acquire()
            .await?
            .conn()
            .announcements_page(before, limit)
            .await?;
        Ok(rows.into_iter().map(AdminAnnouncementView::from).collect())
    }

    /// What the actor should see: unexpired announcements they have not dismissed.
    pub async fn my_announcements(&self, actor: &Actor) -> Result<Vec<AnnouncementView>> {
        let rows = self
            .db
            .acquire()
            .await?
            .conn()
            .active_announcements(actor.id(), store::now())
            .await?;
        Ok(rows.into_iter().map(AnnouncementView::from).collect())
    }

    /// Hides an announcement for the actor on all of their devices (idempotent).
    pub async fn dismiss_announcement(&self, actor: &Actor, id: Uuid) -> Result<()> {
        let found = self
            .db
            .acquire()
            .await?
            .conn()
            .dismiss_announcement(id, actor.id(), store::now())
            .await?;
        if !found {
            return Err(announcement_not_found());
        }
        let event = ServerEvent::AnnouncementRemoved {
            announcement_id: id,
        };
        self.events.to_user(actor.id(), &event);
        Ok(())
    }
}
