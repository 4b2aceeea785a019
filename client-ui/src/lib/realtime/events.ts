/**
 * The WebSocket protocol, mirrored from the server's `ClientFrame` and `ServerEvent`
 * (server/src/api/realtime.rs; see docs/realtime.md). One typed map of events feeds
 * the event bus in {@link Realtime}.
 */
import type { Schemas } from '$api/client';
import type { VoiceCall, VoiceLeaveReason, VoiceParticipant, VoiceSignal } from '$lib/voice/types';

type MessageView = Schemas['MessageView'];
type PresenceStatus = Schemas['PresenceStatus'];

export interface ServerEventMap {
	ready: {
		user: Schemas['UserProfile'];
		session_id: string;
		heartbeat_interval_ms: number;
		presences: Schemas['PresenceView'][];
		/** The calls going on in channels the user may read. */
		voice?: VoiceCall[];
	};
	/** `call` answers `voice_join`. */
	ack: { nonce: string; message?: MessageView; call?: VoiceCall };
	error: { nonce?: string; code: string; message: string };
	pong: Record<string, never>;
	message_created: { message: MessageView };
	message_updated: { message: MessageView };
	message_deleted: { channel_id: string; message_id: string };
	reaction_added: { channel_id: string; message_id: string; user_id: string; emoji: string };
	reaction_removed: { channel_id: string; message_id: string; user_id: string; emoji: string };
	poll_updated: { poll: Schemas['PollView'] };
	/** A meeting of the channel was scheduled, changed or cancelled: reload its list. */
	meeting_updated: { meeting: Schemas['MeetingView'] };
	/** Someone answered for one occurrence (`response` null: took it back). */
	meeting_rsvp: {
		channel_id: string;
		meeting_id: string;
		occurrence: string;
		rsvps: Schemas['RsvpCounts'];
		user_id: string;
		response: Schemas['RsvpResponse'] | null;
	};
	/** A meeting the user is invited to starts soon. */
	meeting_reminder: { meeting: Schemas['MeetingView']; occurrence: string; starts_at: string };
	pins_updated: { channel_id: string; message_id: string; pinned: boolean };
	typing: { channel_id: string; user_id: string };
	/** A DM partner's presence, or the user's own (from another device). */
	presence: { user_id: string; status: PresenceStatus };
	/**
	 * Presence in the community whose member list this connection shows
	 * (`watch_presence`): with `complete`, everyone not listed is offline; `online`
	 * counts every member online, also those a list that names its rows leaves out.
	 */
	community_presence: {
		community_id: string;
		presences: Schemas['PresenceView'][];
		complete: boolean;
		online: number;
	};
	read_receipt: { channel_id: string; user_id: string; message_id: string };
	read_state_updated: { channel_id: string; message_id: string };
	bookmarks_updated: { message_id: string; bookmarked: boolean; note?: string | null };
	channel_created: { channel: Schemas['ChannelView'] };
	channel_updated: { channel: Schemas['ChannelView'] };
	channel_deleted: { channel_id: string };
	member_joined: { community_id: string; member: Schemas['MemberView'] };
	member_updated: { community_id: string; member: Schemas['MemberView'] };
	member_left: { community_id: string; user_id: string };
	community_removed: { community_id: string; reason: string };
	/** A person's name or avatar changed (everyone who shows them, and their own devices). */
	user_updated: { user: Schemas['AuthorView'] };
	/** A community's settings or pictures changed; `my_role` is not set (keep your own). */
	community_updated: { community: Schemas['CommunityView'] };
	access_changed: Record<string, never>;
	/** The user's notification settings changed (on any of their devices): the new ones. */
	notification_settings_updated: { settings: Schemas['NotificationSettingsView'] };
	/** The user's display preferences changed (on any of their devices): all of them. */
	preferences_updated: { preferences: Schemas['PreferencesView'] };
	/** Someone joined a call or changed flags (`participant`), or left (`reason`). */
	voice_state: {
		channel_id: string;
		user_id: string;
		participant?: VoiceParticipant;
		reason?: VoiceLeaveReason;
	};
	/** A negotiation message from another participant of our call. */
	voice_signal: {
		channel_id: string;
		from_user_id: string;
		from_call_session_id: string;
		signal: VoiceSignal;
	};
	/** A report was made or closed: to its reporter (with the outcome) and its reviewers. */
	report_updated: { report: Schemas['ReportView'] };
	/** A new instance-wide announcement. */
	announcement_created: { announcement: Schemas['AnnouncementView'] };
	/** Stop showing it: withdrawn, or dismissed on one of the user's devices. */
	announcement_removed: { announcement_id: string };
	/** Messages of the channel were purged for good: drop them. */
	messages_purged: { channel_id: string; message_ids: string[] };
	/** A purge job moved on (to instance administrators). */
	purge_updated: { job: Schemas['PurgeJobView'] };
}

export type ServerEventType = keyof ServerEventMap;
export type ServerEvent = {
	[K in ServerEventType]: { type: K } & ServerEventMap[K];
}[ServerEventType];

/** Client actions that the server answers with `ack` or `error` (they carry a nonce). */
export type ClientAction =
	| {
			type: 'send_message';
			channel_id: string;
			/** May be empty when files go with it. */
			content: string;
			/** Files uploaded by the sender (`POST /api/files`), at most 10. */
			attachment_ids?: string[];
			reply_to_id?: string | null;
			thread_id?: string | null;
	  }
	| { type: 'edit_message'; message_id: string; content: string }
	| { type: 'delete_message'; message_id: string }
	| { type: 'add_reaction'; message_id: string; emoji: string }
	| { type: 'remove_reaction'; message_id: string; emoji: string }
	| { type: 'set_presence'; status: PresenceStatus }
	| { type: 'watch_presence'; community_id: string | null; users?: string[] }
	| { type: 'mark_read'; channel_id: string; message_id: string }
	| { type: 'voice_join'; channel_id: string; self_mute: boolean; self_deaf: boolean }
	| { type: 'voice_leave' }
	| {
			type: 'voice_update';
			self_mute?: boolean;
			self_deaf?: boolean;
			camera?: boolean;
			screen_share?: boolean;
	  };

/** Frames without an answer. */
export type ClientSignal =
	| { type: 'typing'; channel_id: string }
	| { type: 'ping' }
	| { type: 'voice_signal'; channel_id: string; to_user_id: string; signal: VoiceSignal };

/** Close codes of the gateway (docs/realtime.md). */
export const CloseCode = {
	authenticationFailed: 4001,
	authenticationTimeout: 4002,
	sessionEnded: 4003,
	tooManyConnections: 4004,
	heartbeatMissed: 4005,
	resync: 4009,
	serviceRestart: 1012
} as const;
