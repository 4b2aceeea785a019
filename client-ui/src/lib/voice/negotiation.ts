/**
 * Perfect negotiation between two participants (docs/realtime.md, "Voice"): both may
 * send offers at any time; when two offers cross, the *polite* peer (the one whose
 * user ID sorts lower) rolls its own back and answers, the *impolite* one ignores the
 * other's. Pure rules, applied by `peer.ts`.
 */
import type { VoiceParticipant } from './types';

/** Of two participants, the one whose user ID sorts lower is polite. */
export function isPolite(selfId: string, peerId: string): boolean {
	return selfId.toLowerCase() < peerId.toLowerCase();
}

export interface NegotiationState {
	/** This side is between creating an offer and sending it. */
	makingOffer: boolean;
	signalingState: RTCSignalingState;
	/** This side is applying the answer to its own offer. */
	settingRemoteAnswer: boolean;
}

/** An incoming offer collides with an offer of our own. */
export function offerCollides(state: NegotiationState): boolean {
	const ready =
		!state.makingOffer && (state.signalingState === 'stable' || state.settingRemoteAnswer);
	return !ready;
}

/** Whether to drop an incoming description: only the impolite side drops a colliding offer. */
export function ignoresDescription(
	kind: 'offer' | 'answer',
	polite: boolean,
	state: NegotiationState
): boolean {
	return kind === 'offer' && !polite && offerCollides(state);
}

/**
 * The newcomer offers to everyone already in the call (the ack's `call`); the others
 * wait for its offer.
 */
export function peersToOffer(
	participants: readonly VoiceParticipant[],
	selfId: string
): VoiceParticipant[] {
	return participants.filter((p) => p.user_id !== selfId);
}

/**
 * The media a peer connection carries, in the order of its transceivers (and so of
 * the offer's m-lines): the one who offers first creates them in this order, the
 * answerer uses the ones the offer created. A receiver's place tells what it carries.
 */
export const MEDIA_SLOTS = ['audio', 'camera', 'screen'] as const;
export type MediaSlot = (typeof MEDIA_SLOTS)[number];

export function slotAt(index: number): MediaSlot | null {
	return MEDIA_SLOTS[index] ?? null;
}

export interface IceEvidence {
	/** The ICE servers include a TURN relay. */
	usesRelay: boolean;
	/** This side gathered a relay candidate (the relay answered and let us in). */
	gotRelayCandidate: boolean;
	/** `icecandidateerror`s from a TURN URL (unreachable: 701, refused: 401…). */
	relayErrors: number;
}

/**
 * Why a connection that failed (or never connected) cannot carry media: the relay when
 * there is one that did not work for us, the connection itself otherwise.
 */
export function diagnose(evidence: IceEvidence): 'relay_unreachable' | 'failed' {
	if (evidence.usesRelay && (!evidence.gotRelayCandidate || evidence.relayErrors > 0))
		return 'relay_unreachable';
	return 'failed';
}
