/**
 * The call this device is in (at most one): local media, one {@link Peer} per other
 * participant, mute/deafen/camera/screen, speaking detection, and keeping the place
 * when the WebSocket reconnects (docs/realtime.md, "Voice").
 *
 * The one who joins offers to everyone already in the call (the ack's `call`); the
 * others create their connection when that offer arrives. A participant's new
 * `call_session_id` (they joined again, maybe from another device) closes the old
 * connection; their new offer starts a fresh one.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { Api } from '$api/client';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import { ActionError } from '$lib/realtime/requests';
import type { ServerEventMap } from '$lib/realtime/events';
import type { CallController, CallNotice, CallStatus, PeerView } from './controller';
import {
	leftReasonMessage,
	mediaErrorMessage,
	REPLACED_MESSAGE,
	voiceErrorMessage
} from './errors';
import { rtcIceServers, usesRelay } from './ice';
import { IceServers } from './ice-servers';
import { LocalMedia } from './local-media.svelte';
import { peersToOffer, type MediaSlot } from './negotiation';
import { Peer } from './peer';
import type { VoiceRoster } from './roster.svelte';
import type { VoiceSettings } from './settings.svelte';
import { withDeaf, withMute, type Switches } from './switches';
import { SpeakingMonitor } from './speaking-monitor.svelte';
import type { VoiceCall } from './types';

export interface CallEngineOptions {
	api: Api;
	realtime: Pick<Realtime, 'request' | 'signal'>;
	selfId: string;
	roster: VoiceRoster;
	settings: VoiceSettings;
}

export class CallEngine implements CallController {
	/** The page records and plays everything itself, video included. */
	readonly supportsCamera = true;
	readonly supportsScreen = true;
	readonly pageMedia = true;
	/** The others' video comes as streams in `peers`. */
	readonly pictures = null;
	readonly nativeDevices = null;
	status = $state<CallStatus>('idle');
	/** The voice channel of the call (also while joining). */
	channelId = $state<string | null>(null);
	selfMute = $state(false);
	selfDeaf = $state(false);
	private mutedBeforeDeaf = false;
	camera = $state(false);
	screen = $state(false);
	/** Why the call ended or an action failed, until dismissed or the next join. */
	notice = $state.raw<CallNotice | null>(null);
	/** The other participants' connections and media, by user ID. */
	readonly peers = new SvelteMap<string, PeerView>();

	private readonly options: CallEngineOptions;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly connections = new Map<string, Peer>();
	private readonly monitor: SpeakingMonitor;
	private readonly media: LocalMedia;
	private readonly ice: IceServers;
	private callSessionId: string | null = null;
	/** Bumped by every join and teardown: an answer for an older attempt is dropped. */
	private attempt = 0;

	constructor(options: CallEngineOptions) {
		this.options = options;
		this.monitor = new SpeakingMonitor(options.selfId, () => this.selfMute);
		this.media = new LocalMedia({
			settings: options.settings,
			changed: (slot, track) => this.trackChanged(slot, track),
			ended: (slot) => {
				if (slot === 'camera') void this.setCamera(false);
				if (slot === 'screen') void this.setScreenShare(false);
			}
		});
		this.ice = new IceServers(options.api, (config) => {
			for (const peer of this.connections.values()) peer.setIceServers(rtcIceServers(config));
		});
	}

	/** Our own camera, for our tile. */
	get localCamera(): MediaStream | null {
		return this.media.camera;
	}

	/** Our own shared screen, for its tile. */
	get localScreen(): MediaStream | null {
		return this.media.screen;
	}

	/** Who is speaking now (user IDs, ourselves included). */
	get speaking(): ReadonlySet<string> {
		return this.monitor.speaking;
	}

	/** Our microphone's level (0…1), for the meter. */
	get micLevel(): number {
		return this.monitor.micLevel;
	}

	get inCall(): boolean {
		return this.status !== 'idle';
	}

	/** The desktop app's Linux webview has no WebRTC. */
	get available(): boolean {
		return typeof RTCPeerConnection !== 'undefined';
	}

	/** Everything here follows the realtime connection (see `Voice`). */
	start(): () => void {
		return () => {};
	}

	/** Joins a voice channel's call (leaving the one we are in, if another). */
	async join(channelId: string): Promise<void> {
		if (this.inCall && this.channelId === channelId) return;
		// The server moves us out of the other call; end ours here without `voice_leave`.
		if (this.inCall) this.teardown(null);
		const attempt = ++this.attempt;
		this.notice = null;
		this.status = 'joining';
		this.channelId = channelId;
		this.monitor.start();
		const [refused] = await Promise.all([
			this.media.open('audio').then(
				() => null,
				(error: unknown) => mediaErrorMessage(error, 'microphone')
			),
			this.ice.load()
		]);
		if (refused) this.fail(attempt, refused);
		if (attempt !== this.attempt) return;
		await this.sendJoin(attempt);
	}

	/** Leaves the call. */
	leave(): void {
		if (!this.inCall) return;
		this.teardown(null);
		this.options.realtime.request({ type: 'voice_leave' }).catch(() => {});
	}

	/** The WebSocket is back: join again within the grace period to keep our place. */
	rejoin(): void {
		if (this.status !== 'connected' && this.status !== 'rejoining') return;
		const attempt = ++this.attempt;
		this.closePeers();
		this.status = 'rejoining';
		// Fresh TURN credentials for the new connections.
		void this.ice.load().then(() => {
			if (attempt === this.attempt) return this.sendJoin(attempt);
		});
	}

	setMuted(muted: boolean): void {
		if (!this.inCall) return;
		this.switch(withMute(this.switches, muted));
	}

	setDeafened(deaf: boolean): void {
		if (!this.inCall || deaf === this.selfDeaf) return;
		this.switch(withDeaf(this.switches, deaf));
	}

	async setCamera(on: boolean): Promise<void> {
		if (!this.inCall || on === this.camera) return;
		if (!on) this.media.close('camera');
		else if (!(await this.openMedia('camera'))) return;
		this.camera = on;
		this.update({ camera: on });
	}

	async setScreenShare(on: boolean): Promise<void> {
		if (!this.inCall || on === this.screen) return;
		if (!on) this.media.close('screen');
		else if (!(await this.openMedia('screen'))) return;
		this.screen = on;
		this.update({ screen_share: on });
	}

	/** The audio elements (`CallAudio.svelte`) play at the volume in the settings. */
	setVolume(userId: string, volume: number): void {
		this.options.settings.setVolume(userId, volume);
	}

	/** The microphone settings changed: reopen it with them. */
	async reopenMicrophone(): Promise<void> {
		if (this.media.track('audio')) await this.openMedia('audio');
	}

	/** The camera setting changed: switch to the new one if the camera is on. */
	async reopenCamera(): Promise<void> {
		if (this.camera) await this.openMedia('camera');
	}

	/** The network came back: look for a path to everyone again. */
	restartIce(): void {
		for (const peer of this.connections.values()) peer.restartIce();
	}

	dismissNotice(): void {
		this.notice = null;
	}

	/** Our connection to a participant (for diagnostics). */
	peerConnection(userId: string): RTCPeerConnection | null {
		return this.connections.get(userId)?.pc ?? null;
	}

	onSignal(event: ServerEventMap['voice_signal']): void {
		if (this.status !== 'connected' || event.channel_id !== this.channelId) return;
		const known = this.options.roster.participant(event.channel_id, event.from_user_id);
		// A message from a session that has since been replaced.
		if (known && known.call_session_id !== event.from_call_session_id) return;
		let peer = this.connections.get(event.from_user_id);
		if (peer && peer.callSessionId !== event.from_call_session_id) {
			this.closePeer(event.from_user_id);
			peer = undefined;
		}
		if (!peer) {
			// Only an offer starts a connection; anything else belongs to a closed one.
			if (event.signal.kind !== 'offer') return;
			peer = this.startPeer(event.from_user_id, event.from_call_session_id);
		}
		void peer.receive(event.signal);
	}

	onVoiceState(event: ServerEventMap['voice_state']): void {
		if (event.user_id === this.options.selfId) {
			this.ownState(event);
			return;
		}
		if (this.status !== 'connected' || event.channel_id !== this.channelId) return;
		const peer = this.connections.get(event.user_id);
		if (!peer) return;
		// Gone, or back with a new session whose offer will start afresh.
		if (!event.participant || event.participant.call_session_id !== peer.callSessionId)
			this.closePeer(event.user_id);
	}

	private ownState(event: ServerEventMap['voice_state']): void {
		// While joining, the events are about the join under way.
		if (this.status !== 'connected' || event.channel_id !== this.channelId) return;
		if (!event.participant) this.teardown({ tone: 'info', text: leftReasonMessage(event.reason) });
		else if (event.participant.call_session_id !== this.callSessionId)
			this.teardown({ tone: 'info', text: REPLACED_MESSAGE });
	}

	private async sendJoin(attempt: number): Promise<void> {
		const channelId = this.channelId!;
		let call: VoiceCall | undefined;
		try {
			const ack = await this.options.realtime.request({
				type: 'voice_join',
				channel_id: channelId,
				self_mute: this.selfMute,
				self_deaf: this.selfDeaf
			});
			call = ack.call;
		} catch (error) {
			const text =
				error instanceof ActionError
					? voiceErrorMessage(error.code, error.message)
					: voiceErrorMessage('');
			this.fail(attempt, text);
			return;
		}
		if (attempt !== this.attempt) return;
		const me = call?.participants.find((p) => p.user_id === this.options.selfId);
		if (!call || !me) {
			this.fail(attempt, voiceErrorMessage(''));
			return;
		}
		this.options.roster.setCall(call);
		this.callSessionId = me.call_session_id;
		this.status = 'connected';
		for (const participant of peersToOffer(call.participants, this.options.selfId))
			this.startPeer(participant.user_id, participant.call_session_id).offer();
		// After a reconnect past the grace period the server starts us afresh.
		if (me.camera !== this.camera || me.screen_share !== this.screen)
			this.update({ camera: this.camera, screen_share: this.screen });
	}

	private startPeer(userId: string, callSessionId: string): Peer {
		const ice = this.ice.config ?? { ice_servers: [] };
		const peer: Peer = new Peer({
			selfId: this.options.selfId,
			userId,
			callSessionId,
			config: { iceServers: rtcIceServers(ice) },
			usesRelay: usesRelay(ice),
			send: (signal) =>
				this.options.realtime.signal({
					type: 'voice_signal',
					channel_id: this.channelId!,
					to_user_id: userId,
					signal
				}),
			localTrack: (slot) => this.localTrack(slot),
			onchange: () => this.peerChanged(peer)
		});
		this.connections.set(userId, peer);
		this.peerChanged(peer);
		return peer;
	}

	private peerChanged(peer: Peer): void {
		if (this.connections.get(peer.userId) !== peer) return;
		const audio = peer.remote.audio;
		if (audio && !this.monitor.watches(peer.userId))
			this.monitor.watch(peer.userId, audio.getAudioTracks()[0]!);
		this.peers.set(peer.userId, {
			userId: peer.userId,
			connection: peer.connection,
			problem: peer.problem,
			audio,
			camera: peer.remote.camera,
			screen: peer.remote.screen
		});
	}

	private closePeer(userId: string): void {
		this.connections.get(userId)?.close();
		this.connections.delete(userId);
		this.peers.delete(userId);
		this.monitor.unwatch(userId);
	}

	private closePeers(): void {
		for (const userId of [...this.connections.keys()]) this.closePeer(userId);
	}

	private localTrack(slot: MediaSlot): MediaStreamTrack | null {
		return this.media.track(slot);
	}

	/** Opens a device for the call; a failure is shown, and false returned. */
	private async openMedia(slot: MediaSlot): Promise<boolean> {
		try {
			return await this.media.open(slot);
		} catch (error) {
			const device = slot === 'audio' ? 'microphone' : slot;
			this.notice = { tone: 'error', text: mediaErrorMessage(error, device) };
			return false;
		}
	}

	/** What we send in a slot changed: every connection sends the new track. */
	private trackChanged(slot: MediaSlot, track: MediaStreamTrack | null): void {
		if (slot === 'audio' && track) {
			track.enabled = !this.selfMute;
			this.monitor.watch(this.options.selfId, track);
		}
		for (const peer of this.connections.values()) void peer.setTrack(slot, track);
	}

	private applyMute(): void {
		const mic = this.media.track('audio');
		if (mic) mic.enabled = !this.selfMute;
	}

	private update(flags: {
		self_mute?: boolean;
		self_deaf?: boolean;
		camera?: boolean;
		screen_share?: boolean;
	}): void {
		if (this.status !== 'connected') return;
		this.options.realtime.request({ type: 'voice_update', ...flags }).catch(() => {
			// Offline: the next join carries mute and deafen, and resends the rest.
		});
	}

	private fail(attempt: number, text: string): void {
		if (attempt !== this.attempt) return;
		this.teardown({ tone: 'error', text });
	}

	private get switches(): Switches {
		return { mute: this.selfMute, deaf: this.selfDeaf, mutedBeforeDeaf: this.mutedBeforeDeaf };
	}

	/** Takes the new switches, and tells the others (and the engine). */
	private switch(next: Switches): void {
		this.selfMute = next.mute;
		this.selfDeaf = next.deaf;
		this.mutedBeforeDeaf = next.mutedBeforeDeaf;
		this.applyMute();
		this.update({ self_mute: this.selfMute, self_deaf: this.selfDeaf });
	}

	/** Ends the call on this device (nothing is sent). */
	private teardown(notice: CallNotice | null): void {
		this.attempt += 1;
		this.closePeers();
		this.media.stopAll();
		this.ice.stop();
		this.monitor.stop();
		this.status = 'idle';
		this.channelId = null;
		this.callSessionId = null;
		// Mute and deafen stay as they were for the next call, like a headset's switch.
		this.camera = this.screen = false;
		this.notice = notice;
	}
}
