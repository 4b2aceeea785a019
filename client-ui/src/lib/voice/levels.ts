/**
 * Sound levels of media streams through Web Audio analysers (nothing is played
 * here): the speaking rings and the microphone meter.
 */
import { loudestBlock } from './speaking';

/** About 85 ms of sound at 48 kHz, looked at in blocks of about 10 ms. */
const WINDOW = 4096;
const BLOCK = 512;

export class LevelMeter {
	private context: AudioContext | null = null;

	private readonly sources = new Map<
		string,
		{
			source: MediaStreamAudioSourceNode;
			analyser: AnalyserNode;
			buffer: Float32Array<ArrayBuffer>;
		}
	>();

	/** Starts the audio context; call from a user's action (autoplay rules). */
	start(): void {
		if (this.context || typeof AudioContext === 'undefined') return;
		this.context = new AudioContext();
		void this.context.resume().catch(() => {});
	}

	/** Measures `track` under `key` (replacing what was measured there). */
	watch(key: string, track: MediaStreamTrack): void {
		this.unwatch(key);
		if (!this.context) return;
		const source = this.context.createMediaStreamSource(new MediaStream([track]));
		const analyser = this.context.createAnalyser();
		analyser.fftSize = WINDOW;
		source.connect(analyser);
		this.sources.set(key, { source, analyser, buffer: new Float32Array(analyser.fftSize) });
	}

	unwatch(key: string): void {
		const entry = this.sources.get(key);
		if (!entry) return;
		entry.source.disconnect();
		this.sources.delete(key);
	}

	/** The current level (0…1, RMS of the loudest recent block) of what is watched under `key`. */
	level(key: string): number {
		const entry = this.sources.get(key);
		if (!entry) return 0;
		entry.analyser.getFloatTimeDomainData(entry.buffer);
		return loudestBlock(entry.buffer, BLOCK);
	}

	keys(): string[] {
		return [...this.sources.keys()];
	}

	stop(): void {
		for (const key of this.keys()) this.unwatch(key);
		void this.context?.close().catch(() => {});
		this.context = null;
	}
}
