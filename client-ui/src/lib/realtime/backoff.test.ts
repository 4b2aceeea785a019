import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
	it('doubles per attempt within the jitter window', () => {
		const low = (attempt: number) => backoffDelay(attempt, { base: 100, random: () => 0 });
		const high = (attempt: number) => backoffDelay(attempt, { base: 100, random: () => 1 });
		expect([low(0), high(0)]).toEqual([50, 100]);
		expect([low(1), high(1)]).toEqual([100, 200]);
		expect([low(3), high(3)]).toEqual([400, 800]);
	});

	it('is capped by max', () => {
		expect(backoffDelay(30, { base: 500, max: 10_000, random: () => 1 })).toBe(10_000);
		expect(backoffDelay(30, { base: 500, max: 10_000, random: () => 0 })).toBe(5_000);
	});

	it('spreads clients out', () => {
		const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(4)));
		expect(delays.size).toBeGreaterThan(1);
	});
});
