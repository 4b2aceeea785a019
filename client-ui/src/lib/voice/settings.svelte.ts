/**
 * The user's voice settings on this device: devices, audio processing and the volume
 * of each person, kept in localStorage.
 */
export interface VoicePrefs {
	echoCancellation: boolean;
	noiseSuppression: boolean;
	autoGainControl: boolean;
	/** Chosen devices; empty means the system default. */
	microphoneId: string;
	cameraId: string;
	speakerId: string;
	/** Playback volume per user ID, 0–1 (1 when absent). */
	volumes: Record<string, number>;
}

export const VOICE_PREFS_KEY = 'chatalot.voice';

export const DEFAULT_PREFS: VoicePrefs = {
	echoCancellation: true,
	noiseSuppression: true,
	autoGainControl: true,
	microphoneId: '',
	cameraId: '',
	speakerId: '',
	volumes: {}
};

/** Reads saved settings, keeping only well-formed values. */
export function parsePrefs(raw: string | null): VoicePrefs {
	let value: unknown;
	try {
		value = raw ? JSON.parse(raw) : null;
	} catch {
		value = null;
	}
	const saved = (typeof value === 'object' && value !== null ? value : {}) as Record<
		string,
		unknown
	>;
	const flag = (key: keyof VoicePrefs) =>
		typeof saved[key] === 'boolean' ? (saved[key] as boolean) : (DEFAULT_PREFS[key] as boolean);
	const text = (key: keyof VoicePrefs) =>
		typeof saved[key] === 'string' ? (saved[key] as string) : '';
	const volumes: Record<string, number> = {};
	if (typeof saved.volumes === 'object' && saved.volumes !== null) {
		for (const [id, volume] of Object.entries(saved.volumes)) {
			if (typeof volume === 'number' && Number.isFinite(volume))
				volumes[id] = Math.min(1, Math.max(0, volume));
		}
	}
	return {
		echoCancellation: flag('echoCancellation'),
		noiseSuppression: flag('noiseSuppression'),
		autoGainControl: flag('autoGainControl'),
		microphoneId: text('microphoneId'),
		cameraId: text('cameraId'),
		speakerId: text('speakerId'),
		volumes
	};
}

export class VoiceSettings {
	prefs = $state<VoicePrefs>(DEFAULT_PREFS);
	private readonly storage: Storage | null;

	constructor(storage: Storage | null = globalThis.localStorage ?? null) {
		this.storage = storage;
		this.prefs = parsePrefs(read(storage));
	}

	update(changes: Partial<VoicePrefs>): void {
		this.prefs = { ...this.prefs, ...changes };
		try {
			this.storage?.setItem(VOICE_PREFS_KEY, JSON.stringify(this.prefs));
		} catch {
			// Storage full or denied: the settings hold for this visit.
		}
	}

	volumeOf(userId: string): number {
		return this.prefs.volumes[userId] ?? 1;
	}

	setVolume(userId: string, volume: number): void {
		this.update({ volumes: { ...this.prefs.volumes, [userId]: Math.min(1, Math.max(0, volume)) } });
	}
}

function read(storage: Storage | null): string | null {
	try {
		return storage?.getItem(VOICE_PREFS_KEY) ?? null;
	} catch {
		return null;
	}
}
