/**
 * The desktop app's native call engine (src-tauri/src/call), typed: its commands and
 * the `voice://event`s that follow a call. The engine holds its own connection to the
 * server and sends `voice_join`, `voice_update` and `voice_leave` there itself.
 */
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { call } from './commands';

/** The Tauri event that carries {@link NativeVoiceEvent}s. */
export const VOICE_EVENT = 'voice://event';

export interface NativeJoinRequest {
	/** The chat server's `http(s)://` base URL. */
	server: string;
	/** An access token: the page holds the session. */
	token: string;
	channelId: string;
	selfMute: boolean;
	selfDeaf: boolean;
	/** This call's tag: its events carry it (those of a call just left may still arrive). */
	call: string;
}

export interface NativeJoined {
	user_id: string;
}

/** One microphone, speaker or camera. */
export interface MediaDevice {
	id: string;
	name: string;
}

/** The microphones and speakers, and the chosen ones (null: the system default). */
export interface NativeDeviceSettings {
	inputs: MediaDevice[];
	outputs: MediaDevice[];
	cameras: MediaDevice[];
	input: string | null;
	output: string | null;
	/** Null: the first camera. */
	camera: string | null;
}

export interface NativeParticipant {
	user_id: string;
	call_session_id: string;
	self_mute: boolean;
	self_deaf: boolean;
	camera: boolean;
	screen_share: boolean;
}

export type NativePeerState = 'connecting' | 'connected' | 'reconnecting' | 'failed';

/** An engine event with the tag of the call it belongs to. */
export type TaggedVoiceEvent = NativeVoiceEvent & { call: string };

export type NativeVoiceEvent =
	/** Everyone in the call, this user included. */
	| { type: 'participants'; participants: NativeParticipant[] }
	| { type: 'speaking'; user_id: string; speaking: boolean }
	| { type: 'peer'; user_id: string; state: NativePeerState }
	/** The engine lost the server and is joining again; `participants` follows when back. */
	| { type: 'reconnecting' }
	/** `left` when asked for, otherwise the server's reason. */
	| { type: 'ended'; reason: string };

export const voiceCommands = {
	/** Resolves once the server accepted the join. */
	join: (request: NativeJoinRequest) => call<NativeJoined>('voice_join', { ...request }),
	/** Resolves once the server knows (nothing to do outside a call). */
	leave: () => call<void>('voice_leave'),
	setMute: (muted: boolean) => call<void>('voice_set_mute', { muted }),
	setDeaf: (deaf: boolean) => call<void>('voice_set_deaf', { deaf }),
	/** 0 (silent) to 2 (twice as loud); 1 by default. */
	setVolume: (userId: string, volume: number) => call<void>('voice_set_volume', { userId, volume }),
	/** A fresh access token for the engine's reconnects and TURN credentials. */
	setToken: (token: string) => call<void>('voice_set_token', { token }),
	devices: () => call<NativeDeviceSettings>('voice_devices'),
	/** The microphone and speakers apply from the next join, the camera from its next start. */
	selectDevices: (input: string | null, output: string | null, camera: string | null) =>
		call<NativeDeviceSettings>('voice_select_devices', { input, output, camera }),
	/** Turns the chosen camera on or off in the call; on, its pictures show on our tile. */
	setCamera: (on: boolean) => call<void>('voice_set_camera', { on }),
	/**
	 * A participant's next camera or screen picture after number `after`, as bytes
	 * (`voice/picture.ts`); empty when none came within 2 s.
	 */
	videoFrame: (userId: string, slot: 'camera' | 'screen', after: number) =>
		call<ArrayBuffer>('voice_video_frame', { userId, slot, after })
};

/** Follows the engine's events; resolves to the function that stops. */
export function onVoiceEvent(handler: (event: TaggedVoiceEvent) => void): Promise<UnlistenFn> {
	return listen<TaggedVoiceEvent>(VOICE_EVENT, (event) => handler(event.payload));
}
