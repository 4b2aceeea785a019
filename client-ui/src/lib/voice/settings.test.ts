import { describe, expect, it } from 'vitest';
import { DEFAULT_PREFS, parsePrefs, VOICE_PREFS_KEY, VoiceSettings } from './settings.svelte';

describe('voice settings', () => {
	it('falls back to the defaults for missing or broken values', () => {
		expect(parsePrefs(null)).toEqual(DEFAULT_PREFS);
		expect(parsePrefs('not json')).toEqual(DEFAULT_PREFS);
		expect(
			parsePrefs(
				JSON.stringify({
					echoCancellation: false,
					noiseSuppression: 'yes',
					microphoneId: 42,
					volumes: { a: 0.5, b: 7, c: 'loud' }
				})
			)
		).toEqual({ ...DEFAULT_PREFS, echoCancellation: false, volumes: { a: 0.5, b: 1 } });
	});

	it('keeps changes in storage', () => {
		const storage = new Map<string, string>();
		const fake = {
			getItem: (k: string) => storage.get(k) ?? null,
			setItem: (k: string, v: string) => void storage.set(k, v)
		} as unknown as Storage;
		const settings = new VoiceSettings(fake);
		settings.update({ noiseSuppression: false });
		settings.setVolume('ann', 0.3);
		expect(settings.volumeOf('ann')).toBe(0.3);
		expect(settings.volumeOf('bob')).toBe(1);
		const again = new VoiceSettings(fake);
		expect(again.prefs.noiseSuppression).toBe(false);
		expect(again.volumeOf('ann')).toBe(0.3);
		expect(JSON.parse(storage.get(VOICE_PREFS_KEY)!).volumes).toEqual({ ann: 0.3 });
	});
});
