/**
 * `Announcements` with a fake source and a fake event bus: the list loads at start and on
 * every `ready`, follows `announcement_created` and `announcement_removed`, keeps events
 * that arrive during a fetch, drops announcements when they expire (fake timers), and
 * removes a dismissed one only once the server took the dismissal.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import type { ServerEventMap } from '$lib/realtime/events';
import { Announcements, apiSource, type AnnouncementSource } from './announcements.svelte';
import type { Announcement } from './list';

const NOW = Date.parse('2026-12-05T12:00:00Z');

function announcement(id: string, overrides: Partial<Announcement> = {}): Announcement {
	return {
		id,
		title: `Title ${id}`,
		body: '',
		severity: 'info',
		created_at: '2026-12-05T10:00:00Z',
		expires_at: null,
		...overrides
	};
}

/** A source whose answers the test gives when it wants. */
function deferredSource() {
	const lists: { resolve: (list: Announcement[]) => void; reject: (e: unknown) => void }[] = [];
	const dismissals: { id: string; resolve: () => void; reject: (e: unknown) => void }[] = [];
	const source: AnnouncementSource = {
		list: () => new Promise((resolve, reject) => lists.push({ resolve, reject })),
		dismiss: (id) => new Promise((resolve, reject) => dismissals.push({ id, resolve, reject }))
	};
	return { source, lists, dismissals };
}

type Handlers = { [K in keyof ServerEventMap]?: (event: ServerEventMap[K]) => void };

function fakeRealtime() {
	const handlers: Handlers = {};
	const realtime = {
		on<K extends keyof ServerEventMap>(type: K, handler: (event: ServerEventMap[K]) => void) {
			(handlers as Record<string, unknown>)[type] = handler;
			return () => delete handlers[type];
		}
	} as unknown as Pick<Realtime, 'on'>;
	const emit = <K extends keyof ServerEventMap>(type: K, event: ServerEventMap[K]) =>
		(handlers[type] as ((event: ServerEventMap[K]) => void) | undefined)?.(event);
	return { realtime, emit, handlers };
}

const ready = {
	heartbeat_interval_ms: 30_000,
	presences: []
} as unknown as ServerEventMap['ready'];
const settle = () => vi.advanceTimersByTimeAsync(0);
const ids = (store: Announcements) => store.list.map((a) => a.id);

beforeEach(() => {
	vi.useFakeTimers();
	vi.setSystemTime(NOW);
});

afterEach(() => {
	vi.useRealTimers();
});

