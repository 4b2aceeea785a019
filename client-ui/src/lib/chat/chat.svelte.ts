/**
 * The signed-in user's chat state: communities and channels, timelines, unread counts,
 * presence and typing, all fed by one {@link Realtime} connection. One instance per
 * signed-in user (created by `ChatProvider`), reached with `useChat()`.
 */
import { SvelteMap } from 'svelte/reactivity';
import { unwrap, type Api, type AccessTokenSource, type Schemas } from '$api/client';
import { Bookmarks } from '$lib/bookmarks/bookmarks.svelte';
import { CommunityDirectory } from '$lib/communities/directory.svelte';
import { listsByPage, WHOLE_LIST_MAX } from '$lib/communities/member-rows';
import { customEmojiName, customEmojiNamesIn } from '$lib/emoji/custom';
import { CustomEmojiStore } from '$lib/emoji/custom.svelte';
import { Files } from '$lib/files/files.svelte';
import { Meetings } from '$lib/meetings/meetings.svelte';
import { LinkPreviewCache } from '$lib/messages/link-previews.svelte';
import { NotificationPrefs } from '$lib/notifications/settings.svelte';
import { type Message } from '$lib/messages/merge';
import { ReadMarks } from '$lib/messages/read-marks';
import { Thread } from '$lib/messages/thread.svelte';
import { Timeline } from '$lib/messages/timeline.svelte';
import { UnreadCounts } from '$lib/messages/unread.svelte';
import { ProfileCards } from '$lib/people/profile-cards.svelte';
import { withDmMember, type Author } from '$lib/people/updates';
import { IdleTracker } from '$lib/presence/auto-idle';
import { PresenceState, TypingState } from '$lib/presence/presence.svelte';
import { SelfPresence } from '$lib/presence/self-presence.svelte';
import type { ServerEventMap } from '$lib/realtime/events';
import { Realtime, type SocketLike } from '$lib/realtime/realtime.svelte';
import { Reporting } from '$lib/reports/reporting.svelte';
import { Voice } from '$lib/voice/voice.svelte';

/** The server accepts one typing event per 3 s per channel. */
const TYPING_THROTTLE_MS = 3000;

export interface ChatOptions {
	api: Api;
	tokens: AccessTokenSource;
	selfId: string;
	/** The gateway address; by default that of the page's own server. */
	socketUrl?: string;
	/** The server's origin for file URLs and uploads; by default the page's own. */
	baseUrl?: string;
	createSocket?: (url: string) => SocketLike;
}

export class Chat {
	readonly api: Api;
	readonly selfId: string;
	readonly realtime: Realtime;
	readonly directory: CommunityDirectory;
	readonly unread: UnreadCounts;
	/** Notification levels, mutes, keywords and do not disturb (they also hide unread badges). */
	readonly notifications: NotificationPrefs;
	readonly presence = new PresenceState();
	readonly typing = new TypingState();
	/** The user's own presence: chosen, or idle while away from the keyboard. */
	readonly self: SelfPresence;
	/** Input on this device, which makes the user idle without it. */
	private readonly idle: IdleTracker;
	readonly bookmarks: Bookmarks;
	/** Uploads, file URLs (the media token) and storage usage. */
	readonly files: Files;
	/** Each community's custom emoji, loaded when one of its channels opens. */
	readonly customEmoji: CustomEmojiStore;
	/** People's profile cards, fetched when opened. */
	readonly profiles: ProfileCards;
	/** Who is in which call, and this device's call. */
	readonly voice: Voice;
	/** Channels' meetings (loaded when their panel opens) and meeting reminders. */
	readonly meetings: Meetings;
	/** Messages' link previews, fetched when they come into view. */
	readonly linkPreviews: LinkPreviewCache;
	/** The report dialog, and the outcomes of the user's own reports. */
	readonly reports: Reporting;
	/** Direct message conversations, newest first as the server lists them. */
	dms = $state.raw<Schemas['DmView'][]>([]);
	dmsLoaded = $state(false);
	/** Bumped per channel whenever its pins change (the pins panel refetches). */
	private readonly pinVersions = new SvelteMap<string, number>();
	/** The channel on screen, whose new messages count as read. */
	activeChannelId = $state<string | null>(null);

	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly timelines = new Map<string, Timeline>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly threads = new Map<string, Thread>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly lastTypingSent = new Map<string, number>();
	private readonly readMarks: ReadMarks;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly structuresRequested = new Set<string>();
	private readonly cleanups: (() => void)[] = [];

