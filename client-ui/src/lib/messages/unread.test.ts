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
});
