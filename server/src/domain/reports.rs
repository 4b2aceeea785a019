//! Reports (ADM-6): anyone reports a message they can read, or a person, with a
//! reason. A report made inside a community is reviewed by that community's
//! moderators and up; instance administrators review every report (and alone those
//! about direct messages or without a community). Reviewers resolve a report with an
//! action — delete the message, time out, ban, suspend (administrators) — through
//! the same rules those actions always follow, or dismiss it. Reports are never
//! deleted; creating and closing them is audited, and the reporter learns the outcome
//! live.

use std::num::NonZeroU32;

use uuid::Uuid;

use super::community::{CommunityRole, TIMEOUT_RANGE_SECS, member_not_found};
use super::error::{Error, Result};
use super::rate::UserRate;
use super::{Actor, Core, InstanceRole, RequestMeta, validate};
use crate::api::{
    DismissReportRequest, NewReportRequest, ReportAction, ReportKind, ReportListParams,
    ReportOutcome, ReportStatus, ReportView, ResolveReportRequest, ServerEvent,
};
use crate::events::Topic;
use crate::store::{self, Conn, NewAuditEntry, Report, ReportFilter, ReportRow};

const REASON_MAX: usize = 1000;
const NOTE_MAX: usize = 500;
/// Reports one person may make per hour.
const REPORTS_PER_HOUR: u32 = 10;

pub(crate) fn report_rate() -> UserRate {
    UserRate::new(governor::Quota::per_hour(
        NonZeroU32::new(REPORTS_PER_HOUR).expect("non-zero"),
    ))
}

fn report_not_found() -> Error {
    Error::not_found("report_not_found", "no such report")
}

fn report_closed() -> Error {
    Error::conflict("report_closed", "this report was already closed")
}

fn action_str(action: ReportAction) -> &'static str {
    match action {
        ReportAction::None => "none",
        ReportAction::Delete => "delete",
        ReportAction::Timeout => "timeout",
        ReportAction::Ban => "ban",
        ReportAction::Suspend => "suspend",
    }
}

fn parse_action(raw: &str) -> Option<ReportAction> {
    Some(match raw {
        "none" => ReportAction::None,
        "delete" => ReportAction::Delete,
        "timeout" => ReportAction::Timeout,
        "ban" => ReportAction::Ban,
        "suspend" => ReportAction::Suspend,
        _ => return None,
    })
}

fn status_str(status: ReportStatus) -> &'static str {
    match status {
        ReportStatus::Open => "open",
        ReportStatus::Resolved => "resolved",
        ReportStatus::Dismissed => "dismissed",
    }
}

/// A report as a reviewer sees it, or (`reviewer` false) as its reporter does:
/// without who reviewed it.
fn view(row: ReportRow, reviewer: bool) -> ReportView {
    let r = row.report;
    let status = match r.status.as_str() {
        "resolved" => ReportStatus::Resolved,
        "dismissed" => ReportStatus::Dismissed,
        _ => ReportStatus::Open,
    };
    let outcome = r.resolved_at.map(|resolved_at| ReportOutcome {
        action: r.action.as_deref().and_then(parse_action),
        note: r.resolution_note.clone(),
        resolved_by: r.resolved_by.filter(|_| reviewer),
        resolved_by_username: row.resolver_username.filter(|_| reviewer),
        resolved_at,
    });
    ReportView {
        id: r.id,
        kind: if r.kind == "user" {
            ReportKind::User
        } else {
            ReportKind::Message
        },
        status,
        reason: r.reason,
        reporter_id: r.reporter_id,
        reporter_username: row.reporter_username,
        target_user_id: r.target_user_id,
        target_username: row.target_username,
        target_display_name: row.target_display_name,
        community_id: r.community_id,
        community_name: row.community_name,
        channel_id: r.channel_id,
        channel_name: row.channel_name,
        message_id: r.message_id,
        message_content: r.message_content,
        outcome,
        created_at: r.created_at,
    }
}

