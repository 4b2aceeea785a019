import { describe, expect, it } from 'vitest';
import { ApiError } from '$api/errors';
import type { ServerEventMap, ServerEventType } from '$lib/realtime/events';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import {
	DEFAULT_PREFERENCES,
	STORAGE_KEYS,
	SYNCED_USER_STORAGE_KEY,
	type Preferences,
	type ServerPreferences
} from './preferences';
import {
	LINK_PREVIEWS_STORAGE_KEY,
	shownColours,
	ThemeStore,
	THEME_STORAGE_KEY,
	type PreferencesSource,
	type ThemeEnvironment
} from './theme.svelte';

class FakeMedia {
	private listeners = new Set<(e: { matches: boolean }) => void>();
	constructor(public matches: boolean) {}
	addEventListener(_type: string, listener: (e: { matches: boolean }) => void) {
		this.listeners.add(listener);
	}
	removeEventListener(_type: string, listener: (e: { matches: boolean }) => void) {
		this.listeners.delete(listener);
	}
	set(matches: boolean) {
		this.matches = matches;
		for (const l of this.listeners) l({ matches });
	}
}

function environment(
	stored: Record<string, string> = {},
	systemDark = false,
	systemReduce = false
) {
	const storage = new Map(Object.entries(stored));
	const dark = new FakeMedia(systemDark);
	const motion = new FakeMedia(systemReduce);
	const root = document.createElement('html');
	const env: ThemeEnvironment = {
		storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
		matchMedia: (q) => (q.includes('color-scheme') ? dark : motion) as unknown as MediaQueryList,
		root
	};
	return { env, storage, dark, motion, root };
}

describe('ThemeStore', () => {
	it('follows the system by default and tracks its changes', () => {
		const { env, dark, root } = environment({}, true);
		const theme = new ThemeStore(env);
		expect(theme.preference).toBe('system');
		expect(root.dataset.theme).toBe('dark');
		dark.set(false);
		expect(theme.resolved).toBe('light');
		expect(root.dataset.theme).toBe('light');
		theme.dispose();
	});

	it('persists an explicit choice and ignores the system then', () => {
		const { env, storage, dark, root } = environment({}, true);
		const theme = new ThemeStore(env);
		theme.setPreference('light');
		expect(storage.get(THEME_STORAGE_KEY)).toBe('light');
		dark.set(true);
		expect(root.dataset.theme).toBe('light');
		expect(root.style.colorScheme).toBe('light');
	});

	it('restores the stored choice and rejects unknown values', () => {
		expect(new ThemeStore(environment({ [THEME_STORAGE_KEY]: 'dark' }).env).resolved).toBe('dark');
		expect(new ThemeStore(environment({ [THEME_STORAGE_KEY]: 'neon' }).env).preference).toBe(
			'system'
		);
	});

	it('reduces motion when the system or the user asks', () => {
		const { env, motion, root } = environment();
		const theme = new ThemeStore(env);
		expect(root.dataset.motion).toBe('full');
		motion.set(true);
		expect(root.dataset.motion).toBe('reduce');
		motion.set(false);
		theme.setReduceMotion(true);
		expect(theme.motionReduced).toBe(true);
		expect(root.dataset.motion).toBe('reduce');
	});

	it('shows link previews unless turned off, and remembers the choice', () => {
		const { env, storage } = environment();
		const theme = new ThemeStore(env);
		expect(theme.linkPreviews).toBe(true);
		theme.setLinkPreviews(false);
		expect(storage.get(LINK_PREVIEWS_STORAGE_KEY)).toBe('false');
		expect(new ThemeStore(env).linkPreviews).toBe(false);
		theme.setLinkPreviews(true);
		expect(new ThemeStore(env).linkPreviews).toBe(true);
	});

	it('survives storage that throws', () => {
		const { env } = environment();
		env.storage = {
			getItem: () => {
				throw new Error('denied');
			},
			setItem: () => {
				throw new Error('denied');
			}
		};
		const theme = new ThemeStore(env);
		expect(() => theme.setPreference('dark')).not.toThrow();
		expect(theme.resolved).toBe('dark');
	});
});

/** A server that answers at once (or fails), recording what it was sent. */
class FakeServer implements PreferencesSource {
	view: ServerPreferences = { ...DEFAULT_PREFERENCES, updated_at: null };
	updates: Partial<Preferences>[] = [];
	gets = 0;
	fail: Error | null = null;
	/** Requests held back until `release` (to test answers that arrive late). */
	hold = false;
	private held: (() => void)[] = [];

	async get() {
		this.gets += 1;
		await this.wait();
		return { ...this.view };
	}