	constructor(options: ChatOptions) {
		this.api = options.api;
		this.selfId = options.selfId;
		this.realtime = new Realtime({
			tokens: options.tokens,
			url: options.socketUrl,
			createSocket: options.createSocket
		});
		this.voice = new Voice({
			api: this.api,
			realtime: this.realtime,
			selfId: this.selfId,
			tokens: options.tokens,
			baseUrl: options.baseUrl
		});
		const roster = this.voice.roster;
		this.directory = new CommunityDirectory(this.api, {
			stamp: () => roster.mark(),
			loaded: (channels, stamp) => roster.seedChannels(channels, stamp)
		});
		this.self = new SelfPresence(async (status) => {
			await unwrap(this.api.PUT('/api/account/presence', { body: { status } }));
			this.presence.set(this.selfId, status);
		});
		this.idle = new IdleTracker({
			onidle: () => this.self.left(),
			onactive: () => this.self.returned()
		});
		this.notifications = new NotificationPrefs(this.api);
		this.unread = new UnreadCounts(this.api, (channelId, communityId) =>
			this.notifications.showsUnread({
				channelId,
				communityId: communityId ?? this.directory.channel(channelId)?.communityId ?? null
			})
		);
		this.readMarks = new ReadMarks(async (channelId, messageId) => {
			await unwrap(
				this.api.POST('/api/channels/{channel_id}/read', {
					params: { path: { channel_id: channelId } },
					body: { message_id: messageId }
				})
			);
		});
		this.bookmarks = new Bookmarks(this.api);
		this.profiles = new ProfileCards(this.api);
		this.meetings = new Meetings(this.api, this.selfId);
		this.reports = new Reporting(this.api, this.selfId, () =>
			this.activeChannelId ? this.communityOf(this.activeChannelId) : null
		);
		this.files = new Files({ api: this.api, tokens: options.tokens, baseUrl: options.baseUrl });
		this.linkPreviews = new LinkPreviewCache({
			fetch: (messageId) =>
				unwrap(
					this.api.GET('/api/messages/{message_id}/link-previews', {
						params: { path: { message_id: messageId } }
					})
				)
		});
		this.customEmoji = new CustomEmojiStore({
			api: this.api,
			fileUrl: (fileId) => this.files.fileUrl(fileId)
		});
	}

	start(): void {
		this.subscribe();
		this.cleanups.push(this.voice.start());
		this.cleanups.push(this.meetings.start(this.realtime));
		this.cleanups.push(this.idle.start());
		this.realtime.start();
		this.files.start();
		void this.loadCommunities();
		void this.loadDms();
		void this.unread.refresh().catch(() => {});
		void this.notifications.load().catch(() => {});
		// Which messages are bookmarked, for their toolbars.
		void this.bookmarks.load().catch(() => {});
		const online = () => this.realtime.retryNow();
		window.addEventListener('online', online);
		this.cleanups.push(() => window.removeEventListener('online', online));
	}

	stop(): void {
		this.realtime.stop();
		this.files.stop();
		this.readMarks.stop();
		this.linkPreviews.clear();
		this.notifications.stop();
		for (const cleanup of this.cleanups.splice(0)) cleanup();
	}

	timeline(channelId: string): Timeline {
		let timeline = this.timelines.get(channelId);
		if (!timeline) this.timelines.set(channelId, (timeline = new Timeline(this.api, channelId)));
		return timeline;
	}

	/** The open thread of a root message (kept until closed, and caught up on reconnect). */
	thread(rootId: string): Thread {
		let thread = this.threads.get(rootId);
		if (!thread) this.threads.set(rootId, (thread = new Thread(this.api, rootId)));
		return thread;
	}

