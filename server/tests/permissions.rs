//! The permission matrix (COM-1..6, ADM-1, ADM-2, ADM-6..8): every action is
//! tried by every role — instance owner, instance admin, community owner, community
//! admin, moderator, member, non-member, suspended user — each time in a fresh
//! community.
//! Allowed ones must succeed and have their effect; forbidden ones must answer
//! 403/404 (401 only for the suspended user) and leave the database as it was.

mod common;

use std::collections::HashMap;

use common::{Backend, TestServer};
use reqwest::{Method, StatusCode};
use rstest::rstest;
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Role {
    InstanceOwner,
    InstanceAdmin,
    CommunityOwner,
    CommunityAdmin,
    Moderator,
    Member,
    NonMember,
    Suspended,
}
use Role::*;

const ROLES: [Role; 8] = [
    InstanceOwner,
    InstanceAdmin,
    CommunityOwner,
    CommunityAdmin,
    Moderator,
    Member,
    NonMember,
    Suspended,
];
const STAFF_AND_ADMINS: &[Role] = &[InstanceOwner, InstanceAdmin, CommunityOwner, CommunityAdmin];
const MODERATORS: &[Role] = &[
    InstanceOwner,
    InstanceAdmin,
    CommunityOwner,
    CommunityAdmin,
    Moderator,
];
const EVERY_MEMBER: &[Role] = &[
    InstanceOwner,
    InstanceAdmin,
    CommunityOwner,
    CommunityAdmin,
    Moderator,
    Member,
];
const OWNERS: &[Role] = &[InstanceOwner, InstanceAdmin, CommunityOwner];
/// Members of the community itself (instance staff are not).
const COMMUNITY_MEMBERS: &[Role] = &[CommunityOwner, CommunityAdmin, Moderator, Member];
const INSTANCE_STAFF: &[Role] = &[InstanceOwner, InstanceAdmin];
/// Everyone whose account works.
const SIGNED_IN: &[Role] = &[
    InstanceOwner,
    InstanceAdmin,
    CommunityOwner,
    CommunityAdmin,
    Moderator,
    Member,
    NonMember,
];

