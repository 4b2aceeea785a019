import { describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import type { Message } from '$lib/messages/merge';
import { Bookmarks } from './bookmarks.svelte';

function message(id: string, content = 'hello'): Message {
	return {
		id,
		channel_id: 'c1',
		content,
		created_at: '2026-11-28T10:00:00Z',
		deleted: false,
		mentions: [],
		mentions_everyone: false,
		pinned: false,
		reactions: [],
		thread_reply_count: 0
	};
}

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

/** `listed` is served in pages of `pageSize`, with the server's cursors. */
function setup(listed: unknown[] = [], pageSize = 100) {
	const calls: string[] = [];
	const fetch = vi.fn(async (request: Request) => {
		const url = new URL(request.url);
		const path = url.pathname;
		calls.push(
			`${request.method} ${path}${url.search}${request.method === 'PUT' ? ' ' + (await request.text()) : ''}`
		);
		if (path === '/api/bookmarks') {
			const start = Number(url.searchParams.get('cursor') ?? 0);
			const end = start + pageSize;
			return json(200, {
				bookmarks: listed.slice(start, end),
				next_cursor: end < listed.length ? String(end) : null
			});
		}
		if (path === '/api/messages/gone/bookmark') {
			return json(404, { code: 'bookmark_not_found', message: 'this message is not bookmarked' });
		}
		if (path === '/api/messages/broken/bookmark') {
			return json(400, { code: 'invalid', message: 'note too long', field: 'note' });
		}
		return new Response(null, { status: 204 });
	});
	return { calls, bookmarks: new Bookmarks(createApi({ baseUrl: 'http://chat.test', fetch })) };
}

describe('Bookmarks', () => {
	it('loads the list and knows which messages are bookmarked', async () => {
		const { bookmarks } = setup([
			{ message: message('m1'), note: 'read later', created_at: '2026-11-28T11:00:00Z' }
		]);
		expect(bookmarks.has('m1')).toBe(false);
		await bookmarks.load();
		expect(bookmarks.loaded).toBe(true);
		expect(bookmarks.has('m1')).toBe(true);
		expect(bookmarks.get('m1')?.note).toBe('read later');
	});

	it('loads every page, following the cursors of the server', async () => {
		const listed = ['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => ({
			message: message(id),
			note: null,
			created_at: '2026-11-28T11:00:00Z'
		}));
		const { bookmarks, calls } = setup(listed, 2);
		await bookmarks.load();
		expect(bookmarks.list.map((b) => b.message.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
		expect(bookmarks.has('m5')).toBe(true);
		expect(calls).toEqual([
			'GET /api/bookmarks?limit=100',
			'GET /api/bookmarks?cursor=2&limit=100',
			'GET /api/bookmarks?cursor=4&limit=100'
		]);
	});

	it('adds new bookmarks first and changes the note of an existing one in place', async () => {
		const { bookmarks, calls } = setup([
			{ message: message('m1'), note: null, created_at: '2026-11-28T11:00:00Z' }
		]);
		await bookmarks.load();
		await bookmarks.save(message('m2'), '  ');
		expect(bookmarks.list.map((b) => b.message.id)).toEqual(['m2', 'm1']);
		expect(bookmarks.get('m2')?.note).toBeNull();
		await bookmarks.save(message('m1'), ' check this ');
		expect(bookmarks.list.map((b) => b.message.id)).toEqual(['m2', 'm1']);
		expect(bookmarks.get('m1')?.note).toBe('check this');
		expect(calls).toContain('PUT /api/messages/m2/bookmark {"note":null}');
		expect(calls).toContain('PUT /api/messages/m1/bookmark {"note":"check this"}');
	});

	it('removes bookmarks, treating one already gone as removed', async () => {
		const { bookmarks } = setup([
			{ message: message('m1'), created_at: '2026-11-28T11:00:00Z' },
			{ message: message('gone'), created_at: '2026-11-28T10:00:00Z' }
		]);
		await bookmarks.load();
		await bookmarks.remove('m1');
		await bookmarks.remove('gone');
		expect(bookmarks.list).toEqual([]);
	});

	it('keeps the list as it was when the server refuses', async () => {
		const { bookmarks } = setup();
		await bookmarks.load();
		await expect(bookmarks.save(message('broken'), 'x')).rejects.toMatchObject({ field: 'note' });
		expect(bookmarks.has('broken')).toBe(false);
	});
});