	closeThread(rootId: string): void {
		this.threads.delete(rootId);
	}

	async sendInThread(root: Message, content: string, attachmentIds: string[] = []): Promise<void> {
		const body: Schemas['SendMessageRequest'] = { content, thread_id: root.id };
		if (attachmentIds.length) body.attachment_ids = attachmentIds;
		const reply = await unwrap(
			this.api.POST('/api/channels/{channel_id}/messages', {
				params: { path: { channel_id: root.channel_id } },
				body
			})
		);
		this.threads.get(root.id)?.add(reply);
		this.lastTypingSent.delete(root.channel_id);
	}

	async send(
		channelId: string,
		content: string,
		replyToId?: string | null,
		attachmentIds: string[] = []
	): Promise<Message> {
		const body: Schemas['SendMessageRequest'] = { content, reply_to_id: replyToId ?? null };
		// Files uploaded beforehand (`POST /api/files`); content may then be empty.
		if (attachmentIds.length) body.attachment_ids = attachmentIds;
		const message = await unwrap(
			this.api.POST('/api/channels/{channel_id}/messages', {
				params: { path: { channel_id: channelId } },
				body
			})
		);
		this.timelines.get(channelId)?.upsert(message);
		this.unread.read(channelId, message.id);
		// The server ends the typing window with the message; so does the client.
		this.lastTypingSent.delete(channelId);
		return message;
	}

	async edit(message: Message, content: string): Promise<void> {
		const updated = await unwrap(
			this.api.PATCH('/api/messages/{message_id}', {
				params: { path: { message_id: message.id } },
				body: { content }
			})
		);
		this.timelines.get(message.channel_id)?.upsert(updated);
	}

	async delete(message: Message): Promise<void> {
		await unwrap(
			this.api.DELETE('/api/messages/{message_id}', {
				params: { path: { message_id: message.id } }
			})
		);
		this.messageDeleted(message.channel_id, message.id);
	}

	/** A deleted message stays as a tombstone, as history shows it (docs/api.md). */
	private messageDeleted(channelId: string, messageId: string): void {
		const timeline = this.timelines.get(channelId);
		// The server drops its pin with it.
		const pinned = timeline?.find(messageId)?.pinned ?? false;
		timeline?.deleted(messageId);
		for (const thread of this.threads.values()) thread.deleted(messageId);
		if (pinned) this.pinVersions.set(channelId, this.pinVersion(channelId) + 1);
	}

	async toggleReaction(message: Message, emoji: string): Promise<void> {
		const mine = message.reactions.some(
			(r) => r.emoji === emoji && r.user_ids.includes(this.selfId)
		);
		const params = { params: { path: { message_id: message.id, emoji } } };
		await unwrap(
			mine
				? this.api.DELETE('/api/messages/{message_id}/reactions/{emoji}', params)
				: this.api.PUT('/api/messages/{message_id}/reactions/{emoji}', params)
		);
		this.timelines.get(message.channel_id)?.react(message.id, emoji, this.selfId, !mine);
	}

	async loadDms(): Promise<void> {
		try {
			this.dms = await unwrap(this.api.GET('/api/dms'));
		} finally {
			this.dmsLoaded = true;
		}
	}

	/** The channel ID of the DM with this user, created when there is none yet. */
	async openDm(userId: string): Promise<string> {
		const channel = await unwrap(this.api.POST('/api/dms', { body: { user_ids: [userId] } }));
		if (!this.dms.some((d) => d.channel_id === channel.id)) await this.loadDms();
		return channel.id;
	}

	async setPinned(message: Message, pinned: boolean): Promise<void> {
		const params = {
			params: { path: { channel_id: message.channel_id, message_id: message.id } }
		};
		await unwrap(
			pinned
				? this.api.PUT('/api/channels/{channel_id}/pins/{message_id}', params)
				: this.api.DELETE('/api/channels/{channel_id}/pins/{message_id}', params)
		);
		this.pinsChanged(message.channel_id, message.id, pinned);
	}

