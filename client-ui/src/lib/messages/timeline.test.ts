import { describe, expect, it } from 'vitest';
import { createApi } from '$api/client';
import type { Message } from './merge';
import { MAX_MESSAGES, PAGE_SIZE, Timeline } from './timeline.svelte';

const id = (n: number) => `m${String(n).padStart(5, '0')}`;

function message(n: number): Message {
	return {
		id: id(n),
		channel_id: 'c',
		author: { id: 'u', username: 'u', display_name: 'U' },
		content: `message ${n}`,
		created_at: '2026-03-10T10:00:00Z',
		deleted: false,
		mentions: [],
		mentions_everyone: false,
		pinned: false,
		reactions: [],
		thread_reply_count: 0
	};
}

/** A channel with `count` messages, answering history pages as the server does. */
function channel(count: number) {
	const all = Array.from({ length: count }, (_, i) => message(i + 1));
	const requests: string[] = [];
	const json = (body: unknown, status = 200) =>
		new Response(JSON.stringify(body), {
			status,
			headers: { 'content-type': 'application/json' }
		});
	const api = createApi({
		baseUrl: 'http://test',
		fetch: async (request) => {
			const query = new URL(request.url).searchParams;
			requests.push(query.toString());
			const limit = Number(query.get('limit') ?? 50);
			const before = query.get('before');
			const after = query.get('after');
			const around = query.get('around');
			if (around) {
				const index = all.findIndex((m) => m.id === around);
				if (index < 0) return json({ code: 'not_found', message: 'Message not found.' }, 404);
				const half = Math.floor(limit / 2);
				return json(all.slice(Math.max(0, index - half), index + limit - half));
			}
			if (after) return json(all.filter((m) => m.id > after).slice(0, limit));
			const older = before ? all.filter((m) => m.id < before) : all;
			return json(older.slice(-limit));
		}
	});
	return {
		api,
		requests,
		post(n: number) {
			all.push(message(n));
			return message(n);
		}
	};
}

const ids = (timeline: Timeline) => [timeline.messages[0]?.id, timeline.messages.at(-1)?.id];

