import { describe, expect, it } from 'vitest';
import type { Api, Schemas } from '$api/client';
import type { Message } from './merge';
import { UnreadCounts } from './unread.svelte';

const SELF = 'u-self';

function api(entries: Partial<Schemas['UnreadView']>[]): Api {
	const GET = async () => ({
		data: entries.map((e) => ({ unread_count: 0, mention_count: 0, ...e })),
		response: new Response(null, { status: 200 })
	});
	return { GET } as unknown as Api;
}

function message(channelId: string, overrides: Partial<Message> = {}): Message {
	return {
		id: crypto.randomUUID(),
		channel_id: channelId,
		author: { id: 'u-bob', username: 'bob', display_name: 'Bob' },
		content: 'hi',
		mentions: [],
		mentions_everyone: false,
		mentions_here: false,
		reply_to_author_id: null,
		...overrides
	} as Message;
}

describe('UnreadCounts', () => {
	it('totals each community from the entries, without its channel list', async () => {
		const unread = new UnreadCounts(
			api([
				{ channel_id: 'c1', community_id: 'A', unread_count: 3, mention_count: 1 },
				{ channel_id: 'c2', community_id: 'A', unread_count: 2, mention_count: 0 },
				{ channel_id: 'c3', community_id: 'B', unread_count: 7, mention_count: 2 },
				{ channel_id: 'dm', community_id: null, unread_count: 4, mention_count: 0 }
			])
		);
		await unread.refresh();
		expect(unread.communityTotal('A')).toEqual({ unread: 5, mentions: 1 });
		expect(unread.communityTotal('B')).toEqual({ unread: 7, mentions: 2 });
		expect(unread.communityTotal('C')).toEqual({ unread: 0, mentions: 0 });
		expect(unread.inCommunity('c1')).toBe(true);
		expect(unread.inCommunity('dm')).toBe(false);
		expect(unread.inCommunity('unknown')).toBe(false);
	});

	it('keeps the community through live messages and reading', async () => {
		const unread = new UnreadCounts(api([{ channel_id: 'c1', community_id: 'A' }]));
		await unread.refresh();
		unread.received(message('c1', { mentions: [SELF] }), SELF);
		unread.received(message('c1'), SELF);
		expect(unread.communityTotal('A')).toEqual({ unread: 2, mentions: 1 });

		unread.read('c1', 'zzzz');
		expect(unread.communityTotal('A')).toEqual({ unread: 0, mentions: 0 });
		expect(unread.inCommunity('c1')).toBe(true);
	});

	it('totals the direct conversations it is given, live', async () => {
		const unread = new UnreadCounts(
			api([
				{ channel_id: 'dm1', community_id: null, unread_count: 2 },
				{ channel_id: 'c1', community_id: 'A', unread_count: 5 }
			])
		);
		await unread.refresh();
		expect(unread.directTotal(['dm1', 'dm2'])).toBe(2);
		unread.received(message('dm2'), SELF);
		expect(unread.directTotal(['dm1', 'dm2'])).toBe(3);
		unread.read('dm1', 'zzzz');
		expect(unread.directTotal(['dm1', 'dm2'])).toBe(1);
	});

	it('places channels created since the last refresh', async () => {
		const unread = new UnreadCounts(api([]));
		await unread.refresh();
		unread.place('new', 'A');
		unread.received(message('new', { mentions_everyone: true }), SELF);
		// A message in a channel known only from the directory names its community.
		unread.received(message('other'), SELF, 'A');
		expect(unread.communityTotal('A')).toEqual({ unread: 2, mentions: 1 });
	});

	it('leaves muted channels and those at nothing out of what it shows and totals', async () => {
		const quiet = new Set(['c2', 'dm']);
		const unread = new UnreadCounts(
			api([
				{
					channel_id: 'c1',
					community_id: 'A',
					unread_count: 3,
					mention_count: 1,
					last_read_id: 'x'
				},
				{
					channel_id: 'c2',
					community_id: 'A',
					unread_count: 2,
					mention_count: 2,
					last_read_id: 'y'
				},
				{ channel_id: 'dm', community_id: null, unread_count: 4, mention_count: 0 }
			]),
			(id) => !quiet.has(id)
		);
		await unread.refresh();
		expect(unread.communityTotal('A')).toEqual({ unread: 3, mentions: 1 });
		expect(unread.directTotal(['dm'])).toBe(0);
		expect(unread.shown('c2')).toEqual({
			unread: 0,
			mentions: 0,
			lastReadId: 'y',
			communityId: 'A'
		});
		expect(unread.get('c2').unread).toBe(2);
		quiet.clear();
		// @everyone is no mention where it is suppressed.
		unread.received(message('c1', { mentions_everyone: true }), SELF, 'A', false);
		expect(unread.get('c1')).toMatchObject({ unread: 4, mentions: 1 });
		expect(unread.communityTotal('A')).toEqual({ unread: 6, mentions: 3 });
	});

	it('counts @everyone and @here as mentions unless suppressed, direct mentions always', async () => {
		const unread = new UnreadCounts(api([{ channel_id: 'c1', community_id: 'A' }]));
		await unread.refresh();
		const counts = () => unread.get('c1');
		unread.received(message('c1', { mentions_here: true }), SELF);
		expect(counts()).toMatchObject({ unread: 1, mentions: 1 });
		unread.received(message('c1', { mentions_everyone: true }), SELF);
		expect(counts()).toMatchObject({ unread: 2, mentions: 2 });
		// The text alone is no mention: the server marks an @here its author may use.
		unread.received(message('c1', { content: '@here lunch?' }), SELF);
		// Nor is a reply to the user (the server's mention count does not include replies).
		unread.received(message('c1', { reply_to_author_id: SELF }), SELF);
		expect(counts()).toMatchObject({ unread: 4, mentions: 2 });
		// Where suppressed, neither counts; a direct mention still does.
		unread.received(message('c1', { mentions_here: true }), SELF, 'A', false);
		unread.received(message('c1', { mentions_everyone: true }), SELF, 'A', false);
		expect(counts()).toMatchObject({ unread: 6, mentions: 2 });
		unread.received(message('c1', { mentions_here: true, mentions: [SELF] }), SELF, 'A', false);
		expect(counts()).toMatchObject({ unread: 7, mentions: 3 });
		// Someone else named is no mention of the user.
		unread.received(message('c1', { mentions: ['u-other'] }), SELF);
		expect(counts()).toMatchObject({ unread: 8, mentions: 3 });
	});
});
