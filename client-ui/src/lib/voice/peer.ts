/**
 * One peer connection to one other participant (a mesh call has one per pair), with
 * perfect negotiation (`negotiation.ts`), trickle ICE over `voice_signal`, ICE
 * restarts when the path breaks, and a diagnosis when media cannot flow.
 */
import type { PeerProblem } from './errors';
import {
	diagnose,
	ignoresDescription,
	isPolite,
	MEDIA_SLOTS,
	slotAt,
	type MediaSlot
} from './negotiation';
import { candidateInit, candidateSignal, descriptionSignal } from './signals';
import type { VoiceSignal } from './types';

/** How long a connection may take before its tile says it cannot connect. */
export const CONNECT_TIMEOUT_MS = 15_000;
/** How long "disconnected" may last before the ICE path is searched again. */
export const DISCONNECTED_RESTART_MS = 4_000;
/** At most one ICE restart in this time. */
const RESTART_INTERVAL_MS = 5_000;

export interface PeerOptions {
	selfId: string;
	userId: string;
	callSessionId: string;
	config: RTCConfiguration;
	usesRelay: boolean;
	send: (signal: VoiceSignal) => void;
	/** What this side sends in each slot right now. */
	localTrack: (slot: MediaSlot) => MediaStreamTrack | null;
	/** Something the UI shows changed (connection state, problem, remote media). */
	onchange: () => void;
}

export class Peer {
	readonly userId: string;
	readonly callSessionId: string;
	readonly polite: boolean;
	readonly pc: RTCPeerConnection;
	/** The remote media per slot (a stream per slot, for media elements). */
	readonly remote: Record<MediaSlot, MediaStream | null> = {
		audio: null,
		camera: null,
		screen: null
	};
	problem: PeerProblem | null = null;

	private readonly options: PeerOptions;
	private makingOffer = false;
	private ignoreOffer = false;
	private settingRemoteAnswer = false;
	private gotRelayCandidate = false;
	private relayErrors = 0;
	private queue: Promise<void> = Promise.resolve();
	private connectTimer: ReturnType<typeof setTimeout> | null = null;
	private disconnectedTimer: ReturnType<typeof setTimeout> | null = null;
	private lastRestart = 0;
	private closed = false;

	constructor(options: PeerOptions) {
		this.options = options;
		this.userId = options.userId;
		this.callSessionId = options.callSessionId;
		this.polite = isPolite(options.selfId, options.userId);
		this.pc = new RTCPeerConnection({ ...options.config, bundlePolicy: 'max-bundle' });
		this.pc.onnegotiationneeded = () => void this.negotiate();
		this.pc.onicecandidate = ({ candidate }) => {
			if (candidate?.type === 'relay') this.gotRelayCandidate = true;
			options.send(candidateSignal(candidate));
		};
		this.pc.onicecandidateerror = (event) => {
			const url = (event as RTCPeerConnectionIceErrorEvent).url ?? '';
			if (url.startsWith('turn')) this.relayErrors += 1;
		};
		this.pc.onconnectionstatechange = () => this.connectionChanged();
		this.pc.oniceconnectionstatechange = () => this.iceChanged();
		this.pc.ontrack = (event) => {
			const slot = slotAt(this.pc.getTransceivers().indexOf(event.transceiver));
			if (!slot) return;
			this.remote[slot] = new MediaStream([event.track]);
			options.onchange();
		};
		this.connectTimer = setTimeout(() => this.notConnected(), CONNECT_TIMEOUT_MS);
	}

	get connection(): RTCPeerConnectionState {
		return this.pc.connectionState;
	}

	/** This side offers first: it lays out the media slots, in their order. */
	offer(): void {
		for (const slot of MEDIA_SLOTS) {
			const track = this.options.localTrack(slot);
			this.pc.addTransceiver(track ?? (slot === 'audio' ? 'audio' : 'video'), {
				direction: 'sendrecv'
			});
		}
		// negotiationneeded follows and sends the offer.
	}

	/** A negotiation message from the other side; handled one at a time, in order. */
	receive(signal: VoiceSignal): Promise<void> {
		this.queue = this.queue.then(() => this.handle(signal)).catch(() => {});
		return this.queue;
	}

	/** What this side sends in a slot changed (camera, screen, another microphone). */
	async setTrack(slot: MediaSlot, track: MediaStreamTrack | null): Promise<void> {
		const index = MEDIA_SLOTS.indexOf(slot);
		const transceiver = this.pc.getTransceivers()[index];
		if (!transceiver || this.closed) return;
		await transceiver.sender.replaceTrack(track).catch(() => {});
	}

