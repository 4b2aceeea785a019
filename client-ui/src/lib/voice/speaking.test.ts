import { describe, expect, it } from 'vitest';
import { loudestBlock, nextSpeaking, rms, SPEAKING_HOLD_MS } from './speaking';

describe('speaking', () => {
	it('starts at once and ends only after a quiet moment', () => {
		let state = { speaking: false, loudAt: 0 };
		state = nextSpeaking(state, 0.1, 1000);
		expect(state.speaking).toBe(true);
		state = nextSpeaking(state, 0, 1100);
		expect(state.speaking).toBe(true);
		state = nextSpeaking(state, 0, 1000 + SPEAKING_HOLD_MS);
		expect(state.speaking).toBe(false);
	});

	it('does not start on a murmur but keeps going through one', () => {
		expect(nextSpeaking({ speaking: false, loudAt: 0 }, 0.03, 10).speaking).toBe(false);
		const going = nextSpeaking({ speaking: true, loudAt: 0 }, 0.03, 10_000);
		expect(going).toEqual({ speaking: true, loudAt: 10_000 });
	});

	it('measures the root mean square', () => {
		expect(rms(new Float32Array([0.5, -0.5, 0.5, -0.5]))).toBeCloseTo(0.5);
		expect(rms(new Float32Array([]))).toBe(0);
	});

	it('hears a short sound anywhere in the window', () => {
		const samples = new Float32Array(4096);
		// A 10 ms beep near the end: watered down over the whole window, not in its block.
		samples.fill(0.5, 3584, 4096);
		expect(rms(samples)).toBeLessThan(0.2);
		expect(loudestBlock(samples, 512)).toBeCloseTo(0.5);
	});
});
