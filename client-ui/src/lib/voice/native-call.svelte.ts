/**
 * The call in the desktop app: the native engine (src-tauri/src/call) records, plays
 * and connects to everyone, and talks to the server on its own connection. This side
 * asks it through commands, follows its `voice://event`s, and keeps its access token
 * fresh. Nothing of the call goes over the page's realtime connection.
 */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { AccessTokenSource } from '$api/client';
import { DesktopError } from '$lib/desktop/commands';
import {
	onVoiceEvent,
	voiceCommands,
	type NativePeerState,
	type TaggedVoiceEvent
} from '$lib/desktop/voice-commands';
import type {
	NativeDevicePicker,
	CallController,
	CallNotice,
	CallStatus,
	PeerView,
	PictureSource
} from './controller';
import {
	cameraErrorMessage,
	leftReasonMessage,
	nativeJoinErrorMessage,
	voiceErrorMessage
} from './errors';
import type { VoiceSettings } from './settings.svelte';
import { withDeaf, withMute, type Switches } from './switches';
import type { VoiceLeaveReason } from './types';

/** How often the engine gets a fresh access token, if there is one. */
export const TOKEN_PUSH_MS = 60_000;

export interface NativeCallEngineOptions {
	selfId: string;
	settings: VoiceSettings;
	tokens: Pick<AccessTokenSource, 'accessToken'>;
	/** The chat server's `http(s)://` origin. */
	server: string;
}

const CONNECTION: Record<NativePeerState, RTCPeerConnectionState> = {
	connecting: 'connecting',
	connected: 'connected',
	reconnecting: 'disconnected',
	failed: 'failed'
};

export class NativeCallEngine implements CallController {
	/** The engine opens its own devices and sends a camera; no screen sharing yet. */
	readonly supportsCamera = true;
	readonly supportsScreen = false;
	readonly pageMedia = false;
	readonly available = true;
	readonly nativeDevices: NativeDevicePicker = {
		list: () => voiceCommands.devices(),
		select: async (input, output, camera) => {
			const chosen = await voiceCommands.selectDevices(input, output, camera);
			// Remembered on this computer, and given to the engine when the app starts.
			this.options.settings.update({
				microphoneId: input ?? '',
				speakerId: output ?? '',
				cameraId: camera ?? ''
			});
			return chosen;
		}
	};
	readonly pictures: PictureSource = {
		next: (userId, slot, after) => voiceCommands.videoFrame(userId, slot, after)
	};
	status = $state<CallStatus>('idle');
	channelId = $state<string | null>(null);
	selfMute = $state(false);
	selfDeaf = $state(false);
	private mutedBeforeDeaf = false;
	camera = $state(false);
	readonly screen = false;
	notice = $state.raw<CallNotice | null>(null);
	readonly peers = new SvelteMap<string, PeerView>();
	readonly speaking = new SvelteSet<string>();
	/** No meter for the native microphone yet. */
	readonly micLevel = 0;
	readonly localCamera = null;
	readonly localScreen = null;

	private readonly options: NativeCallEngineOptions;
	/** Bumped by every join and teardown: an answer for an older attempt is dropped. */
	private attempt = 0;
	/** The attempt whose call the engine's events are about (null: none of ours). */
	private following: number | null = null;
	/** The tag of that call, which its events carry. */
	private callTag: string | null = null;
	/** The call ended while its join was still being answered. */
	private endedEarly: string | null = null;
	/** Join, leave, mute and deafen reach the engine one after the other, as asked. */
	private queue: Promise<unknown> = Promise.resolve();
	/** What the engine has: mute and deafen, the token, the volumes set in this call. */
	private sent = { mute: false, deaf: false };
	private sentToken: string | null = null;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly volumesSent = new Set<string>();
	private tokenTimer: ReturnType<typeof setInterval> | null = null;
	/** Resolves once the engine's events are followed. */
	private listening: Promise<void> = Promise.resolve();

	constructor(options: NativeCallEngineOptions) {
		this.options = options;
	}

	get inCall(): boolean {
		return this.status !== 'idle';
	}

	start(): () => void {
		// A call left over from an earlier page (reloaded, or another server chosen) has
		// nothing showing it any more: end it.
		void this.serially(() => voiceCommands.leave()).catch(() => {});
		this.restoreDevices();
		let stopped = false;
		let unlisten: (() => void) | null = null;
		this.listening = onVoiceEvent((event) => this.onEngineEvent(event)).then(
			(stop) => {
				if (stopped) stop();
				else unlisten = stop;
			},
			() => {}
		);
		return () => {
			stopped = true;
			unlisten?.();
		};
	}

