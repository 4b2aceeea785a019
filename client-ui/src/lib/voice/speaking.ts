/**
 * Who is speaking, from sound levels: loud enough starts it at once, and it lasts
 * until the level has stayed low for a moment, so words do not flicker the ring.
 */
export const SPEAKING_ON = 0.04;
export const SPEAKING_OFF = 0.02;
export const SPEAKING_HOLD_MS = 400;

export interface SpeakingState {
	speaking: boolean;
	/** When the level was last above the "off" threshold. */
	loudAt: number;
}

export function nextSpeaking(state: SpeakingState, level: number, now: number): SpeakingState {
	if (level >= SPEAKING_ON) return { speaking: true, loudAt: now };
	if (level >= SPEAKING_OFF) return { speaking: state.speaking, loudAt: now };
	if (state.speaking && now - state.loudAt < SPEAKING_HOLD_MS) return state;
	return { speaking: false, loudAt: state.loudAt };
}

/** The root mean square of samples (-1…1), from `start` to `end`. */
export function rms(samples: Float32Array, start = 0, end = samples.length): number {
	let sum = 0;
	for (let i = start; i < end; i++) sum += samples[i]! * samples[i]!;
	return end > start ? Math.sqrt(sum / (end - start)) : 0;
}

/**
 * The level of the loudest short block in `samples`: a measurement every 100 ms of
 * the last ~85 ms then misses no syllable (nor a short beep), where the RMS of the whole
 * window would water it down.
 */
export function loudestBlock(samples: Float32Array, blockSize: number): number {
	let loudest = 0;
	for (let start = 0; start < samples.length; start += blockSize)
		loudest = Math.max(loudest, rms(samples, start, Math.min(samples.length, start + blockSize)));
	return loudest;
}
