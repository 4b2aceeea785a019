/**
 * `user_updated` and `community_updated` through a `Chat` wired to a fake socket and a
 * fake server: loaded messages, member lists, DMs and profile cards take a person's new
 * name and avatar; a community's new pictures arrive and our role stays.
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
	send() {}
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
	my_role: 'owner'
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

async function setup() {
	const sockets: FakeSocket[] = [];
	const tokens = {
		accessToken: async () => 'access',
		refreshAfterRejection: async () => null,
		sessionRejected: () => {}
	};
	const api = createApi({
		baseUrl: 'https://chat.test',
		tokens,
		fetch: async (request) => {
			const body = ROUTES[new URL(request.url).pathname];
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
	return { chat, socket: sockets[0]!, timeline };
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
});