	async join(channelId: string): Promise<void> {
		if (this.inCall && this.channelId === channelId) return;
		if (this.inCall) this.end(null);
		const attempt = ++this.attempt;
		this.notice = null;
		this.status = 'joining';
		this.channelId = channelId;
		let joined: boolean;
		try {
			joined = await this.serially(() => this.sendJoin(attempt, channelId));
		} catch (error) {
			const text =
				error instanceof DesktopError
					? nativeJoinErrorMessage(error.code, error.message)
					: voiceErrorMessage('');
			if (attempt === this.attempt) this.teardown({ tone: 'error', text });
			return;
		}
		if (!joined || attempt !== this.attempt) return;
		this.status = 'connected';
		if (this.endedEarly !== null) {
			this.ended(this.endedEarly);
			return;
		}
		this.tokenTimer = setInterval(() => void this.pushToken(attempt), TOKEN_PUSH_MS);
		// Switched while the join was on its way.
		this.pushSwitches();
	}

	leave(): void {
		if (this.inCall) this.end(null);
	}

	/** The engine rejoins by itself after losing the server. */
	rejoin(): void {}

	setMuted(muted: boolean): void {
		if (!this.inCall) return;
		this.switch(withMute(this.switches, muted));
	}

	setDeafened(deaf: boolean): void {
		if (!this.inCall || deaf === this.selfDeaf) return;
		this.switch(withDeaf(this.switches, deaf));
	}

	async setCamera(on: boolean): Promise<void> {
		if (this.status !== 'connected' || on === this.camera) return;
		const attempt = this.attempt;
		try {
			await this.serially(() => voiceCommands.setCamera(on));
			if (attempt === this.attempt) this.camera = on;
		} catch (error) {
			if (attempt !== this.attempt) return;
			const message = error instanceof DesktopError ? error.message : '';
			this.notice = {
				tone: 'error',
				text: on ? cameraErrorMessage(message) : 'The camera could not be turned off.'
			};
		}
	}

	async setScreenShare(): Promise<void> {}

	setVolume(userId: string, volume: number): void {
		this.options.settings.setVolume(userId, volume);
		if (this.following !== null) this.sendVolume(userId);
	}

	async reopenMicrophone(): Promise<void> {}

	async reopenCamera(): Promise<void> {}

	restartIce(): void {}

	dismissNotice(): void {
		this.notice = null;
	}

	peerConnection(): RTCPeerConnection | null {
		return null;
	}

	/** The engine negotiates on its own connection. */
	onSignal(): void {}

	/** The engine hears about its own call and says when it ended (the roster is `Voice`'s). */
	onVoiceState(): void {}

	private async sendJoin(attempt: number, channelId: string): Promise<boolean> {
		await this.listening;
		// Left, or moved on, before its turn.
		if (attempt !== this.attempt) return false;
		const token = await this.options.tokens.accessToken().catch(() => null);
		if (attempt !== this.attempt) return false;
		if (!token) throw new DesktopError('voice_join_failed', '');
		this.following = attempt;
		this.callTag = `${attempt}-${crypto.randomUUID()}`;
		this.endedEarly = null;
		this.sent = { mute: this.selfMute, deaf: this.selfDeaf };
		this.sentToken = token;
		await voiceCommands.join({
			server: this.options.server,
			token,
			channelId,
			selfMute: this.selfMute,
			selfDeaf: this.selfDeaf,
			call: this.callTag
		});
		return true;
	}

	private onEngineEvent(event: TaggedVoiceEvent): void {
		// Events of an older call (still on their way), or before our join was sent.
		if (this.following === null || this.following !== this.attempt) return;
		if (event.call !== this.callTag) return;
		switch (event.type) {
			case 'participants': {
				const present = event.participants.map((p) => p.user_id);
				for (const userId of [...this.peers.keys()])
					if (!present.includes(userId)) this.peers.delete(userId);
				for (const userId of [...this.speaking])
					if (!present.includes(userId)) this.speaking.delete(userId);
				for (const userId of present) if (!this.volumesSent.has(userId)) this.sendVolume(userId);
				if (this.status === 'rejoining') this.status = 'connected';
				break;
			}
			case 'speaking':
				if (event.speaking) this.speaking.add(event.user_id);
				else this.speaking.delete(event.user_id);
				break;
			case 'peer':
				if (event.user_id === this.options.selfId) break;
				this.peers.set(event.user_id, {
					userId: event.user_id,
					connection: CONNECTION[event.state] ?? 'connecting',
					problem: event.state === 'failed' ? 'failed' : null,
					audio: null,
					camera: null,
					screen: null
				});
				break;
			case 'reconnecting':
				if (this.status === 'connected') this.status = 'rejoining';
				break;
			case 'ended':
				// The join's answer is still on its way: end once it arrives.
				if (this.status === 'joining') this.endedEarly = event.reason;
				else this.ended(event.reason);
				break;
		}
	}

