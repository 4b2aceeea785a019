/**
 * Who is speaking in the call, ourselves included, and our microphone's level: each
 * watched track is measured every 100 ms ({@link LevelMeter}) and run through the
 * speaking hysteresis ({@link nextSpeaking}).
 */
import { SvelteSet } from 'svelte/reactivity';
import { LevelMeter } from './levels';
import { nextSpeaking, type SpeakingState } from './speaking';

const INTERVAL_MS = 100;

export class SpeakingMonitor {
	/** User IDs of the people speaking now. */
	readonly speaking = new SvelteSet<string>();
	/** Our microphone's level (0…1), for the meter. */
	micLevel = $state(0);

	private readonly selfId: string;
	private readonly muted: () => boolean;
	private readonly levels = new LevelMeter();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly states = new Map<string, SpeakingState>();
	private timer: ReturnType<typeof setInterval> | null = null;

	/** `muted`: our microphone is off (a muted person is never speaking). */
	constructor(selfId: string, muted: () => boolean) {
		this.selfId = selfId;
		this.muted = muted;
	}

	/** Starts the audio context: call it from the user's action (autoplay rules). */
	start(): void {
		this.levels.start();
	}

	watch(userId: string, track: MediaStreamTrack): void {
		this.levels.watch(userId, track);
		this.timer ??= setInterval(() => this.measure(), INTERVAL_MS);
	}

	watches(userId: string): boolean {
		return this.levels.keys().includes(userId);
	}

	unwatch(userId: string): void {
		this.levels.unwatch(userId);
		this.states.delete(userId);
		this.speaking.delete(userId);
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = null;
		this.levels.stop();
		this.states.clear();
		this.speaking.clear();
		this.micLevel = 0;
	}

	private measure(): void {
		const now = Date.now();
		for (const key of this.levels.keys()) {
			const self = key === this.selfId;
			const level = self && this.muted() ? 0 : this.levels.level(key);
			if (self) this.micLevel = level;
			const next = nextSpeaking(this.states.get(key) ?? { speaking: false, loudAt: 0 }, level, now);
			this.states.set(key, next);
			if (next.speaking === this.speaking.has(key)) continue;
			if (next.speaking) this.speaking.add(key);
			else this.speaking.delete(key);
		}
	}
}