	/** New ICE servers (fresh TURN credentials) for the next ICE restart. */
	setIceServers(iceServers: RTCIceServer[]): void {
		if (this.closed) return;
		this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
	}

	/** Searches the ICE path again (a failure, or the network came back). */
	restartIce(): void {
		if (this.closed) return;
		const now = Date.now();
		if (now - this.lastRestart < RESTART_INTERVAL_MS) return;
		this.lastRestart = now;
		this.pc.restartIce();
	}

	close(): void {
		if (this.closed) return;
		this.closed = true;
		this.clearTimers();
		this.pc.onnegotiationneeded = null;
		this.pc.onicecandidate = null;
		this.pc.onicecandidateerror = null;
		this.pc.onconnectionstatechange = null;
		this.pc.oniceconnectionstatechange = null;
		this.pc.ontrack = null;
		this.pc.close();
	}

	private async negotiate(): Promise<void> {
		if (this.closed) return;
		try {
			this.makingOffer = true;
			await this.pc.setLocalDescription();
			const signal = descriptionSignal(this.pc.localDescription);
			if (signal) this.options.send(signal);
		} catch (error) {
			console.warn('voice: could not make an offer', error);
		} finally {
			this.makingOffer = false;
		}
	}

	private async handle(signal: VoiceSignal): Promise<void> {
		if (this.closed) return;
		if (signal.kind === 'candidate') {
			const init = candidateInit(signal);
			try {
				await this.pc.addIceCandidate(init ?? undefined);
			} catch (error) {
				// Candidates of an offer we ignored are expected to fail.
				if (!this.ignoreOffer) console.warn('voice: candidate refused', error);
			}
			return;
		}
		this.ignoreOffer = ignoresDescription(signal.kind, this.polite, {
			makingOffer: this.makingOffer,
			signalingState: this.pc.signalingState,
			settingRemoteAnswer: this.settingRemoteAnswer
		});
		if (this.ignoreOffer) return;
		this.settingRemoteAnswer = signal.kind === 'answer';
		try {
			// A polite side's own pending offer is rolled back implicitly.
			await this.pc.setRemoteDescription({ type: signal.kind, sdp: signal.sdp });
		} finally {
			this.settingRemoteAnswer = false;
		}
		if (signal.kind !== 'offer') return;
		await this.sendOnOfferedSlots();
		await this.pc.setLocalDescription();
		const answer = descriptionSignal(this.pc.localDescription);
		if (answer) this.options.send(answer);
	}

	/** The answering side sends its media on the slots the offer laid out. */
	private async sendOnOfferedSlots(): Promise<void> {
		const transceivers = this.pc.getTransceivers();
		await Promise.all(
			MEDIA_SLOTS.map(async (slot, index) => {
				const transceiver = transceivers[index];
				if (!transceiver || transceiver.currentDirection === 'stopped') return;
				if (transceiver.direction !== 'sendrecv') transceiver.direction = 'sendrecv';
				const track = this.options.localTrack(slot);
				if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
			})
		);
	}

	/** What the tile shows: connected, or why not. */
	private connectionChanged(): void {
		if (this.closed) return;
		const state = this.pc.connectionState;
		if (state === 'connected') {
			this.clearTimers();
			this.problem = null;
		} else if (state === 'failed') {
			this.problem = diagnose(this.evidence());
		}
		this.options.onchange();
	}

	/** The ICE path broke: search again at once, or after a while of "disconnected". */
	private iceChanged(): void {
		if (this.closed) return;
		const state = this.pc.iceConnectionState;
		if (state === 'failed') this.restartIce();
		else if (state === 'disconnected' && !this.disconnectedTimer) {
			this.disconnectedTimer = setTimeout(() => {
				this.disconnectedTimer = null;
				if (this.pc.iceConnectionState === 'disconnected') this.restartIce();
			}, DISCONNECTED_RESTART_MS);
		}
	}

	private notConnected(): void {
		this.connectTimer = null;
		if (this.closed || this.pc.connectionState === 'connected') return;
		this.problem = diagnose(this.evidence());
		this.options.onchange();
	}

	private evidence() {
		return {
			usesRelay: this.options.usesRelay,
			gotRelayCandidate: this.gotRelayCandidate,
			relayErrors: this.relayErrors
		};
	}

	private clearTimers(): void {
		if (this.connectTimer) clearTimeout(this.connectTimer);
		if (this.disconnectedTimer) clearTimeout(this.disconnectedTimer);
		this.connectTimer = this.disconnectedTimer = null;
	}
}