	/** The engine's call is over: `left` is a leave of ours, anything else is told. */
	private ended(reason: string): void {
		const notice: CallNotice | null =
			reason === 'left'
				? null
				: { tone: 'info', text: leftReasonMessage(reason as VoiceLeaveReason) };
		this.end(notice);
	}

	/** Ends the call here and in the engine (which may have ended it already). */
	private end(notice: CallNotice | null): void {
		this.teardown(notice);
		void this.serially(() => voiceCommands.leave()).catch(() => {});
	}

	/** Sends mute and deafen as they differ from what the engine has, never deaf and unmuted. */
	private pushSwitches(): void {
		if (this.status !== 'connected' && this.status !== 'rejoining') return;
		const mute = this.selfMute;
		const deaf = this.selfDeaf;
		const was = this.sent;
		if (mute === was.mute && deaf === was.deaf) return;
		this.sent = { mute, deaf };
		const steps: (() => Promise<void>)[] = [];
		if (was.deaf && !deaf) steps.push(() => voiceCommands.setDeaf(false));
		if (mute !== was.mute) steps.push(() => voiceCommands.setMute(mute));
		if (!was.deaf && deaf) steps.push(() => voiceCommands.setDeaf(true));
		// Refused when the engine's call is over: its `ended` follows.
		for (const step of steps) void this.serially(step).catch(() => {});
	}

	/**
	 * The devices chosen in an earlier run. One that is not connected now leaves the
	 * system defaults (and the choice stays saved for when it is back).
	 */
	private restoreDevices(): void {
		const { microphoneId, speakerId, cameraId } = this.options.settings.prefs;
		if (!microphoneId && !speakerId && !cameraId) return;
		void this.serially(() =>
			voiceCommands.selectDevices(microphoneId || null, speakerId || null, cameraId || null)
		).catch(() => {});
	}

	/** A remembered volume for someone in the call (the engine starts everyone at 1). */
	private sendVolume(userId: string): void {
		if (userId === this.options.selfId) return;
		const volume = this.options.settings.volumeOf(userId);
		const first = !this.volumesSent.has(userId);
		this.volumesSent.add(userId);
		if (first && volume === 1) return;
		voiceCommands.setVolume(userId, volume).catch(() => {});
	}

	/** The engine reconnects and refreshes TURN credentials with the token it was given. */
	private async pushToken(attempt: number): Promise<void> {
		const token = await this.options.tokens.accessToken().catch(() => null);
		if (!token || token === this.sentToken || attempt !== this.attempt) return;
		try {
			await voiceCommands.setToken(token);
			this.sentToken = token;
		} catch {
			// Not in the call any more, or the engine is busy: the next round tries again.
		}
	}

	private serially<T>(task: () => Promise<T>): Promise<T> {
		const run = this.queue.then(task);
		this.queue = run.catch(() => {});
		return run;
	}

	private get switches(): Switches {
		return { mute: this.selfMute, deaf: this.selfDeaf, mutedBeforeDeaf: this.mutedBeforeDeaf };
	}

	/** Takes the new switches, and tells the others (and the engine). */
	private switch(next: Switches): void {
		this.selfMute = next.mute;
		this.selfDeaf = next.deaf;
		this.mutedBeforeDeaf = next.mutedBeforeDeaf;
		this.pushSwitches();
	}

	/** Ends the call on this side (nothing is sent). */
	private teardown(notice: CallNotice | null): void {
		this.attempt += 1;
		this.following = null;
		this.callTag = null;
		this.endedEarly = null;
		if (this.tokenTimer) clearInterval(this.tokenTimer);
		this.tokenTimer = null;
		this.peers.clear();
		this.speaking.clear();
		this.volumesSent.clear();
		this.status = 'idle';
		this.channelId = null;
		this.camera = false;
		// Mute and deafen stay as they were for the next call, like a headset's switch.
		this.notice = notice;
	}
}
