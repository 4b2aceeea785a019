/**
 * `user_updated` and `community_updated` through a `Chat` wired to a fake socket and a
 * fake server: loaded messages, member lists, DMs and profile cards take a person's new
 * name and avatar; a community's new pictures arrive and our role stays; notification
 * settings changed on another device take effect (a muted conversation shows no unread);
 * another device's automatic idle is undone by the one in use; an open community's
 * member presence is asked for on every connection and applied, complete or changed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi, type Schemas } from '$api/client';
import type { SocketLike } from '$lib/realtime/realtime.svelte';
import { Chat } from './chat.svelte';

class FakeSocket implements SocketLike {
	readyState = 1;
	onopen: ((event: Event) => void) | null = null;
	onmessage: ((event: MessageEvent) => void) | null = null;
	onclose: ((event: CloseEvent) => void) | null = null;
	onerror: ((event: Event) => void) | null = null;
	readonly frames: Record<string, unknown>[] = [];
	send(data: string) {
		this.frames.push(JSON.parse(data) as Record<string, unknown>);
	}
	close() {
		this.readyState = 3;
	}
	push(frame: object) {
		this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }));
	}
}

const ann: Schemas['AuthorView'] = { id: 'ann', username: 'ann', display_name: 'Ann' };
const annNow: Schemas['AuthorView'] = { ...ann, display_name: 'Ann Lee', avatar_file_id: 'f2' };

const community: Schemas['CommunityView'] = {
	id: 'c1',
	name: 'Club',
	owner_id: 'me',
	created_at: '2026-01-01T00:00:00Z',
	discoverable: false,
	member_count: 2,
	who_can_create_invites: 'member',
	visibility: 'private',
	my_role: 'owner',
	theme: {}
};

const message = {
	id: 'm1',
	channel_id: 'ch1',
	author: ann,
	content: 'hello',
	created_at: '2026-03-10T10:00:00Z',
	deleted: false,
	mentions: [],
	mentions_everyone: false,
	mentions_here: false,
	reply_to_author_id: null,
	pinned: false,
	reactions: [],
	thread_reply_count: 0
};

const ROUTES: Record<string, unknown> = {
	'/api/communities': [community],
	'/api/dms': [
		{ channel_id: 'd1', kind: 'dm', created_at: '2026-01-01T00:00:00Z', members: [ann] }
	],
	'/api/unread': [],
	'/api/account/notifications': {
		keywords: [],
		sounds: true,
		desktop: false,
		dnd_until: null,
		communities: [],
		channels: []
	},
	'/api/bookmarks': { items: [], next_cursor: null },
	'/api/account/media-token': { token: 't', expires_at: '2099-01-01T00:00:00Z' },
	'/api/account/storage': { used_bytes: 0, max_file_size_bytes: 1000 },
	'/api/channels/ch1/messages': [message],
	'/api/communities/c1/members': [
		{
			user_id: 'ann',
			username: 'ann',
			display_name: 'Ann',
			nickname: null,
			role: 'member',
			joined_at: '2026-01-01T00:00:00Z'
		}
	],
	'/api/users/ann': {
		...ann,
		bio: 'Hi',
		banner_file_id: 'b1',
		created_at: '2026-01-01T00:00:00Z'
	}
};

/** A new connection's first frame. */
const READY = {
	type: 'ready',
	user: {},
	session_id: 's',
	heartbeat_interval_ms: 30_000,
	presences: []
};

const watchesOn = (socket: FakeSocket) => socket.frames.filter((f) => f.type === 'watch_presence');

/** A `community_presence` frame of community c1. */
function communityPresence(
	presences: { user_id: string; status: string }[],
	complete: boolean,
	online: number
) {
	return { type: 'community_presence', community_id: 'c1', presences, complete, online };
}

