//! The WebSocket protocol at `/ws`: JSON text frames tagged by `type`.
//!
//! 1. Connect, then send `{"type":"authenticate","token":"<access token>"}` within 10 s.
//! 2. The server answers `ready` and then pushes events for everything the user may
//!    see. Client actions may carry a `nonce`; the server answers `ack` or `error`
//!    with the same nonce.
//! 3. After a reconnect, fetch what was missed: for each channel,
//!    `GET /api/channels/{id}/messages?after=<last seen ID>` until a page comes back
//!    shorter than the limit. Subscriptions start before `ready`, so nothing falls
//!    between the live stream and the catch-up; drop duplicates by message ID.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    AnnouncementView, AuthorView, ChannelView, CommunityView, MeetingView, MemberView, MessageView,
    NotificationSettingsView, PollView, PreferencesView, PresenceStatus, PresenceView,
    PurgeJobView, ReportView, RsvpCounts, RsvpResponse, UserProfile, VoiceCallView,
    VoiceLeaveReason, VoiceParticipantView, VoiceSignal,
};

/// Close codes of the gateway (besides 1000 and 1012 "server restarting").
pub mod close_code {
    /// The first frame was not a valid `authenticate`.
    pub const AUTHENTICATION_FAILED: u16 = 4001;
    /// No `authenticate` within 10 seconds.
    pub const AUTHENTICATION_TIMEOUT: u16 = 4002;
    /// The session was revoked or the account suspended.
    pub const SESSION_ENDED: u16 = 4003;
    /// The user already has the maximum number of connections.
    pub const TOO_MANY_CONNECTIONS: u16 = 4004;
    /// No frame (not even a pong) for two heartbeat intervals.
    pub const HEARTBEAT_TIMEOUT: u16 = 4005;
    /// The client read too slowly and fell behind: reconnect and catch up.
    pub const RESYNC: u16 = 4009;
    /// Server shutting down or restarting: reconnect.
    pub const SERVICE_RESTART: u16 = 1012;
}

/// The most members a `watch_presence` may name: a screenful of rows and then some.
pub const MAX_WATCHED_USERS: usize = 500;

/// What a client sends.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientFrame {
    Authenticate {
        token: String,
    },
    SendMessage {
        channel_id: Uuid,
        #[serde(default)]
        content: String,
        /// Files uploaded by the sender and not sent yet; at most 10.
        #[serde(default)]
        attachment_ids: Vec<Uuid>,
        #[serde(default)]
        reply_to_id: Option<Uuid>,
        #[serde(default)]
        thread_id: Option<Uuid>,
        #[serde(default)]
        nonce: Option<String>,
    },
    EditMessage {
        message_id: Uuid,
        content: String,
        #[serde(default)]
        nonce: Option<String>,
    },
    DeleteMessage {
        message_id: Uuid,
        #[serde(default)]
        nonce: Option<String>,
    },
    AddReaction {
        message_id: Uuid,
        emoji: String,
        #[serde(default)]
        nonce: Option<String>,
    },
    RemoveReaction {
        message_id: Uuid,
        emoji: String,
        #[serde(default)]
        nonce: Option<String>,
    },
    Typing {
        channel_id: Uuid,
    },
    SetPresence {
        status: PresenceStatus,
        #[serde(default)]
        nonce: Option<String>,
    },
    /// Shows a community's member list on this connection: its members' presence
    /// arrives as `community_presence` (a complete list first, then changes at most
    /// about once a second). `null` stops it; one community per connection. With
    /// `users` (at most [`MAX_WATCHED_USERS`], e.g. the rows on screen), only those
    /// members are listed; every frame still counts everyone online.
    WatchPresence {
        community_id: Option<Uuid>,
        #[serde(default)]
        users: Option<Vec<Uuid>>,
        #[serde(default)]
        nonce: Option<String>,
    },
    MarkRead {
        channel_id: Uuid,
        message_id: Uuid,
        #[serde(default)]
        nonce: Option<String>,
    },
    /// Joins a voice channel's call from this connection (leaving any other call
    /// first; joining the same call again from another device moves it there). The
    /// ack carries the call.
    VoiceJoin {
        channel_id: Uuid,
        #[serde(default)]
        self_mute: bool,
        #[serde(default)]
        self_deaf: bool,
        #[serde(default)]
        nonce: Option<String>,
    },
    /// Leaves the caller's call (from any of their connections).
    VoiceLeave {
        #[serde(default)]
        nonce: Option<String>,
    },
    /// Changes the caller's flags in the call joined from this connection.
    /// Absent flags stay as they are.
    VoiceUpdate {
        #[serde(default)]
        self_mute: Option<bool>,
        #[serde(default)]
        self_deaf: Option<bool>,
        #[serde(default)]
        camera: Option<bool>,
        #[serde(default)]
        screen_share: Option<bool>,
        #[serde(default)]
        nonce: Option<String>,
    },
    /// Sends a negotiation message to one other participant of the same call,
    /// from the connection that joined it.
    VoiceSignal {
        channel_id: Uuid,
        to_user_id: Uuid,
        signal: VoiceSignal,
        #[serde(default)]
        nonce: Option<String>,
    },
    Ping,
}

