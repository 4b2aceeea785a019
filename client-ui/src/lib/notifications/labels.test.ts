import { describe, expect, it } from 'vitest';
import { endsAt, isIndefinite, tomorrowMorning, untilText } from './labels';
import { FOREVER } from './rules';

const NOW = new Date(2026, 11, 5, 14, 0).getTime();

describe('labels', () => {
	it('computes ends', () => {
		expect(Date.parse(endsAt(15, NOW)) - NOW).toBe(15 * 60_000);
		expect(endsAt(null, NOW)).toBe(FOREVER);
		const morning = new Date(tomorrowMorning(NOW));
		expect([morning.getDate(), morning.getHours(), morning.getMinutes()]).toEqual([6, 8, 0]);
	});

	it('describes ends', () => {
		expect(isIndefinite(FOREVER)).toBe(true);
		expect(untilText(FOREVER, NOW)).toBe('until you turn it back on');
		expect(untilText(endsAt(15, NOW), NOW)).toMatch(/^until 2:15\sPM \(in 15 minutes\)$/);
		expect(untilText(tomorrowMorning(NOW), NOW)).toMatch(/^until Dec 6, 8:00\sAM \(in 18 hours\)$/);
	});
});
