import { describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import { ApiError } from '$api/errors';
import type { CustomEmoji } from './custom';
import {
	CustomEmojiStore,
	FAILED_IMAGE_REFETCH_MS,
	NO_CUSTOM_EMOJI,
	UNKNOWN_RECHECK_MS
} from './custom.svelte';

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

const emoji = (name: string, id = name): CustomEmoji => ({
	id,
	name,
	file_id: `file-${name}`,
	created_by: 'u1',
	created_at: '2026-12-01T10:00:00Z'
});

function setup() {
	let server: CustomEmoji[] = [emoji('zebra'), emoji('blob')];
	const calls: string[] = [];
	const uploads: { name: string | null; fileName: string | null; type: string | null }[] = [];
	let now = 1_000_000;
	const fetch = vi.fn(async (request: Request) => {
		const url = new URL(request.url);
		calls.push(`${request.method} ${url.pathname}`);
		if (request.method === 'GET' && url.pathname === '/api/communities/c1/emoji') {
			return json(200, server);
		}
		if (request.method === 'POST' && url.pathname === '/api/communities/c1/emoji') {
			const form = await request.formData();
			const part = form.get('file');
			const name = url.searchParams.get('name');
			uploads.push({
				name,
				// Node's File, not the page's (jsdom) class.
				fileName: part && typeof part === 'object' ? part.name : null,
				type: request.headers.get('content-type')
			});
			if (name === 'taken') {
				return json(409, { code: 'emoji_name_taken', message: 'this community already has it' });
			}
			const added = emoji(name!);
			server = [...server, added];
			return json(201, added);
		}
		const removed = /^\/api\/communities\/c1\/emoji\/(.+)$/.exec(url.pathname);
		if (request.method === 'DELETE' && removed) {
			server = server.filter((e) => e.id !== removed[1]);
			return new Response(null, { status: 204 });
		}
		return json(404, { code: 'not_found', message: 'no' });
	});
	const api = createApi({
		baseUrl: 'https://chat.test',
		fetch,
		tokens: {
			accessToken: async () => 'access',
			refreshAfterRejection: async () => null,
			sessionRejected: () => {}
		}
	});
	let token: string | null = 't1';
	const store = new CustomEmojiStore({
		api,
		fileUrl: (id) => (token ? `https://chat.test/api/files/${id}?token=${token}` : null),
		now: () => now
	});
	return {
		store,
		calls,
		uploads,
		advance: (ms: number) => (now += ms),
		setToken: (next: string | null) => (token = next),
		addOnServer: (e: CustomEmoji) => (server = [...server, e])
	};
}

describe('CustomEmojiStore', () => {
	it('loads a community once, sorted by name', async () => {
		const { store, calls } = setup();
		expect(store.list('c1')).toBeUndefined();
		const [first, second] = await Promise.all([store.load('c1'), store.load('c1')]);
		expect(first.map((e) => e.name)).toEqual(['blob', 'zebra']);
		expect(second).toBe(first);
		await store.load('c1');
		expect(calls).toEqual(['GET /api/communities/c1/emoji']);
		expect(store.find('c1', 'blob')?.file_id).toBe('file-blob');
	});

	it('adds an emoji as a multipart part with the name in the query, then refetches', async () => {
		const { store, calls, uploads } = setup();
		await store.load('c1');
		const image = new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
		const added = await store.add('c1', 'party', image, 'party.png');
		expect(added.name).toBe('party');
		expect(uploads).toHaveLength(1);
		expect(uploads[0]?.name).toBe('party');
		// (jsdom's Blob reaches Node's multipart encoder without its file name.)
		expect(uploads[0]?.fileName).toBeTruthy();
		expect(uploads[0]?.type).toMatch(/^multipart\/form-data; boundary=/);
		expect(store.list('c1')?.map((e) => e.name)).toEqual(['blob', 'party', 'zebra']);
		await vi.waitFor(() =>
			expect(calls.filter((c) => c === 'GET /api/communities/c1/emoji')).toHaveLength(2)
		);
	});

	it('passes the server refusal on', async () => {
		const { store } = setup();
		await store.load('c1');
		const failure = await store.add('c1', 'taken', new Blob(['x'])).catch((e: unknown) => e);
		expect(failure).toBeInstanceOf(ApiError);
		expect((failure as ApiError).code).toBe('emoji_name_taken');
		expect(store.list('c1')?.map((e) => e.name)).toEqual(['blob', 'zebra']);
	});

	it('deletes an emoji and forgets it at once', async () => {
		const { store, calls } = setup();
		await store.load('c1');
		await store.remove('c1', 'blob');
		expect(calls).toContain('DELETE /api/communities/c1/emoji/blob');
		expect(store.list('c1')?.map((e) => e.name)).toEqual(['zebra']);
	});

	it('refetches for an unknown name, once per name in a while', async () => {
		const { store, calls, advance, addOnServer } = setup();
		await store.load('c1');
		const gets = () => calls.filter((c) => c.startsWith('GET')).length;
		store.noticed('c1', ['blob', 'zebra']);
		store.noticed('c1', ['Not_Valid']);
		expect(gets()).toBe(1);
		// Added by another admin meanwhile: the first use fetches the list again.
		addOnServer(emoji('new_one'));
		store.noticed('c1', ['new_one']);
		await vi.waitFor(() => expect(store.find('c1', 'new_one')).toBeDefined());
		expect(gets()).toBe(2);
		// A name that is none (`10:30:45`) asks once, then not again for a while.
		store.noticed('c1', ['30']);
		await vi.waitFor(() => expect(gets()).toBe(3));
		store.noticed('c1', ['30']);
		advance(UNKNOWN_RECHECK_MS - 1);
		store.noticed('c1', ['30']);
		expect(gets()).toBe(3);
		advance(1);
		store.noticed('c1', ['30']);
		await vi.waitFor(() => expect(gets()).toBe(4));
		// Not loaded: nothing to refresh.
		store.noticed('c2', ['x1']);
		expect(gets()).toBe(4);
	});

	it('refetches when an image fails to load (deleted elsewhere), at most once a minute', async () => {
		const { store, calls, advance } = setup();
		const scope = store.scope('c1');
		scope.failed();
		expect(calls).toEqual([]);
		await store.load('c1');
		const gets = () => calls.filter((c) => c.startsWith('GET')).length;
		scope.failed();
		await vi.waitFor(() => expect(gets()).toBe(2));
		scope.failed();
		advance(FAILED_IMAGE_REFETCH_MS - 1);
		scope.failed();
		expect(gets()).toBe(2);
		advance(1);
		scope.failed();
		await vi.waitFor(() => expect(gets()).toBe(3));
	});

	it('gives a conversation its URLs by name', async () => {
		const { store, setToken } = setup();
		const scope = store.scope('c1');
		expect(scope.list).toEqual([]);
		expect(scope.url('blob')).toBeNull();
		await store.load('c1');
		expect(scope.list.map((e) => e.name)).toEqual(['blob', 'zebra']);
		expect(scope.has('blob')).toBe(true);
		expect(scope.has('nope')).toBe(false);
		expect(scope.url('blob')).toBe('https://chat.test/api/files/file-blob?token=t1');
		expect(scope.url('nope')).toBeNull();
		expect(scope.url('Blob')).toBeNull();
		setToken(null);
		expect(scope.url('blob')).toBeNull();
		expect(store.scope(null).list).toEqual([]);
		expect(NO_CUSTOM_EMOJI.url('blob')).toBeNull();
	});
});