	/** Hides a message from members (moderators still see it whole), or shows it again. */
	async setQuarantined(message: Message, hidden: boolean): Promise<void> {
		const params = { params: { path: { message_id: message.id } } };
		const view = await unwrap(
			hidden
				? this.api.PUT('/api/messages/{message_id}/quarantine', params)
				: this.api.DELETE('/api/messages/{message_id}/quarantine', params)
		);
		this.timelines.get(view.channel_id)?.upsert(view);
	}

	pinVersion(channelId: string): number {
		return this.pinVersions.get(channelId) ?? 0;
	}

	private pinsChanged(channelId: string, messageId: string, pinned: boolean): void {
		this.timelines.get(channelId)?.patch(messageId, (m) => ({ ...m, pinned }));
		this.pinVersions.set(channelId, this.pinVersion(channelId) + 1);
	}

	/** Tells the others we are typing, at most once per throttle window. */
	typed(channelId: string): void {
		const now = Date.now();
		if (now - (this.lastTypingSent.get(channelId) ?? 0) < TYPING_THROTTLE_MS) return;
		if (this.realtime.signal({ type: 'typing', channel_id: channelId })) {
			this.lastTypingSent.set(channelId, now);
		}
	}

	/** Marks the channel read up to its newest loaded message. */
	markRead(channelId: string): void {
		const timeline = this.timelines.get(channelId);
		// A window into older history does not end at the newest message.
		if (!timeline || timeline.hasNewer) return;
		const last = timeline.lastId;
		if (!last || this.readMarks.has(channelId, last)) return;
		const entry = this.unread.get(channelId);
		this.unread.read(channelId, last);
		if (entry.unread === 0 && entry.lastReadId && entry.lastReadId >= last) return;
		this.readMarks.mark(channelId, last);
	}

	/**
	 * The communities (the rail). Their groups and channels load when one is opened, or
	 * when a channel of it must be named ({@link placeChannel}): start-up costs the same
	 * whatever the number of communities (the rail's badges come from the unread list).
	 */
	private async loadCommunities(): Promise<void> {
		try {
			await this.directory.load();
		} catch {
			// Shown as an empty rail; the next reconnect tries again.
		}
	}

	/** The community a channel belongs to, as far as the client knows. */
	communityOf(channelId: string): string | null {
		return this.directory.channel(channelId)?.communityId ?? this.unread.get(channelId).communityId;
	}

	/** Loads the structure of the channel's community if it is not there yet (once). */
	placeChannel(channelId: string): void {
		const communityId = this.unread.get(channelId).communityId;
		if (!communityId || this.directory.structure.has(communityId)) return;
		if (this.structuresRequested.has(communityId)) return;
		this.structuresRequested.add(communityId);
		void this.directory
			.loadStructure(communityId)
			.catch(() => this.structuresRequested.delete(communityId));
	}

	/**
	 * Loads a community's channels and members (when it is opened), and asks for its
	 * members' presence on this connection: a complete list, then changes.
	 */
	async openCommunity(communityId: string): Promise<void> {
		if (this.watchedCommunity !== communityId) this.memberRows = [];
		this.watchedCommunity = communityId;
		this.watchPresence();
		await Promise.all([
			this.directory.loadStructure(communityId),
			this.directory.loadMembers(communityId).catch(() => {})
		]);
	}

	/** The community whose member presence this connection receives. */
	private watchedCommunity: string | null = null;
	/** The rows a large community's member list shows (its presence is asked for these). */
	private memberRows: string[] = [];
	/** What the last `watch_presence` named: `null` for the whole community. */
	private watchedRows: string[] | null = null;
	/** How many members of each shown community are online (from `community_presence`). */
	readonly onlineCounts = new SvelteMap<string, number>();

	private watchPresence(): void {
		const community_id = this.watchedCommunity;
		if (!community_id) return;
		const byPage = listsByPage(this.directory.community(community_id)?.member_count ?? 0);
		this.watchedRows = byPage ? this.memberRows : null;
		const users = this.watchedRows ?? undefined;
		// Not connected yet: `ready` asks again. Presence is decoration, so a refusal
		// (no longer a member) only leaves the dots as they are.
		this.realtime.request({ type: 'watch_presence', community_id, users }).catch(() => {});
	}