describe('Timeline', () => {
	it('loads the latest page, then older pages', async () => {
		const server = channel(120);
		const timeline = new Timeline(server.api, 'c');
		await timeline.load();
		expect(ids(timeline)).toEqual([id(71), id(120)]);
		expect(timeline.hasOlder).toBe(true);
		expect(timeline.hasNewer).toBe(false);
		await timeline.loadOlder();
		await timeline.loadOlder();
		expect(timeline.messages).toHaveLength(120);
		expect(timeline.hasOlder).toBe(false);
	});

	it('keeps at most MAX_MESSAGES, dropping the newest when paging back', async () => {
		const server = channel(1000);
		const timeline = new Timeline(server.api, 'c');
		await timeline.load();
		for (let i = 0; i < 12; i += 1) await timeline.loadOlder();
		expect(timeline.messages).toHaveLength(MAX_MESSAGES);
		expect(ids(timeline)).toEqual([id(1000 - 13 * PAGE_SIZE + 1), id(1000 - 13 * PAGE_SIZE + 400)]);
		// The newest messages are gone, so the window is detached from the present.
		expect(timeline.hasNewer).toBe(true);
		const live = server.post(1001);
		timeline.upsert(live);
		expect(timeline.find(live.id), 'no live message after a gap').toBeUndefined();
	});

	it('jumps to a message with the page around it, detached from the present', async () => {
		const server = channel(600);
		const timeline = new Timeline(server.api, 'c');
		await timeline.load();
		expect(await timeline.jumpTo(id(100))).toBe(true);
		expect(server.requests.at(-1)).toContain(`around=${id(100)}`);
		expect(ids(timeline)).toEqual([id(75), id(124)]);
		expect(timeline.hasOlder).toBe(true);
		expect(timeline.hasNewer).toBe(true);
		expect(timeline.generation).toBe(1);
		// A loaded message needs no request.
		const requests = server.requests.length;
		expect(await timeline.jumpTo(id(110))).toBe(true);
		expect(server.requests).toHaveLength(requests);
	});

	it('pages forward from a jump until it joins the live tail', async () => {
		const server = channel(200);
		const timeline = new Timeline(server.api, 'c');
		await timeline.jumpTo(id(40));
		expect(timeline.loaded).toBe(true);
		timeline.upsert(server.post(201));
		expect(timeline.find(id(201))).toBeUndefined();
		await timeline.loadNewer();
		await timeline.loadNewer();
		expect(timeline.hasNewer).toBe(true);
		await timeline.loadNewer();
		// The short page joined the present, and the message left out meanwhile is fetched.
		expect(timeline.hasNewer).toBe(false);
		expect(ids(timeline)).toEqual([id(15), id(201)]);
		timeline.upsert(server.post(202));
		expect(timeline.lastId).toBe(id(202));
	});

	it('drops the oldest messages when paging forward beyond the limit', async () => {
		const server = channel(1000);
		const timeline = new Timeline(server.api, 'c');
		await timeline.jumpTo(id(30));
		for (let i = 0; i < 10; i += 1) await timeline.loadNewer();
		expect(timeline.messages).toHaveLength(MAX_MESSAGES);
		expect(timeline.hasOlder).toBe(true);
		expect(timeline.lastId).toBe(id(554));
	});

	it('a jump near the newest message is live at once', async () => {
		const server = channel(60);
		const timeline = new Timeline(server.api, 'c');
		await timeline.jumpTo(id(55));
		expect(timeline.hasNewer).toBe(false);
		expect(ids(timeline)).toEqual([id(30), id(60)]);
	});

	it('jumps back to the present', async () => {
		const server = channel(300);
		const timeline = new Timeline(server.api, 'c');
		await timeline.jumpTo(id(10));
		server.post(301);
		await timeline.jumpToPresent();
		expect(timeline.hasNewer).toBe(false);
		expect(ids(timeline)).toEqual([id(252), id(301)]);
		expect(timeline.generation).toBe(2);
	});

	it('reports a message it cannot find and still shows the channel', async () => {
		const server = channel(80);
		const timeline = new Timeline(server.api, 'c');
		expect(await timeline.jumpTo('m99999')).toBe(false);
		expect(timeline.loaded).toBe(true);
		expect(timeline.lastId).toBe(id(80));
	});

	it('ignores updates of messages outside the window', async () => {
		const server = channel(200);
		const timeline = new Timeline(server.api, 'c');
		await timeline.load();
		timeline.upsert({ ...message(3), content: 'edited long ago' });
		expect(timeline.find(id(3))).toBeUndefined();
		timeline.upsert({ ...message(190), content: 'edited' });
		expect(timeline.find(id(190))?.content).toBe('edited');
	});

	it('trims old messages once the live tail grew past the limit', async () => {
		const server = channel(50);
		const timeline = new Timeline(server.api, 'c');
		await timeline.load();
		for (let n = 51; n <= MAX_MESSAGES + 20; n += 1) timeline.upsert(server.post(n));
		timeline.trimOlder();
		expect(timeline.messages).toHaveLength(MAX_MESSAGES);
		expect(timeline.hasOlder).toBe(true);
		expect(timeline.messages[0]?.id).toBe(id(21));
	});

	it('opens at the present after a jump: the jump is not repeated', async () => {
		const server = channel(200);
		const timeline = new Timeline(server.api, 'c');
		await timeline.jumpTo(id(20));
		const jump = timeline.focus;
		expect(jump?.id).toBe(id(20));
		// The list showed it; a second list (the channel opened again) finds nothing to repeat.
		timeline.focused(jump!.seq);
		expect(timeline.focus).toBeNull();
		await timeline.open();
		expect(timeline.hasNewer).toBe(false);
		expect(ids(timeline)[1]).toBe(id(200));
		expect(timeline.focus?.id).toBeNull();
	});

	it('keeps a deleted message as a tombstone, as history does', async () => {
		const server = channel(3);
		const timeline = new Timeline(server.api, 'c');
		await timeline.load();
		timeline.patch(id(2), (m) => ({
			...m,
			pinned: true,
			mentions_everyone: true,
			mentions_here: true,
			reactions: [{ emoji: '👍', count: 1, user_ids: ['u'] }]
		}));
		timeline.deleted(id(2));
		expect(timeline.messages.map((m) => m.id)).toEqual([id(1), id(2), id(3)]);
		expect(timeline.find(id(2))).toMatchObject({
			deleted: true,
			content: '',
			pinned: false,
			mentions_everyone: false,
			mentions_here: false,
			reactions: []
		});
		// A late copy from before the deletion does not bring the text back.
		timeline.upsert(message(2));
		expect(timeline.find(id(2))?.deleted).toBe(true);
	});

	it('drops purged messages and leaves the rest', async () => {
		const server = channel(4);
		const timeline = new Timeline(server.api, 'c');
		await timeline.load();
		const before = timeline.messages;
		timeline.purged([id(9)]);
		expect(timeline.messages).toBe(before);
		timeline.purged([id(1), id(3)]);
		expect(timeline.messages.map((m) => m.id)).toEqual([id(2), id(4)]);
	});
});