async function setup() {
	const sockets: FakeSocket[] = [];
	const sent: { method: string; path: string; body: string }[] = [];
	const tokens = {
		accessToken: async () => 'access',
		refreshAfterRejection: async () => null,
		sessionRejected: () => {}
	};
	const api = createApi({
		baseUrl: 'https://chat.test',
		tokens,
		fetch: async (request) => {
			const path = new URL(request.url).pathname;
			if (request.method !== 'GET') {
				sent.push({ method: request.method, path, body: await request.text() });
				return new Response(null, { status: 204 });
			}
			const body = ROUTES[path];
			return new Response(JSON.stringify(body ?? { code: 'not_found', message: 'no' }), {
				status: body === undefined ? 404 : 200,
				headers: { 'content-type': 'application/json' }
			});
		}
	});
	const chat = new Chat({
		api,
		tokens,
		selfId: 'me',
		baseUrl: 'https://chat.test',
		socketUrl: 'wss://chat.test/ws',
		createSocket: () => {
			const socket = new FakeSocket();
			sockets.push(socket);
			return socket;
		}
	});
	chat.start();
	await vi.waitFor(() => expect(sockets).toHaveLength(1));
	await vi.waitFor(() => expect(chat.directory.loaded && chat.dmsLoaded).toBe(true));
	const timeline = chat.timeline('ch1');
	await timeline.load();
	await chat.directory.loadMembers('c1');
	await chat.profiles.load('ann');
	return { chat, socket: sockets[0]!, timeline, sent };
}

