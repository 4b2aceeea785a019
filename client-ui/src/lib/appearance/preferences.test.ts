import { describe, expect, it } from 'vitest';
import {
	changedFromDefaults,
	contrastRatio,
	DEFAULT_PREFERENCES,
	describeFields,
	fromWire,
	normalizeColor,
	pick,
	readStored,
	storedText,
	textOn
} from './preferences';

describe('preferences', () => {
	it('takes the server’s view, replacing what this client does not know', () => {
		expect(
			fromWire({
				theme: 'dark',
				palette: 'neon',
				accent: '#AA3355',
				compact: true,
				time_format: '24h',
				reduce_motion: false,
				link_previews: false
			})
		).toEqual({
			theme: 'dark',
			palette: 'default',
			accent: '#aa3355',
			compact: true,
			time_format: '24h',
			reduce_motion: false,
			link_previews: false,
			updated_at: null
		});
	});

	it('reads back what it stores, and rejects the rest', () => {
		expect(readStored('accent', storedText('#123abc'))).toBe('#123abc');
		expect(readStored('accent', storedText(null))).toBeNull();
		expect(readStored('accent', 'red')).toBeNull();
		expect(readStored('compact', storedText(true))).toBe(true);
		expect(readStored('link_previews', null)).toBe(true);
		expect(readStored('palette', 'high_contrast')).toBe('high_contrast');
		expect(readStored('time_format', '13h')).toBe('auto');
		expect(normalizeColor('#12345')).toBeNull();
	});

	it('lists the choices that differ from the defaults', () => {
		expect(changedFromDefaults(DEFAULT_PREFERENCES)).toEqual([]);
		const mine = { ...DEFAULT_PREFERENCES, theme: 'dark' as const, link_previews: false };
		expect(changedFromDefaults(mine)).toEqual(['theme', 'link_previews']);
		expect(pick(mine, ['theme'])).toEqual({ theme: 'dark' });
	});

	it('names fields for messages', () => {
		expect(describeFields(['theme'])).toBe('theme');
		expect(describeFields(['theme', 'palette', 'accent'])).toBe('theme, palette and accent colour');
	});

	it('puts readable text on a custom accent', () => {
		expect(textOn('#5865f2')).toBe('#ffffff');
		expect(textOn('#ffd60a')).toBe('#111111');
		for (const accent of ['#000000', '#ffffff', '#808080', '#ff0000', '#00ff00', '#0000ff']) {
			expect(contrastRatio(textOn(accent), accent)).toBeGreaterThanOrEqual(4.5);
		}
	});
});
