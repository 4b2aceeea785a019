/**
 * What the UI uses of this device's call, whichever engine runs it: the page's own
 * WebRTC (`CallEngine`) or, in the desktop app, the native engine
 * (`NativeCallEngine`). Capability flags say which controls and settings apply.
 */
import type { NativeDeviceSettings } from '$lib/desktop/voice-commands';
import type { ServerEventMap } from '$lib/realtime/events';
import type { PeerProblem } from './errors';

export type CallStatus = 'idle' | 'joining' | 'connected' | 'rejoining';

/** What the UI shows of one other participant's connection. */
export interface PeerView {
	userId: string;
	connection: RTCPeerConnectionState;
	problem: PeerProblem | null;
	audio: MediaStream | null;
	camera: MediaStream | null;
	screen: MediaStream | null;
}

export interface CallNotice {
	tone: 'error' | 'info';
	text: string;
}

/**
 * The others' cameras and screens as pictures an engine decodes itself (the desktop
 * app's native engine), drawn on a canvas; bytes as `picture.ts` reads them.
 */
export interface PictureSource {
	/** The next picture of a participant's slot after number `after` (empty: none came). */
	next(userId: string, slot: 'camera' | 'screen', after: number): Promise<ArrayBuffer>;
}

/** Microphones and speakers that an engine opens itself (not the page's media devices). */
export interface NativeDevicePicker {
	list(): Promise<NativeDeviceSettings>;
	/** Null picks the system default (the first camera). */
	select(
		input: string | null,
		output: string | null,
		camera: string | null
	): Promise<NativeDeviceSettings>;
}

export interface CallController {
	readonly status: CallStatus;
	/** The voice channel of the call (also while joining). */
	readonly channelId: string | null;
	readonly selfMute: boolean;
	readonly selfDeaf: boolean;
	readonly camera: boolean;
	readonly screen: boolean;
	/** Why the call ended or an action failed, until dismissed or the next join. */
	readonly notice: CallNotice | null;
	/** The other participants' connections and media, by user ID. */
	readonly peers: ReadonlyMap<string, PeerView>;
	/** Who is speaking now (user IDs, ourselves included). */
	readonly speaking: ReadonlySet<string>;
	/** Our microphone's level (0…1), for the meter. */
	readonly micLevel: number;
	readonly inCall: boolean;
	/** Our own camera and shared screen, for their tiles. */
	readonly localCamera: MediaStream | null;
	readonly localScreen: MediaStream | null;

	/** Calls work on this device at all. */
	readonly available: boolean;
	/** A camera can be sent. */
	readonly supportsCamera: boolean;
	/** A screen can be shared. */
	readonly supportsScreen: boolean;
	/**
	 * Sound goes through the page: its microphone (with the browser's processing
	 * switches and the level meter) and an audio element per person.
	 */
	readonly pageMedia: boolean;
	/** The engine's own microphones and speakers, when it opens them itself. */
	readonly nativeDevices: NativeDevicePicker | null;
	/** The others' video as pictures, when the engine decodes it (not `PeerView` streams). */
	readonly pictures: PictureSource | null;

	/** Follows the engine's own events, if any; returns the function that stops. */
	start(): () => void;
	/** Joins a voice channel's call (leaving the one we are in, if another). */
	join(channelId: string): Promise<void>;
	leave(): void;
	/** The WebSocket is back: keep our place in the call. */
	rejoin(): void;
	setMuted(muted: boolean): void;
	setDeafened(deaf: boolean): void;
	setCamera(on: boolean): Promise<void>;
	setScreenShare(on: boolean): Promise<void>;
	/** One person's playback volume (0–1), remembered in the settings. */
	setVolume(userId: string, volume: number): void;
	/** The microphone settings changed: reopen it with them. */
	reopenMicrophone(): Promise<void>;
	/** The camera setting changed: switch to the new one if the camera is on. */
	reopenCamera(): Promise<void>;
	/** The network came back: look for a path to everyone again. */
	restartIce(): void;
	dismissNotice(): void;
	/** Our connection to a participant (for diagnostics). */
	peerConnection(userId: string): RTCPeerConnection | null;
	onSignal(event: ServerEventMap['voice_signal']): void;
	onVoiceState(event: ServerEventMap['voice_state']): void;
}