describe('live profile and community updates', () => {
	let stop: (() => void) | null = null;
	afterEach(() => stop?.());

	it("user_updated reaches a person's messages, member entry, DMs and profile card", async () => {
		const { chat, socket, timeline } = await setup();
		stop = () => chat.stop();
		socket.push({ type: 'user_updated', user: annNow });
		expect(timeline.messages[0]!.author).toMatchObject({
			display_name: 'Ann Lee',
			avatar_file_id: 'f2'
		});
		expect(chat.directory.members.get('c1')![0]).toMatchObject({
			display_name: 'Ann Lee',
			avatar_file_id: 'f2',
			role: 'member'
		});
		expect(chat.dms[0]!.members[0]).toMatchObject({ avatar_file_id: 'f2' });
		expect(chat.profiles.get('ann')).toMatchObject({
			display_name: 'Ann Lee',
			avatar_file_id: 'f2',
			bio: 'Hi',
			banner_file_id: 'b1'
		});
	});

	it('community_updated brings the new pictures and keeps our role', async () => {
		const { chat, socket } = await setup();
		stop = () => chat.stop();
		socket.push({
			type: 'community_updated',
			community: { ...community, icon_file_id: 'icon1', banner_file_id: 'ban1', my_role: null }
		});
		expect(chat.directory.community('c1')).toMatchObject({
			icon_file_id: 'icon1',
			banner_file_id: 'ban1',
			my_role: 'owner'
		});
	});

	it('notification_settings_updated replaces the settings, and a mute hides unread', async () => {
		const { chat, socket } = await setup();
		stop = () => chat.stop();
		await vi.waitFor(() => expect(chat.notifications.loaded).toBe(true));
		expect(chat.notifications.settings.desktop).toBe(false);
		socket.push({ type: 'message_created', message: { ...message, id: 'm2', channel_id: 'd1' } });
		expect(chat.unread.directTotal(['d1'])).toBe(1);
		socket.push({
			type: 'notification_settings_updated',
			settings: {
				...(ROUTES['/api/account/notifications'] as object),
				keywords: ['deploy'],
				channels: [
					{ id: 'd1', level: null, muted_until: '2999-12-31T00:00:00Z', suppress_everyone: false }
				]
			}
		});
		expect(chat.notifications.settings.keywords).toEqual(['deploy']);
		expect(chat.unread.directTotal(['d1'])).toBe(0);
		expect(chat.unread.shown('d1').unread).toBe(0);
		expect(chat.unread.get('d1').unread).toBe(1);
	});

	it('presence: another device’s idle is undone while this one is in use', async () => {
		const { chat, socket, sent } = await setup();
		stop = () => chat.stop();
		const presencePuts = () =>
			sent.filter((r) => r.method === 'PUT' && r.path === '/api/account/presence');
		// No input here yet: the other device may well be right.
		socket.push({ type: 'presence', user_id: 'me', status: 'idle' });
		expect(chat.presence.of('me')).toBe('idle');
		window.dispatchEvent(new KeyboardEvent('keydown'));
		// Someone else going idle is theirs.
		socket.push({ type: 'presence', user_id: 'ann', status: 'idle' });
		expect(presencePuts()).toEqual([]);
		// (Had Ann's idle sent anything, the exact list below would hold two PUTs.)
		socket.push({ type: 'presence', user_id: 'me', status: 'idle' });
		await vi.waitFor(() =>
			expect(presencePuts()).toEqual([
				{ method: 'PUT', path: '/api/account/presence', body: '{"status":"online"}' }
			])
		);
		await vi.waitFor(() => expect(chat.presence.of('me')).toBe('online'));
	});

	it('community presence: asked for on each connection, complete lists and changes', async () => {
		const { chat, socket } = await setup();
		stop = () => chat.stop();
		const watches = () => watchesOn(socket);
		socket.push(READY);
		// (This fake server has no channel structure to give.)
		await chat.openCommunity('c1').catch(() => {});
		expect(watches()).toMatchObject([{ community_id: 'c1' }]);

		socket.push(communityPresence([{ user_id: 'ann', status: 'online' }], true, 1));
		expect(chat.presence.of('ann')).toBe('online');
		socket.push(communityPresence([{ user_id: 'ann', status: 'dnd' }], false, 1));
		expect(chat.presence.of('ann')).toBe('dnd');
		// A complete list without Ann: she went offline meanwhile.
		socket.push(communityPresence([], true, 0));
		expect(chat.presence.of('ann')).toBe('offline');

		// The server forgets what a connection showed: a new one asks again.
		socket.push(READY);
		expect(watches()).toHaveLength(2);
		expect(watches()[1]).toMatchObject({ community_id: 'c1' });
	});
	it('a large community: presence asked for the rows on screen, the count kept', async () => {
		community.member_count = 600;
		const { chat, socket } = await setup().finally(() => (community.member_count = 2));
		stop = () => chat.stop();
		const watches = () => watchesOn(socket);
		socket.push(READY);
		await chat.openCommunity('c1').catch(() => {});
		// Until the list says which rows it shows, only the count.
		expect(watches()).toEqual([expect.objectContaining({ community_id: 'c1', users: [] })]);
		chat.showMemberRows('c1', ['ann', 'bob']);
		chat.showMemberRows('c1', ['ann', 'bob']);
		chat.showMemberRows('other', ['zed']);
		expect(watches()).toHaveLength(2);
		expect(watches()[1]).toMatchObject({ community_id: 'c1', users: ['ann', 'bob'] });

		// A complete list speaks for its rows only: Zed, on no row, keeps his dot.
		chat.presence.set('bob', 'online');
		chat.presence.set('zed', 'online');
		socket.push(communityPresence([{ user_id: 'ann', status: 'idle' }], true, 7));
		expect(chat.presence.of('ann')).toBe('idle');
		expect(chat.presence.of('bob')).toBe('offline');
		expect(chat.presence.of('zed')).toBe('online');
		expect(chat.onlineCounts.get('c1')).toBe(7);
		socket.push(communityPresence([], false, 8));
		expect(chat.onlineCounts.get('c1')).toBe(8);

		// A new connection asks for the same rows.
		socket.push(READY);
		expect(watches()).toHaveLength(3);
		expect(watches()[2]).toMatchObject({ community_id: 'c1', users: ['ann', 'bob'] });
	});
});
