import { describe, expect, it } from 'vitest';
import {
	LINK_PREVIEWS_STORAGE_KEY,
	ThemeStore,
	THEME_STORAGE_KEY,
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