	/** The rows the open community's member list shows now, when it shows pages. */
	showMemberRows(communityId: string, userIds: string[]): void {
		if (communityId !== this.watchedCommunity) return;
		const same =
			userIds.length === this.memberRows.length &&
			userIds.every((id, i) => id === this.memberRows[i]);
		if (same) return;
		this.memberRows = userIds.slice(0, WHOLE_LIST_MAX);
		this.watchPresence();
	}

	/** A `community_presence` frame: the complete list, or the changes since the last. */
	private communityPresence(e: ServerEventMap['community_presence']): void {
		this.onlineCounts.set(e.community_id, e.online);
		if (e.complete) {
			// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a lookup, never rendered
			const listed = new Set(e.presences.map((p) => p.user_id));
			const shown =
				this.watchedRows ??
				(this.directory.members.get(e.community_id) ?? []).map((m) => m.user_id);
			for (const userId of shown) {
				if (!listed.has(userId) && userId !== this.selfId) {
					this.presence.set(userId, 'offline');
				}
			}
		}
		for (const p of e.presences) this.presence.set(p.user_id, p.status);
	}

	private async loadPresence(communityId: string): Promise<void> {
		try {
			const list = await unwrap(
				this.api.GET('/api/communities/{community_id}/presence', {
					params: { path: { community_id: communityId } }
				})
			);
			for (const entry of list) this.presence.set(entry.user_id, entry.status);
		} catch {
			// Presence is decoration; the member list still shows everyone.
		}
	}

	/** After a reconnect: fetch what was missed (docs/realtime.md, "Reconnecting without loss"). */
	private async resume(): Promise<void> {
		// Back from a long sleep: the media token may have expired meanwhile.
		this.files.media.ensureFresh();
		// Emoji added or deleted meanwhile (there is no event for them).
		this.customEmoji.refreshAll();
		// Meetings changed or answered meanwhile (the panels on screen).
		this.meetings.refresh();
		const active = this.activeChannelId;
		for (const id of [...this.timelines.keys()]) {
			// Timelines not on screen are dropped and reloaded when opened again.
			if (id !== active) this.timelines.delete(id);
		}
		await Promise.all([
			active ? this.timelines.get(active)?.catchUp() : null,
			...[...this.threads.values()].map((thread) => thread.load()),
			this.unread.refresh(),
			this.notifications.load(),
			this.bookmarks.load(),
			this.loadCommunities(),
			this.loadDms()
		]).catch(() => {});
	}

