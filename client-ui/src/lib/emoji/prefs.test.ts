import { describe, expect, it } from 'vitest';
import { EmojiPrefs, RECENT_MAX } from './prefs.svelte';

function memoryStorage(initial: Record<string, string> = {}) {
	const data = new Map(Object.entries(initial));
	return {
		data,
		getItem: (key: string) => data.get(key) ?? null,
		setItem: (key: string, value: string) => void data.set(key, value)
	};
}

describe('EmojiPrefs', () => {
	it('keeps recently used emoji most recent first, without repeats, up to the limit', () => {
		const storage = memoryStorage();
		const prefs = new EmojiPrefs(storage);
		prefs.used('🎉');
		prefs.used('👍');
		prefs.used('🎉');
		expect(prefs.recent).toEqual(['🎉', '👍']);
		for (let i = 0; i < RECENT_MAX + 5; i++) prefs.used(String(i));
		expect(prefs.recent).toHaveLength(RECENT_MAX);
		expect(new EmojiPrefs(storage).recent).toEqual(prefs.recent);
	});

	it('remembers the skin tone and ignores damaged entries', () => {
		const storage = memoryStorage();
		new EmojiPrefs(storage).setTone(4);
		expect(new EmojiPrefs(storage).tone).toBe(4);
		const damaged = new EmojiPrefs(
			memoryStorage({ 'chatalot.emoji.recent': '{oops', 'chatalot.emoji.skin-tone': '9' })
		);
		expect(damaged.recent).toEqual([]);
		expect(damaged.tone).toBe(0);
	});

	it('works without storage', () => {
		const prefs = new EmojiPrefs(null);
		prefs.used('🎉');
		expect(prefs.recent).toEqual(['🎉']);
	});
});
