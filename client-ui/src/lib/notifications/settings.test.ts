import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Api, Schemas } from '$api/client';
import { DEFAULT_SETTINGS, type NotificationSettings } from './rules';
import { NotificationPrefs } from './settings.svelte';

const CHANNEL = { channelId: 'c1', communityId: 'A' };

function view(overrides: Partial<NotificationSettings> = {}): NotificationSettings {
	return { ...DEFAULT_SETTINGS, ...overrides };
}

function fakeApi(answer: (body: unknown) => NotificationSettings) {
	const calls: { method: string; path: string; id?: string; body?: unknown }[] = [];
	const call =
		(method: string) =>
		async (path: string, init?: { params?: { path?: { id: string } }; body?: unknown }) => {
			calls.push({ method, path, id: init?.params?.path?.id, body: init?.body });
			return { data: answer(init?.body), response: new Response(null, { status: 200 }) };
		};
	const api = { GET: call('GET'), PATCH: call('PATCH'), PUT: call('PUT') } as unknown as Api;
	return { api, calls };
}

describe('NotificationPrefs', () => {
	afterEach(() => vi.useRealTimers());

	it('loads, and takes the settings of an event from another device', async () => {
		const { api } = fakeApi(() => view({ keywords: ['deploy'] }));
		const prefs = new NotificationPrefs(api);
		expect(prefs.loaded).toBe(false);
		expect(prefs.settings.sounds).toBe(true);
		await prefs.load();
		expect(prefs.loaded).toBe(true);
		expect(prefs.settings.keywords).toEqual(['deploy']);

		const muted = {
			id: 'c1',
			level: 'nothing' as const,
			muted_until: null,
			suppress_everyone: false
		};
		expect(prefs.showsUnread(CHANNEL)).toBe(true);
		prefs.apply(view({ sounds: false, channels: [muted] }));
		expect(prefs.settings.sounds).toBe(false);
		expect(prefs.rule(CHANNEL).level).toBe('nothing');
		expect(prefs.showsUnread(CHANNEL)).toBe(false);
		prefs.stop();
	});

	it('sends updates and scope changes, keeping the scope’s other fields', async () => {
		let current = view();
		const { api, calls } = fakeApi((body) => {
			const input = body as Schemas['ScopeNotificationInput'] & { keywords?: string[] };
			if (input && 'level' in input) {
				current = { ...current, communities: [{ id: 'A', ...input } as never] };
			} else if (input?.keywords) {
				current = { ...current, keywords: input.keywords };
			}
			return current;
		});
		const prefs = new NotificationPrefs(api);
		await prefs.update({ keywords: ['ship'] });
		expect(prefs.settings.keywords).toEqual(['ship']);
		await prefs.changeScope('community', 'A', { suppress_everyone: true });
		await prefs.changeScope('community', 'A', { level: 'all' });
		expect(calls.slice(1)).toEqual([
			{
				method: 'PUT',
				path: '/api/account/notifications/communities/{id}',
				id: 'A',
				body: { level: null, muted_until: null, suppress_everyone: true }
			},
			{
				method: 'PUT',
				path: '/api/account/notifications/communities/{id}',
				id: 'A',
				body: { level: 'all', muted_until: null, suppress_everyone: true }
			}
		]);
		expect(prefs.rule(CHANNEL)).toMatchObject({ level: 'all', suppressEveryone: true });
		prefs.stop();
	});

	it('moves its clock when a mute ends', () => {
		vi.useFakeTimers({ now: Date.parse('2026-12-05T12:00:00Z') });
		const prefs = new NotificationPrefs(fakeApi(() => view()).api);
		prefs.apply(
			view({
				communities: [
					{ id: 'A', level: null, muted_until: '2026-12-05T12:15:00Z', suppress_everyone: false }
				]
			})
		);
		expect(prefs.showsUnread(CHANNEL)).toBe(false);
		expect(prefs.mutedUntil('community', 'A')).toBe('2026-12-05T12:15:00Z');
		vi.advanceTimersByTime(15 * 60_000 + 100);
		expect(prefs.showsUnread(CHANNEL)).toBe(true);
		expect(prefs.mutedUntil('community', 'A')).toBeNull();
		prefs.stop();
	});
});