impl Core {
    /// Reports a message the actor can read, or a person.
    pub async fn create_report(
        &self,
        actor: &Actor,
        request: NewReportRequest,
        meta: &RequestMeta,
    ) -> Result<ReportView> {
        actor.require_person()?;
        let reason = request.reason.trim().to_owned();
        if reason.is_empty() || reason.chars().count() > REASON_MAX {
            return Err(Error::invalid(
                "reason",
                format!("a reason must be 1 to {REASON_MAX} characters"),
            ));
        }
        validate::text("reason", &reason)?;
        let mut report = Report {
            id: store::new_id(),
            reporter_id: Some(actor.id()),
            kind: String::new(),
            target_user_id: None,
            message_id: None,
            channel_id: None,
            community_id: None,
            message_content: None,
            reason,
            status: "open".to_owned(),
            action: None,
            resolution_note: None,
            resolved_by: None,
            resolved_at: None,
            created_at: store::now(),
        };
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        match (request.message_id, request.user_id) {
            (Some(message_id), None) => {
                if request.community_id.is_some() {
                    return Err(Error::invalid(
                        "community_id",
                        "a message's community is known; send community_id only with user_id",
                    ));
                }
                let (access, row) = self.readable_message(&mut c, actor, message_id).await?;
                if row.message.deleted_at.is_some() {
                    return Err(super::messages::message_not_found());
                }
                report.kind = "message".to_owned();
                report.target_user_id = row.message.author_id;
                report.message_id = Some(message_id);
                report.channel_id = Some(access.channel.id);
                report.community_id = access.community_id();
                report.message_content = Some(row.message.content);
            }
            (None, Some(user_id)) => {
                c.user_by_id(user_id)
                    .await?
                    .ok_or_else(|| Error::not_found("user_not_found", "no such user"))?;
                if let Some(community_id) = request.community_id {
                    self.member_access(&mut c, actor, community_id).await?;
                    if c.community_member(community_id, user_id).await?.is_none() {
                        return Err(member_not_found());
                    }
                }
                report.kind = "user".to_owned();
                report.target_user_id = Some(user_id);
                report.community_id = request.community_id;
            }
            _ => {
                return Err(Error::invalid(
                    "message_id",
                    "report either a message (message_id) or a person (user_id)",
                ));
            }
        }
        if report.target_user_id == Some(actor.id()) {
            return Err(Error::bad_request(
                "cannot_report_self",
                "you cannot report yourself",
            ));
        }
        if c.open_report_exists(actor.id(), report.message_id, report.target_user_id)
            .await?
        {
            return Err(Error::conflict(
                "already_reported",
                "you already reported this; moderators will look at it",
            ));
        }
        self.reports
            .check(actor.id(), "you have made many reports; try again later")?;
        c.insert_report(&report).await?;
        let entry = NewAuditEntry::by(actor.id(), "report.created")
            .target(report.target_user_id)
            .details(serde_json::json!({ "report_id": report.id, "kind": report.kind }));
        let entry = match report.community_id {
            Some(community_id) => entry.community(community_id),
            None => entry,
        };
        self.audit(&mut c, meta, entry).await?;
        let row = c.report(report.id).await?.ok_or_else(report_not_found)?;
        tx.commit().await?;
        self.publish_report(&row).await?;
        Ok(view(row, false))
    }

    /// The reports the actor made, with their outcomes.
    pub async fn my_reports(
        &self,
        actor: &Actor,
        before: Option<Uuid>,
        limit: Option<u32>,
    ) -> Result<Vec<ReportView>> {
        let limit = i64::from(limit.unwrap_or(50).clamp(1, 200));
        let rows = self
            .db
            .acquire()
            .await?
            .conn()
            .reports_by(actor.id(), before, limit)
            .await?;
        Ok(rows.into_iter().map(|r| view(r, false)).collect())
    }