	async update(change: Partial<Preferences>) {
		this.updates.push(change);
		await this.wait();
		if (this.fail) throw this.fail;
		this.view = { ...this.view, ...change, updated_at: '2026-12-05T10:00:00Z' };
		return { ...this.view };
	}

	/** Answers the held requests, and the next ones at once. */
	release() {
		this.hold = false;
		for (const go of this.held.splice(0)) go();
	}

	private wait() {
		return this.hold ? new Promise<void>((go) => this.held.push(go)) : Promise.resolve();
	}
}

class FakeRealtime {
	private handlers = new Map<string, (payload: never) => void>();
	on<K extends ServerEventType>(type: K, handler: (payload: ServerEventMap[K]) => void) {
		this.handlers.set(type, handler as (payload: never) => void);
		return () => void this.handlers.delete(type);
	}
	emit<K extends ServerEventType>(type: K, payload: ServerEventMap[K]) {
		this.handlers.get(type)?.(payload as never);
	}
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function stored(view: Partial<Preferences>): ServerPreferences {
	return { ...DEFAULT_PREFERENCES, ...view, updated_at: '2026-12-01T09:00:00Z' };
}

function connected(local: Record<string, string> = {}, user = 'user-1') {
	const env = environment(local);
	const theme = new ThemeStore(env.env);
	const server = new FakeServer();
	const realtime = new FakeRealtime();
	const connect = () => theme.connect(server, realtime as unknown as Pick<Realtime, 'on'>, user);
	return { ...env, theme, server, realtime, connect };
}

describe('community theme overrides', () => {
	it('shows the community colours over the person’s own, and not over high contrast', () => {
		const own = { palette: 'rose' as const, accent: '#112233' };
		expect(shownColours(own, null)).toEqual(own);
		expect(shownColours(own, { palette: 'forest', accent: '#2E8B57' })).toEqual({
			palette: 'forest',
			accent: '#2e8b57'
		});
		expect(shownColours(own, { palette: null, accent: null })).toEqual(own);
		expect(shownColours({ palette: 'high_contrast', accent: null }, { palette: 'ocean' })).toEqual({
			palette: 'high_contrast',
			accent: null
		});
	});

	it('applies while a community is open and goes back after, storing nothing', () => {
		const { env, storage, root } = environment({ [STORAGE_KEYS.palette]: 'rose' });
		const theme = new ThemeStore(env);
		expect(root.dataset.palette).toBe('rose');
		theme.setCommunityTheme({ palette: 'ocean', accent: '#2e8b57' });
		expect(root.dataset.palette).toBe('ocean');
		expect(root.dataset.accent).toBe('custom');
		expect(root.style.getPropertyValue('--accent-custom')).toBe('#2e8b57');
		expect(theme.palette).toBe('rose');
		expect(storage.get(STORAGE_KEYS.palette)).toBe('rose');
		theme.setCommunityTheme(null);
		expect(root.dataset.palette).toBe('rose');
		expect(root.dataset.accent).toBeUndefined();
		theme.dispose();
	});
});

describe('ThemeStore synced with the server', () => {
	it('applies the server’s view over the local cache, to <html> and storage', async () => {
		const { theme, server, root, storage, connect } = connected({ [THEME_STORAGE_KEY]: 'light' });
		server.view = stored({ theme: 'dark', palette: 'ocean', accent: '#aa3355', compact: true });
		connect();
		await flush();
		expect(theme.preference).toBe('dark');
		expect(root.dataset).toMatchObject({
			theme: 'dark',
			palette: 'ocean',
			accent: 'custom',
			density: 'compact'
		});
		expect(root.style.getPropertyValue('--accent-custom')).toBe('#aa3355');
		expect(root.style.getPropertyValue('--accent-custom-text')).toBe('#ffffff');
		expect(storage.get(THEME_STORAGE_KEY)).toBe('dark');
		expect(storage.get(STORAGE_KEYS.palette)).toBe('ocean');
		expect(server.updates).toEqual([]);
		// A reload starts from the cache, as app.html does before first paint.
		expect(new ThemeStore(environment(Object.fromEntries(storage)).env).palette).toBe('ocean');
	});

	it('sends only the field that changed, and applies the change at once', async () => {
		const { theme, server, root, connect } = connected();
		server.view = stored({ theme: 'dark' });
		connect();
		await flush();
		server.hold = true;
		const saved = theme.setPalette('forest');
		expect(root.dataset.palette).toBe('forest');
		expect(theme.saving).toBe(1);
		server.release();
		await saved;
		expect(server.updates).toEqual([{ palette: 'forest' }]);
		expect(theme.saving).toBe(0);
		expect(theme.preference).toBe('dark');
		await theme.setAccent(null);
		expect(server.updates.at(-1)).toEqual({ accent: null });
	});

	it('puts a refused change back and says why', async () => {
		const { theme, server, root, storage, connect } = connected();
		server.view = stored({ theme: 'light', compact: false });
		connect();
		await flush();
		server.fail = ApiError.network();
		await theme.setCompact(true);
		expect(theme.compact).toBe(false);
		expect(root.dataset.density).toBe('comfortable');
		expect(storage.get(STORAGE_KEYS.compact)).toBe('false');
		expect(theme.syncError).toMatch(/compact mode could not be saved.*Cannot reach the server/);
		// The next change that succeeds clears the message.
		server.fail = null;
		await theme.setPreference('dark');
		expect(theme.syncError).toBeNull();
	});

	it('sends this device’s own choices once when the server has none', async () => {
		const { theme, server, connect } = connected({
			[THEME_STORAGE_KEY]: 'dark',
			[LINK_PREVIEWS_STORAGE_KEY]: 'false'
		});
		connect();
		await flush();
		expect(server.updates).toEqual([{ theme: 'dark', link_previews: false }]);
		expect(theme.preference).toBe('dark');
		expect(server.view.updated_at).not.toBeNull();
	});

	it('does not send again after a reconnect, and reloads on `ready`', async () => {
		const { theme, server, realtime, connect } = connected({ [THEME_STORAGE_KEY]: 'dark' });
		connect();
		await flush();
		expect(server.updates).toHaveLength(1);
		server.view = stored({ theme: 'light', palette: 'rose' });
		realtime.emit('ready', {} as ServerEventMap['ready']);
		await flush();
		expect(server.gets).toBe(2);
		expect(server.updates).toHaveLength(1);
		expect(theme.preference).toBe('light');
		expect(theme.palette).toBe('rose');
	});

	it('keeps the defaults of a fresh device and sends nothing', async () => {
		const { server, connect } = connected();
		connect();
		await flush();
		expect(server.updates).toEqual([]);
	});

	it('does not give one account’s cached choices to another', async () => {
		const { theme, server, storage, connect } = connected();
		server.view = stored({ theme: 'dark' });
		const stop = connect();
		await flush();
		stop();
		expect(storage.get(SYNCED_USER_STORAGE_KEY)).toBe('user-1');
		const other = new FakeServer();
		theme.connect(other, new FakeRealtime() as unknown as Pick<Realtime, 'on'>, 'user-2');
		await flush();
		expect(other.updates).toEqual([]);
		expect(theme.preference).toBe('system');
		expect(storage.get(SYNCED_USER_STORAGE_KEY)).toBe('user-2');
	});

	it('applies `preferences_updated` live, but not over a change still on its way', async () => {
		const { theme, server, realtime, root, connect } = connected();
		server.view = stored({});
		connect();
		await flush();
		realtime.emit('preferences_updated', {
			preferences: { ...stored({ theme: 'dark', time_format: '24h' }) }
		} as unknown as ServerEventMap['preferences_updated']);
		expect(root.dataset.theme).toBe('dark');
		expect(theme.timeFormat).toBe('24h');

		server.hold = true;
		const saved = theme.setPalette('rose');
		// Another device's change (made before ours reached the server) arrives meanwhile.
		realtime.emit('preferences_updated', {
			preferences: stored({ theme: 'dark', compact: true })
		} as unknown as ServerEventMap['preferences_updated']);
		expect(theme.palette).toBe('rose');
		expect(theme.compact).toBe(true);
		server.release();
		await saved;
		expect(theme.palette).toBe('rose');
	});

	it('sends again a change that a reload interrupted', async () => {
		const first = connected();
		first.server.view = stored({});
		first.connect();
		await flush();
		first.server.hold = true;
		void first.theme.setPreference('light');
		// The page goes away before the answer: the next page finds the change unsaved.
		const next = new ThemeStore(environment(Object.fromEntries(first.storage)).env);
		const server = new FakeServer();
		server.view = stored({ theme: 'dark' });
		next.connect(server, new FakeRealtime() as unknown as Pick<Realtime, 'on'>, 'user-1');
		await flush();
		expect(server.updates).toEqual([{ theme: 'light' }]);
		expect(next.preference).toBe('light');
	});

	it('ignores answers that arrive after disconnecting', async () => {
		const { theme, server, connect } = connected();
		server.view = stored({ theme: 'dark' });
		server.hold = true;
		const stop = connect();
		stop();
		server.release();
		await flush();
		expect(theme.preference).toBe('system');
		expect(theme.connected).toBe(false);
	});
});