describe('Announcements', () => {
	it('loads at start, newest first, without expired ones', async () => {
		const { source, lists } = deferredSource();
		const store = new Announcements(source);
		store.start(fakeRealtime().realtime);
		expect(lists).toHaveLength(1);
		lists[0]!.resolve([
			announcement('old', { created_at: '2026-12-01T00:00:00Z' }),
			announcement('gone', { expires_at: '2026-12-05T11:00:00Z' }),
			announcement('new', { created_at: '2026-12-05T11:00:00Z' })
		]);
		await settle();
		expect(store.loaded).toBe(true);
		expect(ids(store)).toEqual(['new', 'old']);
	});

	it('applies created and removed events live', async () => {
		const { source, lists } = deferredSource();
		const { realtime, emit } = fakeRealtime();
		const store = new Announcements(source);
		store.start(realtime);
		lists[0]!.resolve([announcement('a')]);
		await settle();

		emit('announcement_created', {
			announcement: announcement('b', { created_at: '2026-12-05T11:59:00Z', severity: 'critical' })
		});
		expect(ids(store)).toEqual(['b', 'a']);
		// The same one again (e.g. also in a fetch) is not shown twice.
		emit('announcement_created', {
			announcement: announcement('b', { created_at: '2026-12-05T11:59:00Z', title: 'Edited' })
		});
		expect(ids(store)).toEqual(['b', 'a']);
		expect(store.list[0]!.title).toBe('Edited');
		// Already expired on arrival: never shown.
		emit('announcement_created', {
			announcement: announcement('c', { expires_at: '2026-12-05T11:00:00Z' })
		});
		expect(ids(store)).toEqual(['b', 'a']);

		emit('announcement_removed', { announcement_id: 'a' });
		expect(ids(store)).toEqual(['b']);
		emit('announcement_removed', { announcement_id: 'unknown' });
		expect(ids(store)).toEqual(['b']);
	});

	it('reloads on every ready, so what happened while offline shows', async () => {
		const { source, lists } = deferredSource();
		const { realtime, emit } = fakeRealtime();
		const store = new Announcements(source);
		store.start(realtime);
		lists[0]!.resolve([announcement('a'), announcement('b')]);
		await settle();
		expect(ids(store)).toEqual(['b', 'a']);

		// Reconnected: "a" was withdrawn and "c" posted meanwhile.
		emit('ready', ready);
		expect(lists).toHaveLength(2);
		lists[1]!.resolve([
			announcement('c', { created_at: '2026-12-05T11:30:00Z' }),
			announcement('b')
		]);
		await settle();
		expect(ids(store)).toEqual(['c', 'b']);
	});

	it('keeps events that arrive while a fetch runs', async () => {
		const { source, lists } = deferredSource();
		const { realtime, emit } = fakeRealtime();
		const store = new Announcements(source);
		store.start(realtime);
		lists[0]!.resolve([announcement('a'), announcement('b')]);
		await settle();

		emit('ready', ready);
		// The fetch's answer was made before these: "b" withdrawn, "new" posted.
		emit('announcement_removed', { announcement_id: 'b' });
		emit('announcement_created', {
			announcement: announcement('new', { created_at: '2026-12-05T11:59:00Z' })
		});
		lists[1]!.resolve([announcement('a'), announcement('b')]);
		await settle();
		expect(ids(store)).toEqual(['new', 'a']);
	});

	it('drops an answer overtaken by a newer fetch, and keeps the list when one fails', async () => {
		const { source, lists } = deferredSource();
		const { realtime, emit } = fakeRealtime();
		const store = new Announcements(source);
		store.start(realtime);
		emit('ready', ready);
		lists[1]!.resolve([announcement('fresh')]);
		await settle();
		lists[0]!.resolve([announcement('stale')]);
		await settle();
		expect(ids(store)).toEqual(['fresh']);

		const failed = store.load();
		lists[2]!.reject(new Error('offline'));
		await expect(failed).rejects.toThrow('offline');
		expect(ids(store)).toEqual(['fresh']);
	});

	it('drops each announcement when its expiry passes, with one timer at a time', async () => {
		const { source, lists } = deferredSource();
		const { realtime, emit } = fakeRealtime();
		const store = new Announcements(source);
		store.start(realtime);
		lists[0]!.resolve([
			announcement('soon', { expires_at: '2026-12-05T12:01:00Z' }),
			announcement('later', { expires_at: '2026-12-05T13:00:00Z' }),
			announcement('forever')
		]);
		await settle();
		expect(vi.getTimerCount()).toBe(1);

		await vi.advanceTimersByTimeAsync(59_999);
		expect(ids(store)).toContain('soon');
		await vi.advanceTimersByTimeAsync(1);
		expect(ids(store)).not.toContain('soon');
		expect(vi.getTimerCount()).toBe(1);

		// A sooner one arrives live: the timer follows it.
		emit('announcement_created', {
			announcement: announcement('blip', { expires_at: '2026-12-05T12:02:00Z' })
		});
		expect(ids(store)).toContain('blip');
		await vi.advanceTimersByTimeAsync(60_000);
		expect(ids(store)).toEqual(['later', 'forever']);

		await vi.advanceTimersByTimeAsync(60 * 60_000);
		expect(ids(store)).toEqual(['forever']);
		expect(vi.getTimerCount()).toBe(0);
	});

	it('waits in steps a timer allows for an expiry months away', async () => {
		const { source, lists } = deferredSource();
		const store = new Announcements(source);
		store.start(fakeRealtime().realtime);
		lists[0]!.resolve([announcement('far', { expires_at: '2027-03-05T12:00:00Z' })]);
		await settle();
		await vi.advanceTimersByTimeAsync(2 ** 31 - 1);
		expect(ids(store)).toEqual(['far']);
		expect(vi.getTimerCount()).toBe(1);
		vi.setSystemTime(Date.parse('2027-03-05T12:00:00Z'));
		await vi.runOnlyPendingTimersAsync();
		expect(ids(store)).toEqual([]);
	});

	it('removes a dismissed announcement once the server took it', async () => {
		const { source, lists, dismissals } = deferredSource();
		const store = new Announcements(source);
		store.start(fakeRealtime().realtime);
		lists[0]!.resolve([announcement('a'), announcement('b')]);
		await settle();

		const done = store.dismiss('a');
		expect(store.dismissing.has('a')).toBe(true);
		expect(ids(store)).toEqual(['b', 'a']);
		dismissals[0]!.resolve();
		await done;
		expect(ids(store)).toEqual(['b']);
		expect(store.dismissing.has('a')).toBe(false);

		const failing = store.dismiss('b');
		dismissals[1]!.reject(new Error('offline'));
		await expect(failing).rejects.toThrow('offline');
		expect(ids(store)).toEqual(['b']);
		expect(store.dismissing.size).toBe(0);
	});

	it('stops following events and timers when stopped', async () => {
		const { source, lists } = deferredSource();
		const { realtime, emit, handlers } = fakeRealtime();
		const store = new Announcements(source);
		const stop = store.start(realtime);
		lists[0]!.resolve([announcement('a', { expires_at: '2026-12-05T13:00:00Z' })]);
		await settle();
		expect(vi.getTimerCount()).toBe(1);
		stop();
		expect(Object.keys(handlers)).toEqual([]);
		expect(vi.getTimerCount()).toBe(0);
		emit('announcement_removed', { announcement_id: 'a' });
		expect(ids(store)).toEqual(['a']);
	});
});

describe('apiSource', () => {
	function api(status: number, body: unknown) {
		const requests: Request[] = [];
		const client = createApi({
			baseUrl: 'http://chat.test',
			fetch: async (request) => {
				requests.push(request);
				return status === 204
					? new Response(null, { status })
					: new Response(JSON.stringify(body), {
							status,
							headers: { 'content-type': 'application/json' }
						});
			}
		});
		return { source: apiSource(client), requests };
	}

	it('lists and dismisses through the API', async () => {
		const listing = api(200, [announcement('a')]);
		expect(await listing.source.list()).toEqual([announcement('a')]);
		expect(new URL(listing.requests[0]!.url).pathname).toBe('/api/announcements');

		const dismissing = api(204, null);
		await dismissing.source.dismiss('a b');
		expect(dismissing.requests[0]!.method).toBe('POST');
		expect(new URL(dismissing.requests[0]!.url).pathname).toBe('/api/announcements/a%20b/dismiss');
	});

	it('treats an announcement already gone as dismissed, and other failures as failures', async () => {
		const gone = api(404, { code: 'announcement_not_found', message: 'no such announcement' });
		await expect(gone.source.dismiss('a')).resolves.toBeUndefined();
		const failing = api(500, { code: 'internal', message: 'boom' });
		await expect(failing.source.dismiss('a')).rejects.toThrow('boom');
	});
});