    /// Reports the actor reviews: every one for instance administrators, those in
    /// communities they moderate for others (403 for people who moderate nothing).
    pub async fn reports_for_review(
        &self,
        actor: &Actor,
        params: ReportListParams,
    ) -> Result<Vec<ReportView>> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let all = actor.role() >= InstanceRole::Admin;
        if let Some(community_id) = params.community_id {
            let access = self.member_access(&mut c, actor, community_id).await?;
            access.require(CommunityRole::Moderator)?;
        } else if !all && !c.moderates_any_community(actor.id()).await? {
            return Err(Error::forbidden(
                "not_a_moderator",
                "reports are reviewed by moderators and administrators",
            ));
        }
        let rows = c
            .reports_for_review(ReportFilter {
                reviewer: actor.id(),
                all,
                status: params.status.map(status_str),
                community_id: params.community_id,
                before: params.before,
                limit: i64::from(params.limit.unwrap_or(50).clamp(1, 200)),
            })
            .await?;
        Ok(rows.into_iter().map(|r| view(r, true)).collect())
    }

    /// Resolves an open report, acting on it first as asked.
    pub async fn resolve_report(
        &self,
        actor: &Actor,
        id: Uuid,
        request: ResolveReportRequest,
        meta: &RequestMeta,
    ) -> Result<ReportView> {
        let note = validate::optional_text("note", request.note.as_deref(), NOTE_MAX)?;
        let duration = match request.action {
            ReportAction::Timeout => Some(
                request
                    .duration_secs
                    .filter(|d| TIMEOUT_RANGE_SECS.contains(d))
                    .ok_or_else(|| {
                        Error::invalid("duration_secs", "a timeout lasts 60 seconds to 28 days")
                    })?,
            ),
            _ => None,
        };
        let report = self.reviewable_report(actor, id).await?.report;
        let community = || {
            report.community_id.ok_or_else(|| {
                Error::bad_request(
                    "no_community",
                    "this report is not about a community: time-outs and bans do not apply",
                )
            })
        };
        let target = || {
            report
                .target_user_id
                .ok_or_else(|| Error::conflict("target_gone", "the reported account is gone"))
        };
        match request.action {
            ReportAction::None => {}
            ReportAction::Delete => {
                let message_id = report.message_id.ok_or_else(|| {
                    Error::bad_request("no_message", "this report is not about a message")
                })?;
                self.delete_reported_message(actor, &report, message_id)
                    .await?;
            }
            ReportAction::Timeout => {
                let secs = duration.expect("validated above");
                self.timeout_member(actor, community()?, target()?, secs, note.as_deref(), meta)
                    .await?;
            }
            ReportAction::Ban => {
                self.ban_user(actor, community()?, target()?, note.as_deref(), meta)
                    .await?;
            }
            ReportAction::Suspend => {
                actor.require_admin()?;
                self.suspend_user(actor, target()?, note.as_deref(), meta)
                    .await?;
            }
        }
        // The action commits on its own; closing comes after so a refused action
        // leaves the report open. Two reviewers racing both act, one closes.
        self.close_report(actor, &report, "resolved", Some(request.action), note, meta)
            .await
    }

    /// Closes an open report without acting on it.
    pub async fn dismiss_report(
        &self,
        actor: &Actor,
        id: Uuid,
        request: DismissReportRequest,
        meta: &RequestMeta,
    ) -> Result<ReportView> {
        let note = validate::optional_text("note", request.note.as_deref(), NOTE_MAX)?;
        let report = self.reviewable_report(actor, id).await?.report;
        self.close_report(actor, &report, "dismissed", None, note, meta)
            .await
    }

    /// Deletes a reported message (already deleted is fine). In a community the
    /// usual rule applies (moderators delete messages of people below them); a
    /// direct message reported to administrators is deleted on the report's
    /// authority, as they cannot read the conversation itself.
    async fn delete_reported_message(
        &self,
        actor: &Actor,
        report: &Report,
        message_id: Uuid,
    ) -> Result<()> {
        if report.community_id.is_some() {
            return match self.delete_message(actor, message_id).await {
                Err(e)
                    if e.code() == "message_not_found" && self.message_gone(message_id).await? =>
                {
                    Ok(())
                }
                other => other,
            };
        }
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let Some(row) = c.message(message_id).await? else {
            return Ok(());
        };
        if row.message.deleted_at.is_some() {
            return Ok(());
        }
        c.delete_message(message_id, store::now()).await?;
        let files = self.detach_message_files(&mut c, message_id).await?;
        tx.commit().await?;
        self.remove_stored(&files).await;
        let event = ServerEvent::MessageDeleted {
            channel_id: row.message.channel_id,
            message_id,
        };
        self.events.to_channel(row.message.channel_id, &event, None);
        Ok(())
    }

    async fn message_gone(&self, message_id: Uuid) -> Result<bool> {
        let row = self.db.acquire().await?.conn().message(message_id).await?;
        Ok(row.is_none_or(|r| r.message.deleted_at.is_some()))
    }

    /// An open report the actor may review (404 when they may not see it).
    async fn reviewable_report(&self, actor: &Actor, id: Uuid) -> Result<ReportRow> {
        let mut conn = self.db.acquire().await?;
        let mut c = conn.conn();
        let row = c.report(id).await?.ok_or_else(report_not_found)?;
        self.require_reviewer(&mut c, actor, &row.report).await?;
        if row.report.status != "open" {
            return Err(report_closed());
        }
        Ok(row)
    }

    async fn require_reviewer(
        &self,
        c: &mut Conn<'_>,
        actor: &Actor,
        report: &Report,
    ) -> Result<()> {
        if actor.role() >= InstanceRole::Admin {
            return Ok(());
        }
        let Some(community_id) = report.community_id else {
            return Err(report_not_found());
        };
        let access = self
            .member_access(c, actor, community_id)
            .await
            .map_err(|_| report_not_found())?;
        access
            .require(CommunityRole::Moderator)
            .map_err(|_| report_not_found())
    }

    async fn close_report(
        &self,
        actor: &Actor,
        report: &Report,
        status: &'static str,
        action: Option<ReportAction>,
        note: Option<String>,
        meta: &RequestMeta,
    ) -> Result<ReportView> {
        let mut tx = self.db.begin().await?;
        let mut c = tx.conn();
        let action = action.map(action_str);
        if !c
            .close_report(
                report.id,
                status,
                action,
                note.as_deref(),
                actor.id(),
                store::now(),
            )
            .await?
        {
            return Err(report_closed());
        }
        let entry = NewAuditEntry::by(
            actor.id(),
            if status == "resolved" {
                "report.resolved"
            } else {
                "report.dismissed"
            },
        )
        .target(report.target_user_id)
        .details(serde_json::json!({ "report_id": report.id, "action": action, "note": note }));
        let entry = match report.community_id {
            Some(community_id) => entry.community(community_id),
            None => entry,
        };
        self.audit(&mut c, meta, entry).await?;
        let row = c.report(report.id).await?.ok_or_else(report_not_found)?;
        tx.commit().await?;
        self.publish_report(&row).await?;
        Ok(view(row, true))
    }

    /// Tells the reviewers (and the reporter, without who reviewed) about a report.
    async fn publish_report(&self, row: &ReportRow) -> Result<()> {
        let reviewers = self
            .db
            .acquire()
            .await?
            .conn()
            .report_reviewers(row.report.community_id)
            .await?;
        let reporter = row.report.reporter_id;
        let topics = reviewers
            .into_iter()
            .filter(|r| Some(*r) != reporter)
            .map(Topic::User)
            .collect();
        let event = ServerEvent::ReportUpdated {
            report: view(row.clone(), true),
        };
        self.events.publish(topics, &event, None);
        if let Some(reporter) = reporter {
            let own = ServerEvent::ReportUpdated {
                report: view(row.clone(), false),
            };
            self.events.to_user(reporter, &own);
        }
        Ok(())
    }
}
