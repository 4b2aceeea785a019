/**
 * What this device sends in its call, by slot: the microphone, the camera and the
 * screen. Opening a device takes a while: a track that arrives after the call ended is
 * stopped at once.
 */
import { openCamera, openMicrophone, openScreen } from './media';
import type { MediaSlot } from './negotiation';
import type { VoiceSettings } from './settings.svelte';

export interface LocalMediaOptions {
	settings: VoiceSettings;
	/** A slot's track changed (the connections send the new one). */
	changed: (slot: MediaSlot, track: MediaStreamTrack | null) => void;
	/** The browser ended a track by itself (e.g. its own "Stop sharing" bar). */
	ended: (slot: MediaSlot) => void;
}

export class LocalMedia {
	/** Our camera and screen, for our own tile. */
	camera = $state.raw<MediaStream | null>(null);
	screen = $state.raw<MediaStream | null>(null);

	private readonly options: LocalMediaOptions;
	private readonly tracks: Record<MediaSlot, MediaStreamTrack | null> = {
		audio: null,
		camera: null,
		screen: null
	};
	/** Bumped when the call ends: a device opened for the call before is not used. */
	private generation = 0;

	constructor(options: LocalMediaOptions) {
		this.options = options;
	}

	track(slot: MediaSlot): MediaStreamTrack | null {
		return this.tracks[slot];
	}

	/**
	 * Opens the slot's device with the current settings (replacing what was there).
	 * Throws what the browser threw; false when the call ended meanwhile.
	 */
	async open(slot: MediaSlot): Promise<boolean> {
		const generation = this.generation;
		const prefs = this.options.settings.prefs;
		const track =
			slot === 'audio'
				? await openMicrophone(prefs)
				: slot === 'camera'
					? await openCamera(prefs)
					: await openScreen();
		if (generation !== this.generation) {
			track.stop();
			return false;
		}
		track.addEventListener('ended', () => {
			if (this.tracks[slot] === track) this.options.ended(slot);
		});
		this.put(slot, track);
		return true;
	}

	close(slot: MediaSlot): void {
		if (this.tracks[slot]) this.put(slot, null);
	}

	/** The call ended: every device stops. */
	stopAll(): void {
		this.generation += 1;
		for (const slot of Object.keys(this.tracks) as MediaSlot[]) {
			this.tracks[slot]?.stop();
			this.tracks[slot] = null;
		}
		this.camera = this.screen = null;
	}

	private put(slot: MediaSlot, track: MediaStreamTrack | null): void {
		const old = this.tracks[slot];
		this.tracks[slot] = track;
		if (old && old !== track) old.stop();
		if (slot !== 'audio') this[slot] = track ? new MediaStream([track]) : null;
		this.options.changed(slot, track);
	}
}