impl ClientFrame {
    /// The nonce the client attached, for answers.
    pub fn nonce(&self) -> Option<&str> {
        match self {
            ClientFrame::SendMessage { nonce, .. }
            | ClientFrame::EditMessage { nonce, .. }
            | ClientFrame::DeleteMessage { nonce, .. }
            | ClientFrame::AddReaction { nonce, .. }
            | ClientFrame::RemoveReaction { nonce, .. }
            | ClientFrame::SetPresence { nonce, .. }
            | ClientFrame::WatchPresence { nonce, .. }
            | ClientFrame::MarkRead { nonce, .. }
            | ClientFrame::VoiceJoin { nonce, .. }
            | ClientFrame::VoiceLeave { nonce }
            | ClientFrame::VoiceUpdate { nonce, .. }
            | ClientFrame::VoiceSignal { nonce, .. } => nonce.as_deref(),
            ClientFrame::Authenticate { .. } | ClientFrame::Typing { .. } | ClientFrame::Ping => {
                None
            }
        }
    }
}

/// What the server pushes.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    Ready {
        user: UserProfile,
        session_id: Uuid,
        heartbeat_interval_ms: u64,
        /// Users sharing a community or DM who are not offline.
        presences: Vec<PresenceView>,
        /// The calls going on in channels the user may read.
        voice: Vec<VoiceCallView>,
    },
    Ack {
        nonce: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<MessageView>,
        /// The call, after `voice_join`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        call: Option<VoiceCallView>,
    },
    Error {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        nonce: Option<String>,
        code: String,
        message: String,
    },
    Pong,
    MessageCreated {
        message: MessageView,
    },
    MessageUpdated {
        message: MessageView,
    },
    MessageDeleted {
        channel_id: Uuid,
        message_id: Uuid,
    },
    ReactionAdded {
        channel_id: Uuid,
        message_id: Uuid,
        user_id: Uuid,
        emoji: String,
    },
    ReactionRemoved {
        channel_id: Uuid,
        message_id: Uuid,
        user_id: Uuid,
        emoji: String,
    },
    /// Votes or closing changed a poll's results.
    PollUpdated {
        poll: PollView,
    },
    /// A meeting of the channel was scheduled, changed or cancelled (the series or
    /// one occurrence): reload its occurrences.
    MeetingUpdated {
        meeting: MeetingView,
    },
    /// Someone answered for one occurrence: the new counts, and who answered what
    /// (`None`: took their answer back).
    MeetingRsvp {
        channel_id: Uuid,
        meeting_id: Uuid,
        occurrence: DateTime<Utc>,
        rsvps: RsvpCounts,
        user_id: Uuid,
        response: Option<RsvpResponse>,
    },
    /// A meeting you are invited to starts soon (its reminder lead time).
    MeetingReminder {
        meeting: MeetingView,
        occurrence: DateTime<Utc>,
        starts_at: DateTime<Utc>,
    },
    PinsUpdated {
        channel_id: Uuid,
        message_id: Uuid,
        pinned: bool,
    },
    Typing {
        channel_id: Uuid,
        user_id: Uuid,
    },
    /// A DM partner's (or the user's own) presence changed.
    Presence {
        user_id: Uuid,
        status: PresenceStatus,
    },
    /// Presence of a community's members, for the connection watching it: with
    /// `complete`, every member who is not listed is offline; otherwise only the
    /// members whose presence changed since the last one. Only the members the
    /// connection asked for, when it named them; `online` counts every member online.
    CommunityPresence {
        community_id: Uuid,
        presences: Vec<PresenceView>,
        complete: bool,
        online: u32,
    },
    ReadReceipt {
        channel_id: Uuid,
        user_id: Uuid,
        message_id: Uuid,
    },
    /// One of the caller's bookmarks was added, changed or removed (on any of their
    /// devices); the list is `GET /api/bookmarks`.
    BookmarksUpdated {
        message_id: Uuid,
        bookmarked: bool,
        note: Option<String>,
    },
    /// The caller's display preferences changed (on any of their devices).
    PreferencesUpdated {
        preferences: PreferencesView,
    },
    /// The caller's notification settings changed (on any of their devices).
    NotificationSettingsUpdated {
        settings: NotificationSettingsView,
    },
    /// The caller's own read cursor moved (from another of their devices).
    ReadStateUpdated {
        channel_id: Uuid,
        message_id: Uuid,
    },
    ChannelCreated {
        channel: ChannelView,
    },
    ChannelUpdated {
        channel: ChannelView,
    },
    ChannelDeleted {
        channel_id: Uuid,
    },
    MemberJoined {
        community_id: Uuid,
        member: MemberView,
    },
    MemberUpdated {
        community_id: Uuid,
        member: MemberView,
    },
    MemberLeft {
        community_id: Uuid,
        user_id: Uuid,
    },
    /// The caller no longer belongs to the community (left, kicked, banned, deleted).
    CommunityRemoved {
        community_id: Uuid,
        reason: String,
    },
    /// A user's name or avatar changed (sent where they are shown).
    UserUpdated {
        user: AuthorView,
    },
    /// A community's settings or images changed; `my_role` is not set.
    CommunityUpdated {
        community: CommunityView,
    },
    /// The caller's access changed (joined a community or group, role change): refetch lists.
    AccessChanged,
    /// Someone joined a call, changed their flags (`participant` set) or left it
    /// (`participant` absent, with the reason). Sent to the channel's readers.
    VoiceState {
        channel_id: Uuid,
        user_id: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        participant: Option<VoiceParticipantView>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<VoiceLeaveReason>,
    },
    /// A negotiation message from another participant of the caller's call, to the
    /// connection that joined it.
    VoiceSignal {
        channel_id: Uuid,
        from_user_id: Uuid,
        /// The sender's current `call_session_id`.
        from_call_session_id: Uuid,
        signal: VoiceSignal,
    },
    /// A report was made or closed: to the reporter (their view, with the outcome)
    /// and to everyone who reviews it.
    ReportUpdated {
        report: ReportView,
    },
    /// A new instance-wide announcement (to everyone connected).
    AnnouncementCreated {
        announcement: AnnouncementView,
    },
    /// Stop showing this announcement: it was withdrawn (to everyone), or the caller
    /// dismissed it on one of their devices.
    AnnouncementRemoved {
        announcement_id: Uuid,
    },
    /// Messages of the channel were purged for good: drop them.
    MessagesPurged {
        channel_id: Uuid,
        message_ids: Vec<Uuid>,
    },
    /// A purge job moved on (to instance administrators).
    PurgeUpdated {
        job: PurgeJobView,
    },
}