/// One action: a request whose path and body name world objects as `{key}`, who may
/// do it, who is not asked (self-targeting), and an SQL count that is non-zero once
/// the action took effect.
struct Action {
    name: &'static str,
    method: Method,
    path: &'static str,
    body: Option<&'static str>,
    allowed: &'static [Role],
    skip: &'static [Role],
    effect: Option<(&'static str, &'static [&'static str])>,
}

const fn act(
    name: &'static str,
    method: Method,
    path: &'static str,
    allowed: &'static [Role],
) -> Action {
    Action {
        name,
        method,
        path,
        body: None,
        allowed,
        skip: &[],
        effect: None,
    }
}

impl Action {
    const fn body(mut self, body: &'static str) -> Action {
        self.body = Some(body);
        self
    }
    const fn skip(mut self, roles: &'static [Role]) -> Action {
        self.skip = roles;
        self
    }
    const fn effect(mut self, sql: &'static str, keys: &'static [&'static str]) -> Action {
        self.effect = Some((sql, keys));
        self
    }
}

fn actions() -> Vec<Action> {
    use Method as M;
    vec![
        act("view community", M::GET, "/api/communities/{community}", EVERY_MEMBER),
        act("list members", M::GET, "/api/communities/{community}/members", EVERY_MEMBER),
        act("list groups", M::GET, "/api/communities/{community}/groups", EVERY_MEMBER),
        act("view public group channels", M::GET, "/api/groups/{general}/channels", EVERY_MEMBER),
        act("view channel", M::GET, "/api/channels/{lobby}", EVERY_MEMBER),
        act("view private group", M::GET, "/api/groups/{staff}", MODERATORS),
        act("view private channel", M::GET, "/api/channels/{mods}", MODERATORS),
        act("list invites", M::GET, "/api/communities/{community}/invites", MODERATORS),
        act("view ban list", M::GET, "/api/communities/{community}/bans", MODERATORS),
        act("view another member's warnings", M::GET, "/api/communities/{community}/members/{moderator}/warnings", MODERATORS)
            .skip(&[Moderator]),
        act("update community", M::PATCH, "/api/communities/{community}", STAFF_AND_ADMINS)
            .body(r#"{"name": "Renamed"}"#)
            .effect("SELECT COUNT(*) FROM communities WHERE id = $1 AND name = 'Renamed'", &["community"]),
        act("theme a community", M::PATCH, "/api/communities/{community}", STAFF_AND_ADMINS)
            .body(r##"{"theme": {"palette": "ocean", "accent": "#112233"}}"##)
            .effect("SELECT COUNT(*) FROM communities WHERE id = $1 AND theme_palette = 'ocean' AND theme_accent = '#112233'", &["community"]),
        act("delete community", M::DELETE, "/api/communities/{community}", OWNERS)
            .effect("SELECT COUNT(*) FROM (SELECT 1 AS x) t WHERE NOT EXISTS (SELECT 1 FROM communities WHERE id = $1)", &["community"]),
        act("transfer community", M::POST, "/api/communities/{community}/transfer", &[CommunityOwner])
            .body(r#"{"user_id": "{member}"}"#)
            .effect("SELECT COUNT(*) FROM communities WHERE id = $1 AND owner_id = $2", &["community", "member"]),
        act("create invite", M::POST, "/api/communities/{community}/invites", MODERATORS)
            .body("{}")
            .effect("SELECT COUNT(*) - 2 FROM community_invites WHERE community_id = $1", &["community"]),
        act("revoke invite", M::DELETE, "/api/communities/{community}/invites/{invite}", MODERATORS)
            .effect("SELECT COUNT(*) FROM community_invites WHERE id = $1 AND revoked_at IS NOT NULL", &["invite"]),
        act("promote member to moderator", M::PATCH, "/api/communities/{community}/members/{member}", STAFF_AND_ADMINS)
            .body(r#"{"role": "moderator"}"#)
            .skip(&[Member])
            .effect("SELECT COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2 AND role = 'moderator'", &["community", "member"]),
        act("promote moderator to admin", M::PATCH, "/api/communities/{community}/members/{moderator}", OWNERS)
            .body(r#"{"role": "admin"}"#)
            .skip(&[Moderator])
            .effect("SELECT COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2 AND role = 'admin'", &["community", "moderator"]),
        act("demote admin", M::PATCH, "/api/communities/{community}/members/{admin}", OWNERS)
            .body(r#"{"role": "member"}"#)
            .skip(&[CommunityAdmin])
            .effect("SELECT COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2 AND role = 'member'", &["community", "admin"]),
        act("rename a member", M::PATCH, "/api/communities/{community}/members/{member}", MODERATORS)
            .body(r#"{"nickname": "Renamed"}"#)
            .skip(&[Member])
            .effect("SELECT COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2 AND nickname = 'Renamed'", &["community", "member"]),
        act("warn member", M::POST, "/api/communities/{community}/members/{member}/warnings", MODERATORS)
            .body(r#"{"reason": "r"}"#)
            .skip(&[Member])
            .effect("SELECT COUNT(*) FROM community_warnings WHERE community_id = $1 AND user_id = $2", &["community", "member"]),
        act("warn moderator", M::POST, "/api/communities/{community}/members/{moderator}/warnings", STAFF_AND_ADMINS)
            .body(r#"{"reason": "r"}"#)
            .skip(&[Moderator])
            .effect("SELECT COUNT(*) FROM community_warnings WHERE community_id = $1 AND user_id = $2", &["community", "moderator"]),
        act("time out member", M::PUT, "/api/communities/{community}/members/{member}/timeout", MODERATORS)
            .body(r#"{"duration_secs": 60}"#)
            .skip(&[Member])
            .effect("SELECT COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2 AND timed_out_until IS NOT NULL", &["community", "member"]),
        act("end a timeout", M::DELETE, "/api/communities/{community}/members/{quiet}/timeout", MODERATORS)
            .effect("SELECT COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2 AND timed_out_until IS NULL", &["community", "quiet"]),
        act("kick member", M::POST, "/api/communities/{community}/members/{member}/kick", MODERATORS)
            .body("{}")
            .skip(&[Member])
            .effect("SELECT 1 - COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2", &["community", "member"]),
        act("kick admin", M::POST, "/api/communities/{community}/members/{admin}/kick", OWNERS)
            .body("{}")
            .skip(&[CommunityAdmin])
            .effect("SELECT 1 - COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2", &["community", "admin"]),
        act("kick the owner", M::POST, "/api/communities/{community}/members/{owner}/kick", &[])
            .body("{}")
            .skip(&[CommunityOwner])
            .effect("SELECT 1 - COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2", &["community", "owner"]),
        act("ban member", M::PUT, "/api/communities/{community}/bans/{member}", MODERATORS)
            .body("{}")
            .skip(&[Member])
            .effect("SELECT COUNT(*) FROM community_bans WHERE community_id = $1 AND user_id = $2", &["community", "member"]),
        act("ban an outsider", M::PUT, "/api/communities/{community}/bans/{victim}", MODERATORS)
            .body("{}")
            .effect("SELECT COUNT(*) FROM community_bans WHERE community_id = $1 AND user_id = $2", &["community", "victim"]),
        act("unban", M::DELETE, "/api/communities/{community}/bans/{banned}", MODERATORS)
            .effect("SELECT 1 - COUNT(*) FROM community_bans WHERE community_id = $1 AND user_id = $2", &["community", "banned"]),
        act("create group", M::POST, "/api/communities/{community}/groups", STAFF_AND_ADMINS)
            .body(r#"{"name": "New"}"#)
            .effect("SELECT COUNT(*) FROM community_groups WHERE community_id = $1 AND name = 'New'", &["community"]),
        act("assign a personal group", M::POST, "/api/communities/{community}/groups", MODERATORS)
            .body(r#"{"name": "Personal", "assigned_to": "{member}"}"#)
            .skip(&[Member])
            .effect("SELECT COUNT(*) FROM community_groups WHERE community_id = $1 AND assigned_to = $2", &["community", "member"]),
        act("update group", M::PATCH, "/api/groups/{general}", STAFF_AND_ADMINS)
            .body(r#"{"name": "Renamed"}"#)
            .effect("SELECT COUNT(*) FROM community_groups WHERE id = $1 AND name = 'Renamed'", &["general"]),
        act("delete group", M::DELETE, "/api/groups/{general}", STAFF_AND_ADMINS)
            .effect("SELECT 1 - COUNT(*) FROM community_groups WHERE id = $1", &["general"]),
        act("add to private group", M::PUT, "/api/groups/{staff}/members/{member}", STAFF_AND_ADMINS)
            .body(r#"{"role": "member"}"#)
            .effect("SELECT COUNT(*) FROM group_members WHERE group_id = $1 AND user_id = $2", &["staff", "member"]),
        act("list public group members", M::GET, "/api/groups/{general}/members", EVERY_MEMBER),
        act("list private group members", M::GET, "/api/groups/{staff}/members", MODERATORS),
        act("remove from a group", M::DELETE, "/api/groups/{general}/members/{member}", STAFF_AND_ADMINS)
            .skip(&[Member])
            .effect("SELECT 1 - COUNT(*) FROM group_members WHERE group_id = $1 AND user_id = $2", &["general", "member"]),
        act("join a public group", M::POST, "/api/groups/{open}/join", COMMUNITY_MEMBERS)
            .body("{}")
            .effect("SELECT COUNT(*) FROM group_members WHERE group_id = $1", &["open"]),
        act("leave a group", M::POST, "/api/groups/{general}/leave", COMMUNITY_MEMBERS)
            .body("{}")
            .effect("SELECT 7 - COUNT(*) FROM group_members WHERE group_id = $1", &["general"]),
        act("create channel", M::POST, "/api/groups/{general}/channels", STAFF_AND_ADMINS)
            .body(r#"{"name": "new"}"#)
            .effect("SELECT COUNT(*) FROM channels WHERE group_id = $1 AND name = 'new'", &["general"]),
        act("update channel", M::PATCH, "/api/channels/{lobby}", STAFF_AND_ADMINS)
            .body(r#"{"read_only": true}"#)
            .effect("SELECT COUNT(*) FROM channels WHERE id = $1 AND read_only", &["lobby"]),
        act("delete channel", M::DELETE, "/api/channels/{lobby}", STAFF_AND_ADMINS)
            .effect("SELECT 1 - COUNT(*) FROM channels WHERE id = $1", &["lobby"]),
        act("leave community", M::POST, "/api/communities/{community}/leave", &[CommunityAdmin, Moderator, Member])
            .body("{}")
            .skip(&[CommunityOwner])
            .effect("SELECT 7 - COUNT(*) FROM community_members WHERE community_id = $1", &["community"]),
        act("accept invite", M::POST, "/api/invites/{code}/accept", &[InstanceOwner, InstanceAdmin, NonMember])
            .body("{}")
            .skip(&[CommunityOwner, CommunityAdmin, Moderator, Member])
            .effect("SELECT COUNT(*) - 7 FROM community_members WHERE community_id = $1", &["community"]),
        act("list users", M::GET, "/api/admin/users", &[InstanceOwner, InstanceAdmin]),
        act("view a user", M::GET, "/api/admin/users/{victim}", INSTANCE_STAFF),
        act("unsuspend a user", M::POST, "/api/admin/users/{frozen}/unsuspend", INSTANCE_STAFF)
            .body("{}")
            .effect("SELECT COUNT(*) FROM users WHERE id = $1 AND suspended_at IS NULL", &["frozen"]),
        act("list registration invites", M::GET, "/api/admin/invites", INSTANCE_STAFF),
        act("create a registration invite", M::POST, "/api/admin/invites", INSTANCE_STAFF)
            .body("{}")
            .effect("SELECT COUNT(*) - 1 FROM registration_invites", &[]),
        act("revoke a registration invite", M::DELETE, "/api/admin/invites/{registration_invite}", INSTANCE_STAFF)
            .effect("SELECT COUNT(*) FROM registration_invites WHERE id = $1 AND revoked_at IS NOT NULL", &["registration_invite"]),
        act("read the audit log", M::GET, "/api/admin/audit-log", INSTANCE_STAFF),
        act("suspend a user", M::POST, "/api/admin/users/{victim}/suspend", &[InstanceOwner, InstanceAdmin])
            .body("{}")
            .effect("SELECT COUNT(*) FROM users WHERE id = $1 AND suspended_at IS NOT NULL", &["victim"]),
        act("grant admin", M::PUT, "/api/admin/users/{victim}/role", &[InstanceOwner])
            .body(r#"{"role": "admin"}"#)
            .effect("SELECT COUNT(*) FROM users WHERE id = $1 AND instance_role = 'admin'", &["victim"]),
        act("reset a password", M::POST, "/api/admin/users/{victim}/reset-password", &[InstanceOwner, InstanceAdmin])
            .body("{}")
            .effect("SELECT 1 - COUNT(*) FROM sessions WHERE user_id = $1", &["victim"]),
        act("delete a user", M::DELETE, "/api/admin/users/{victim}", &[InstanceOwner, InstanceAdmin])
            .effect("SELECT 1 - COUNT(*) FROM users WHERE id = $1", &["victim"]),
        // Meetings (MEET-1): members see and answer, moderators and up manage.
        act("list a channel's meetings", M::GET, "/api/channels/{lobby}/meetings", EVERY_MEMBER),
        act("view a meeting", M::GET, "/api/meetings/{meeting}", EVERY_MEMBER),
        act("view a meeting in a private channel", M::GET, "/api/meetings/{mods_meeting}", MODERATORS),
        act("schedule a meeting", M::POST, "/api/channels/{lobby}/meetings", MODERATORS)
            .body(r#"{"title": "New", "start": "{tomorrow}T15:00:00", "timezone": "UTC", "duration_minutes": 30}"#)
            .effect("SELECT COUNT(*) FROM meetings WHERE channel_id = $1 AND title = 'New'", &["lobby"]),
        act("change a meeting", M::PATCH, "/api/meetings/{meeting}", MODERATORS)
            .body(r#"{"title": "Renamed"}"#)
            .effect("SELECT COUNT(*) FROM meetings WHERE id = $1 AND title = 'Renamed' AND sequence = 1", &["meeting"]),
        act("cancel a meeting", M::DELETE, "/api/meetings/{meeting}", MODERATORS)
            .effect("SELECT COUNT(*) FROM meetings WHERE id = $1 AND cancelled_at IS NOT NULL", &["meeting"]),
        act("move an occurrence", M::PATCH, "/api/meetings/{meeting}/occurrences/{occurrence}", MODERATORS)
            .body(r#"{"duration_minutes": 90}"#)
            .effect("SELECT COUNT(*) FROM meeting_exceptions WHERE meeting_id = $1 AND duration_minutes = 90", &["meeting"]),
        act("cancel an occurrence", M::DELETE, "/api/meetings/{meeting}/occurrences/{occurrence}", MODERATORS)
            .effect("SELECT COUNT(*) FROM meeting_exceptions WHERE meeting_id = $1 AND cancelled", &["meeting"]),
        act("answer a meeting", M::PUT, "/api/meetings/{meeting}/occurrences/{occurrence}/rsvp", EVERY_MEMBER)
            .body(r#"{"response": "going"}"#)
            .effect("SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = $1", &["meeting"]),
        act("answer a meeting in a private channel", M::PUT, "/api/meetings/{mods_meeting}/occurrences/{occurrence}/rsvp", MODERATORS)
            .body(r#"{"response": "maybe"}"#)
            .effect("SELECT COUNT(*) FROM meeting_rsvps WHERE meeting_id = $1", &["mods_meeting"]),
        act("read the email outbox", M::GET, "/api/admin/email/outbox", INSTANCE_STAFF),
        // Reports (ADM-6): anyone who reads a message reports it; the community's
        // moderators and instance staff review; suspending is for instance staff.
        act("report a message", M::POST, "/api/reports", EVERY_MEMBER)
            .body(r#"{"message_id": "{message}", "reason": "spam"}"#)
            .effect("SELECT COUNT(*) FROM reports WHERE message_id = $1", &["message"]),
        act("list a community's reports", M::GET, "/api/reports?community_id={community}", MODERATORS),
        act("resolve a report", M::POST, "/api/reports/{report}/resolve", MODERATORS)
            .body(r#"{"action": "none"}"#)
            .effect("SELECT COUNT(*) FROM reports WHERE id = $1 AND status = 'resolved'", &["report"]),
        act("resolve a report with a timeout", M::POST, "/api/reports/{report}/resolve", MODERATORS)
            .body(r#"{"action": "timeout", "duration_secs": 600}"#)
            .effect("SELECT COUNT(*) FROM community_members WHERE community_id = $1 AND user_id = $2 AND timed_out_until IS NOT NULL", &["community", "offender"]),
        act("resolve a report by deleting the message", M::POST, "/api/reports/{report}/resolve", MODERATORS)
            .body(r#"{"action": "delete"}"#)
            .effect("SELECT COUNT(*) FROM messages WHERE id = $1 AND deleted_at IS NOT NULL", &["reported"]),
        act("resolve a report by suspending", M::POST, "/api/reports/{report}/resolve", INSTANCE_STAFF)
            .body(r#"{"action": "suspend"}"#)
            .effect("SELECT COUNT(*) FROM users WHERE id = $1 AND suspended_at IS NOT NULL", &["offender"]),
        act("dismiss a report", M::POST, "/api/reports/{report}/dismiss", MODERATORS)
            .body("{}")
            .effect("SELECT COUNT(*) FROM reports WHERE id = $1 AND status = 'dismissed'", &["report"]),
        // Quarantine (ADM-8): moderators and up who outrank the author.
        act("quarantine a message", M::PUT, "/api/messages/{message}/quarantine", MODERATORS)
            .effect("SELECT COUNT(*) FROM messages WHERE id = $1 AND quarantined_at IS NOT NULL", &["message"]),
        act("release a quarantined message", M::DELETE, "/api/messages/{hidden}/quarantine", MODERATORS)
            .effect("SELECT COUNT(*) FROM messages WHERE id = $1 AND quarantined_at IS NULL", &["hidden"]),
        // Channel permissions (COM-4): set by admins; `ruled` lets moderators and up
        // post and start threads, and admins and up react.
        act("set channel permissions", M::PATCH, "/api/channels/{lobby}", STAFF_AND_ADMINS)
            .body(r#"{"permissions": {"post": "moderator", "mention_everyone": "admin"}}"#)
            .effect("SELECT COUNT(*) FROM channels WHERE id = $1 AND post_role = 'moderator' AND mention_everyone_role = 'admin'", &["lobby"]),
        act("post where moderators post", M::POST, "/api/channels/{ruled}/messages", MODERATORS)
            .body(r#"{"content": "allowed"}"#)
            .effect("SELECT COUNT(*) FROM messages WHERE channel_id = $1 AND content = 'allowed'", &["ruled"]),
        act("react where admins react", M::PUT, "/api/messages/{ruled_message}/reactions/%F0%9F%91%8D", STAFF_AND_ADMINS)
            .effect("SELECT COUNT(*) FROM reactions WHERE message_id = $1", &["ruled_message"]),
        act("start a thread where moderators do", M::POST, "/api/channels/{ruled}/messages", MODERATORS)
            .body(r#"{"content": "a thread", "thread_id": "{ruled_message}"}"#)
            .effect("SELECT COUNT(*) FROM messages WHERE thread_id = $1", &["ruled_message"]),
        // Purges (ADM-8): instance staff alone.
        act("list purges", M::GET, "/api/admin/purges", INSTANCE_STAFF),
        act("purge a channel", M::POST, "/api/admin/purges", INSTANCE_STAFF)
            .body(r#"{"kind": "channel", "channel_id": "{mods}"}"#)
            .effect("SELECT COUNT(*) FROM purge_jobs WHERE channel_id = $1", &["mods"]),
        act("purge a person's messages", M::POST, "/api/admin/purges", INSTANCE_STAFF)
            .body(r#"{"kind": "user", "user_id": "{offender}", "community_id": "{community}"}"#)
            .effect("SELECT COUNT(*) FROM purge_jobs WHERE user_id = $1", &["offender"]),
        // Announcements (ADM-7): instance staff post and withdraw; everyone dismisses.
        act("list announcements", M::GET, "/api/admin/announcements", INSTANCE_STAFF),
        act("post an announcement", M::POST, "/api/admin/announcements", INSTANCE_STAFF)
            .body(r#"{"title": "Matrix", "severity": "info"}"#)
            .effect("SELECT COUNT(*) FROM announcements WHERE title = 'Matrix'", &[]),
        act("withdraw an announcement", M::DELETE, "/api/admin/announcements/{announcement}", INSTANCE_STAFF)
            .effect("SELECT 1 - COUNT(*) FROM announcements WHERE id = $1", &["announcement"]),
        act("dismiss an announcement", M::POST, "/api/announcements/{announcement}/dismiss", SIGNED_IN)
            .effect("SELECT COUNT(*) FROM announcement_dismissals WHERE announcement_id = $1", &["announcement"]),
    ]
}

/// The fixed cast, and a fresh community per (action, role).
struct Cast {
    tokens: HashMap<Role, String>,
    ids: HashMap<Role, Uuid>,
}

async fn cast(s: &TestServer) -> Cast {
    let names = [
        (InstanceOwner, "root"),
        (InstanceAdmin, "iadmin"),
        (CommunityOwner, "owner"),
        (CommunityAdmin, "cadmin"),
        (Moderator, "moderator"),
        (Member, "member"),
        (NonMember, "outsider"),
        (Suspended, "suspended"),
    ];
    let mut tokens = HashMap::new();
    let mut ids = HashMap::new();
    for (role, name) in names {
        let (id, token) = s.user(name).await;
        tokens.insert(role, token);
        ids.insert(role, id);
    }
    let root = tokens[&InstanceOwner].clone();
    for (role, path) in [(InstanceAdmin, "role"), (Suspended, "suspend")] {
        let body = if role == InstanceAdmin {
            json!({"role": "admin"})
        } else {
            json!({})
        };
        let method = if role == InstanceAdmin {
            Method::PUT
        } else {
            Method::POST
        };
        let target = ids[&role];
        s.call(
            method,
            &format!("/api/admin/users/{target}/{path}"),
            Some(&root),
            Some(&body),
        )
        .await
        .expect(StatusCode::OK);
    }
    Cast { tokens, ids }
}

/// A fresh community: owner, admin, moderator, member (and a suspended admin, and a
/// timed-out member), a public group with a channel, a private group with a channel,
/// a public group nobody is in yet, an invite, a pre-banned user, an outsider
/// victim, and an offender with a reported and an unreported message; instance-wide,
/// a suspended user, exactly one registration invite and exactly one announcement.
async fn world(s: &TestServer, cast: &Cast, n: usize) -> HashMap<&'static str, String> {
    let owner = &cast.tokens[&CommunityOwner];
    let community = s
        .community(owner, json!({"name": format!("World {n}")}))
        .await;
    let code = s.community_invite(owner, community).await;
    for role in [CommunityAdmin, Moderator, Member] {
        s.accept(&cast.tokens[&role], &code)
            .await
            .expect(StatusCode::OK);
    }
    s.set_role(owner, community, cast.ids[&CommunityAdmin], "admin")
        .await;
    s.set_role(owner, community, cast.ids[&Moderator], "moderator")
        .await;
    let db = s.db.connect().await;
    let now = chrono::Utc::now();
    db_exec!(
        db,
        "INSERT INTO community_members (community_id, user_id, role, joined_at) VALUES ($1, $2, 'admin', $3)",
        community,
        cast.ids[&Suspended],
        now
    );
    let general = s.group(owner, community, json!({"name": "General"})).await;
    let staff = s
        .group(
            owner,
            community,
            json!({"name": "Staff", "visibility": "private"}),
        )
        .await;
    let lobby = s.channel(owner, general, json!({"name": "lobby"})).await;
    let mods = s.channel(owner, staff, json!({"name": "mods"})).await;
    let invite = s
        .post(
            &format!("/api/communities/{community}/invites"),
            Some(owner),
            &json!({}),
        )
        .await
        .expect(StatusCode::CREATED);
    let (quiet, quiet_token) = s.user(&format!("quiet{n}")).await;
    s.accept(&quiet_token, &code).await.expect(StatusCode::OK);
    s.call(
        Method::PUT,
        &format!("/api/communities/{community}/members/{quiet}/timeout"),
        Some(owner),
        Some(&json!({"duration_secs": 600})),
    )
    .await
    .expect(StatusCode::OK);
    // An offender with two messages in the public channel; one is reported (by the
    // timed-out member, who may still report), the other not yet.
    let (offender, offender_token) = s.user(&format!("offender{n}")).await;
    s.accept(&offender_token, &code)
        .await
        .expect(StatusCode::OK);
    let reported = s
        .message(&offender_token, lobby, json!({"content": "reported"}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let message = s
        .message(
            &offender_token,
            lobby,
            json!({"content": "not yet reported"}),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hidden = s
        .message(&offender_token, lobby, json!({"content": "hidden"}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    s.call(
        Method::PUT,
        &format!("/api/messages/{hidden}/quarantine"),
        Some(owner),
        None,
    )
    .await
    .expect(StatusCode::OK);
    // A channel where moderators and up post and start threads, admins and up react.
    let ruled = s.channel(owner, general, json!({"name": "ruled"})).await;
    s.call(
        Method::PATCH,
        &format!("/api/channels/{ruled}"),
        Some(owner),
        Some(&json!({"permissions": {"post": "moderator", "create_threads": "moderator", "react": "admin"}})),
    )
    .await
    .expect(StatusCode::OK);
    let ruled_message = s.message(owner, ruled, json!({"content": "rules"})).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let report = s
        .post(
            "/api/reports",
            Some(&quiet_token),
            &json!({"message_id": reported, "reason": "rude"}),
        )
        .await
        .expect(StatusCode::CREATED);
    // A public group without members (created directly, so nobody was added).
    let open = Uuid::now_v7();
    db_exec!(
        db,
        "INSERT INTO community_groups (id, community_id, name, visibility, position, created_at, updated_at) VALUES ($1, $2, 'Open', 'public', 99, $3, $3)",
        open,
        community,
        now
    );
    let root = &cast.tokens[&InstanceOwner];
    let (frozen, _) = s.user(&format!("frozen{n}")).await;
    s.post(
        &format!("/api/admin/users/{frozen}/suspend"),
        Some(root),
        &json!({}),
    )
    .await
    .expect(StatusCode::OK);
    db_exec!(db, "DELETE FROM registration_invites");
    let registration_invite = s
        .post("/api/admin/invites", Some(root), &json!({}))
        .await
        .expect(StatusCode::CREATED);
    let (victim, _) = s.user(&format!("victim{n}")).await;
    let (banned, _) = s.user(&format!("banned{n}")).await;
    // A daily meeting in the public channel and one in the private channel, from
    // tomorrow 09:00 UTC; `occurrence` is the first of either, for a path.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .date_naive()
        .to_string();
    let mut meetings = Vec::new();
    for channel in [lobby, mods] {
        let meeting = s
            .post(
                &format!("/api/channels/{channel}/meetings"),
                Some(owner),
                &json!({"title": "Standup", "start": format!("{tomorrow}T09:00:00"), "timezone": "UTC",
                        "duration_minutes": 15, "recurrence": {"frequency": "daily", "count": 5}}),
            )
            .await
            .expect(StatusCode::CREATED);
        meetings.push(meeting.body["id"].as_str().unwrap().to_owned());
    }
    let occurrence = format!("{tomorrow}T09%3A00%3A00Z");
    // Exactly one announcement on the instance.
    db_exec!(db, "DELETE FROM announcements");
    let announcement = s
        .post(
            "/api/admin/announcements",
            Some(root),
            &json!({"title": "Standing", "severity": "warning"}),
        )
        .await
        .expect(StatusCode::CREATED);
    // Banned by the moderator, the lowest role that may lift a ban: lifting it
    // needs the banner's rank or higher (ranks.rs tests the refusals).
    s.call(
        Method::PUT,
        &format!("/api/communities/{community}/bans/{banned}"),
        Some(&cast.tokens[&Moderator]),
        Some(&json!({})),
    )
    .await
    .expect(StatusCode::NO_CONTENT);
    HashMap::from([
        ("community", community.to_string()),
        ("general", general.to_string()),
        ("staff", staff.to_string()),
        ("lobby", lobby.to_string()),
        ("mods", mods.to_string()),
        ("invite", invite.body["id"].as_str().unwrap().to_owned()),
        ("code", code),
        ("owner", cast.ids[&CommunityOwner].to_string()),
        ("admin", cast.ids[&CommunityAdmin].to_string()),
        ("moderator", cast.ids[&Moderator].to_string()),
        ("member", cast.ids[&Member].to_string()),
        ("victim", victim.to_string()),
        ("banned", banned.to_string()),
        ("quiet", quiet.to_string()),
        ("open", open.to_string()),
        ("frozen", frozen.to_string()),
        ("meeting", meetings[0].clone()),
        ("mods_meeting", meetings[1].clone()),
        ("occurrence", occurrence),
        ("offender", offender.to_string()),
        ("reported", reported),
        ("message", message),
        ("hidden", hidden),
        ("ruled", ruled.to_string()),
        ("ruled_message", ruled_message),
        ("report", report.body["id"].as_str().unwrap().to_owned()),
        (
            "announcement",
            announcement.body["id"].as_str().unwrap().to_owned(),
        ),
        ("tomorrow", tomorrow),
        (
            "registration_invite",
            registration_invite.body["id"].as_str().unwrap().to_owned(),
        ),
    ])
}

fn fill(template: &str, world: &HashMap<&'static str, String>) -> String {
    let mut out = template.to_owned();
    for (key, value) in world {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn every_role_tries_every_action(#[case] backend: Backend) {
    // The owner posts in every world it builds: faster than the per-user message
    // rate when the server is fast, and that limit is not what is tested here.
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    let cast = cast(&s).await;
    let mut failures = Vec::new();
    let (mut n, mut worlds) = (0, 0);
    // A refused attempt leaves the world as it was (that is checked), so a new world
    // is built only after an allowed action changed it.
    let mut current: Option<HashMap<&'static str, String>> = None;
    for action in actions() {
        for role in ROLES {
            if action.skip.contains(&role) {
                continue;
            }
            n += 1;
            if current.is_none() {
                worlds += 1;
                current = Some(world(&s, &cast, worlds).await);
            }
            let world = current.as_ref().expect("built above");
            let path = fill(action.path, world);
            let body: Option<Value> = action
                .body
                .map(|b| serde_json::from_str(&fill(b, world)).unwrap());
            let resp = s
                .call(
                    action.method.clone(),
                    &path,
                    Some(&cast.tokens[&role]),
                    body.as_ref(),
                )
                .await;
            let allowed = action.allowed.contains(&role);
            if allowed && action.method != Method::GET {
                let world = current.take().expect("built above");
                check(&s, &action, role, &resp, &world, true, &mut failures).await;
                continue;
            }
            check(&s, &action, role, &resp, world, allowed, &mut failures).await;
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {n} checks ({worlds} worlds) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Checks the answer and the database after `role` tried `action`.
async fn check(
    s: &TestServer,
    action: &Action,
    role: Role,
    resp: &common::Resp,
    world: &HashMap<&'static str, String>,
    allowed: bool,
    failures: &mut Vec<String>,
) {
    // Refusals are 403 or 404; only a suspended user, whose sessions ended, may
    // also be told 401.
    let ok = if allowed {
        resp.status.is_success()
    } else {
        match resp.status {
            StatusCode::FORBIDDEN | StatusCode::NOT_FOUND => true,
            StatusCode::UNAUTHORIZED => role == Suspended,
            _ => false,
        }
    };
    if !ok {
        failures.push(format!(
            "{} by {role:?}: {} {}",
            action.name, resp.status, resp.text
        ));
        return;
    }
    if let Some((sql, keys)) = action.effect {
        let binds: Vec<Uuid> = keys.iter().map(|k| world[k].parse().unwrap()).collect();
        let happened = s.db.count(sql, &binds).await > 0;
        if happened != allowed {
            let state = if happened { "present" } else { "missing" };
            failures.push(format!(
                "{} by {role:?}: effect {state} in the database",
                action.name
            ));
        }
    }
}

#[rstest]
#[case::sqlite(Backend::Sqlite)]
#[case::postgres(Backend::Postgres)]
#[tokio::test]
async fn ids_from_another_community_reveal_nothing(#[case] backend: Backend) {
    let Some(s) = TestServer::start_for_messages(backend).await else {
        return;
    };
    s.user("root").await;
    let (_, alice) = s.user("alice").await;
    let (bob_id, bob) = s.user("bob").await;
    let (carol_id, carol) = s.user("carol").await;
    // Alice owns A; Bob owns B with Carol in it.
    let a = s.community(&alice, json!({"name": "A"})).await;
    let b = s.community(&bob, json!({"name": "B"})).await;
    let code = s.community_invite(&bob, b).await;
    s.accept(&carol, &code).await.expect(StatusCode::OK);
    let b_group = s.group(&bob, b, json!({"name": "B group"})).await;
    let b_channel = s.channel(&bob, b_group, json!({"name": "secret"})).await;
    let b_invite = s
        .post(
            &format!("/api/communities/{b}/invites"),
            Some(&bob),
            &json!({}),
        )
        .await
        .expect(StatusCode::CREATED);
    let b_invite = b_invite.body["id"].as_str().unwrap().to_owned();
    let b_message = s
        .message(&bob, b_channel, json!({"content": "the secret plan"}))
        .await;
    let m = b_message["id"].as_str().unwrap().to_owned();
    let a_group = s.group(&alice, a, json!({"name": "A group"})).await;
    let a_channel = s.channel(&alice, a_group, json!({"name": "open"})).await;

    let probes: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/communities/{b}"), None),
        (Method::GET, format!("/api/communities/{b}/members"), None),
        (Method::GET, format!("/api/communities/{b}/groups"), None),
        (Method::GET, format!("/api/groups/{b_group}"), None),
        (Method::GET, format!("/api/groups/{b_group}/channels"), None),
        (Method::GET, format!("/api/groups/{b_group}/members"), None),
        (Method::GET, format!("/api/channels/{b_channel}"), None),
        (
            Method::PATCH,
            format!("/api/channels/{b_channel}"),
            Some(json!({"name": "pwned"})),
        ),
        (Method::DELETE, format!("/api/groups/{b_group}"), None),
        // B's objects addressed through A, which Alice owns.
        (
            Method::PATCH,
            format!("/api/communities/{a}/members/{carol_id}"),
            Some(json!({"nickname": "x"})),
        ),
        (
            Method::POST,
            format!("/api/communities/{a}/members/{carol_id}/kick"),
            Some(json!({})),
        ),
        (
            Method::GET,
            format!("/api/communities/{a}/members/{carol_id}/warnings"),
            None,
        ),
        (
            Method::DELETE,
            format!("/api/communities/{a}/invites/{b_invite}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/communities/{a}/transfer"),
            Some(json!({"user_id": carol_id})),
        ),
        (
            Method::PUT,
            format!("/api/groups/{b_group}/members/{bob_id}"),
            Some(json!({"role": "member"})),
        ),
        // B's moderation, invites and the community itself.
        (Method::GET, format!("/api/communities/{b}/bans"), None),
        (Method::GET, format!("/api/communities/{b}/invites"), None),
        (
            Method::PUT,
            format!("/api/communities/{b}/bans/{carol_id}"),
            Some(json!({})),
        ),
        (
            Method::PUT,
            format!("/api/communities/{b}/members/{carol_id}/timeout"),
            Some(json!({"duration_secs": 600})),
        ),
        (Method::DELETE, format!("/api/communities/{b}"), None),
        // B's messages, by channel and by message ID.
        (
            Method::GET,
            format!("/api/channels/{b_channel}/messages"),
            None,
        ),
        (Method::GET, format!("/api/channels/{b_channel}/pins"), None),
        (Method::GET, format!("/api/messages/{m}/edits"), None),
        (Method::GET, format!("/api/messages/{m}/thread"), None),
        (
            Method::PATCH,
            format!("/api/messages/{m}"),
            Some(json!({"content": "pwned"})),
        ),
        (Method::DELETE, format!("/api/messages/{m}"), None),
        (
            Method::PUT,
            format!("/api/messages/{m}/reactions/%F0%9F%91%8D"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/messages/{m}/bookmark"),
            Some(json!({})),
        ),
        (
            Method::PUT,
            format!("/api/channels/{b_channel}/pins/{m}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/messages/{m}/forward"),
            Some(json!({"channel_id": a_channel})),
        ),
        // B's message looked up through A's channel.
        (
            Method::GET,
            format!("/api/channels/{a_channel}/messages?around={m}"),
            None,
        ),
    ];
    for (method, path, body) in probes {
        let resp = s
            .call(method.clone(), &path, Some(&alice), body.as_ref())
            .await;
        assert_eq!(
            resp.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {}",
            resp.text
        );
        assert_ne!(
            resp.code(),
            "route_not_found",
            "{method} {path} must reach its endpoint"
        );
        for secret in ["B group", "secret", "carol", "B\"", "plan"] {
            assert!(
                !resp.text.contains(secret),
                "{method} {path} leaks {secret:?}: {}",
                resp.text
            );
        }
    }
    // Nothing changed in B.
    let channel = s
        .get(&format!("/api/channels/{b_channel}"), Some(&carol))
        .await
        .expect(StatusCode::OK);
    assert_eq!(channel.body["name"], "secret");
    let page = s
        .get(&format!("/api/channels/{b_channel}/messages"), Some(&carol))
        .await
        .expect(StatusCode::OK);
    assert_eq!(page.body[0]["content"], "the secret plan");
    assert_eq!(page.body[0]["reactions"], json!([]));
    assert_eq!(page.body[0]["pinned"], false);
    let bans = s
        .get(&format!("/api/communities/{b}/bans"), Some(&bob))
        .await
        .expect(StatusCode::OK);
    assert_eq!(bans.body, json!([]));
    let invites = s
        .get(&format!("/api/communities/{b}/invites"), Some(&bob))
        .await
        .expect(StatusCode::OK);
    assert!(
        invites
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["revoked"] == false)
    );
}