	private subscribe(): void {
		const rt = this.realtime;
		this.cleanups.push(
			rt.onResume(() => void this.resume()),
			rt.on('ready', (e) => {
				for (const p of e.presences) this.presence.set(p.user_id, p.status);
				this.presence.set(this.selfId, 'online');
				this.self.connected();
				// A new connection shows nothing until asked.
				this.watchPresence();
			}),
			rt.on('community_presence', (e) => this.communityPresence(e)),
			rt.on('message_created', ({ message }) => this.received(message)),
			rt.on('message_updated', ({ message }) => {
				this.timelines.get(message.channel_id)?.upsert(message);
				this.noticedEmoji(message.channel_id, customEmojiNamesIn(message.content));
			}),
			rt.on('message_deleted', (e) => this.messageDeleted(e.channel_id, e.message_id)),
			rt.on('messages_purged', (e) => {
				this.readMarks.forget(e.channel_id, e.message_ids);
				this.timelines.get(e.channel_id)?.purged(e.message_ids);
				for (const thread of this.threads.values()) thread.purged(e.message_ids);
			}),
			rt.on('reaction_added', (e) => {
				this.timelines.get(e.channel_id)?.react(e.message_id, e.emoji, e.user_id, true);
				const name = customEmojiName(e.emoji);
				if (name) this.noticedEmoji(e.channel_id, [name]);
			}),
			rt.on('reaction_removed', (e) =>
				this.timelines.get(e.channel_id)?.react(e.message_id, e.emoji, e.user_id, false)
			),
			rt.on('pins_updated', (e) => this.pinsChanged(e.channel_id, e.message_id, e.pinned)),
			rt.on('typing', (e) => {
				if (e.user_id !== this.selfId) this.typing.started(e.channel_id, e.user_id);
			}),
			rt.on('presence', (e) => {
				this.presence.set(e.user_id, e.status);
				// Presence is per user: another device of theirs may have made them idle.
				if (e.user_id === this.selfId) this.self.announced(e.status, this.idle.activeWithin());
			}),
			rt.on('read_state_updated', (e) => this.unread.read(e.channel_id, e.message_id)),
			// Changed on another device: the list carries the message views, so reload it.
			rt.on('notification_settings_updated', (e) => this.notifications.apply(e.settings)),
			rt.on('bookmarks_updated', () => void this.bookmarks.load().catch(() => {})),
			rt.on('channel_created', (e) => {
				this.directory.channelChanged(e.channel);
				this.unread.place(e.channel.id, e.channel.community_id ?? null);
			}),
			rt.on('channel_updated', (e) => this.directory.channelChanged(e.channel)),
			rt.on('channel_deleted', (e) => this.directory.channelDeleted(e.channel_id)),
			rt.on('member_joined', (e) => {
				this.directory.memberChanged(e.community_id, e.member);
				// Their presence was announced before we shared a community: ask for it.
				void this.loadPresence(e.community_id);
			}),
			rt.on('member_updated', (e) => this.directory.memberChanged(e.community_id, e.member)),
			rt.on('member_left', (e) => this.directory.memberLeft(e.community_id, e.user_id)),
			rt.on('community_removed', (e) => this.directory.removeCommunity(e.community_id, e.reason)),
			rt.on('community_updated', (e) => this.directory.communityChanged(e.community)),
			rt.on('user_updated', (e) => this.userUpdated(e.user)),
			rt.on('report_updated', (e) => this.reports.updated(e.report)),
			rt.on('access_changed', () => {
				void this.directory.load().catch(() => {});
				void this.loadDms().catch(() => {});
				for (const id of this.directory.structure.keys()) {
					void this.directory.loadStructure(id).catch(() => {});
				}
			})
		);
	}

	/** Someone's new name or avatar, wherever they are shown. */
	private userUpdated(user: Author): void {
		for (const timeline of this.timelines.values()) timeline.authorUpdated(user);
		for (const thread of this.threads.values()) thread.authorUpdated(user);
		this.directory.userUpdated(user);
		const dms = withDmMember(this.dms, user);
		if (dms !== this.dms) this.dms = dms;
		this.profiles.userUpdated(user);
	}

	/** `:name:`s used live in a channel: one added since the list was loaded is fetched. */
	private noticedEmoji(channelId: string, names: string[]): void {
		if (names.length === 0) return;
		const communityId = this.communityOf(channelId);
		if (communityId) this.customEmoji.noticed(communityId, names);
	}

	private received(message: Message): void {
		this.timelines.get(message.channel_id)?.upsert(message);
		this.noticedEmoji(message.channel_id, customEmojiNamesIn(message.content));
		if (message.thread_id) {
			this.threads.get(message.thread_id)?.add(message);
			return;
		}
		const place = this.directory.channel(message.channel_id);
		const known =
			place ||
			this.unread.inCommunity(message.channel_id) ||
			this.dms.some((dm) => dm.channel_id === message.channel_id);
		// A conversation someone else just started with us.
		if (!known) void this.loadDms().catch(() => {});
		const author = message.author?.id;
		if (author) this.typing.stopped(message.channel_id, author);
		if (author === this.selfId) {
			this.unread.read(message.channel_id, message.id);
			return;
		}
		const reading =
			message.channel_id === this.activeChannelId && document.visibilityState === 'visible';
		if (reading) return;
		const communityId = place?.communityId ?? this.unread.get(message.channel_id).communityId;
		const { suppressEveryone } = this.notifications.rule({
			channelId: message.channel_id,
			communityId
		});
		this.unread.received(message, this.selfId, communityId, !suppressEveryone);
	}
}
