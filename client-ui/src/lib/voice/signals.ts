/**
 * WebRTC objects to and from the wire's `VoiceSignal` (snake_case, docs/realtime.md):
 * descriptions carry their SDP as browsers make it; the end of candidates is a
 * candidate with an empty `candidate`.
 */
import type { VoiceSignal } from './types';

export function descriptionSignal(description: RTCSessionDescription | null): VoiceSignal | null {
	if (!description?.sdp) return null;
	if (description.type === 'offer') return { kind: 'offer', sdp: description.sdp };
	if (description.type === 'answer') return { kind: 'answer', sdp: description.sdp };
	return null;
}

export function candidateSignal(candidate: RTCIceCandidate | null): VoiceSignal {
	return {
		kind: 'candidate',
		candidate: candidate?.candidate ?? '',
		sdp_mid: candidate?.sdpMid ?? null,
		sdp_m_line_index: candidate?.sdpMLineIndex ?? null,
		username_fragment: candidate?.usernameFragment ?? null
	};
}

/** The candidate to add, or null for the end of candidates. */
export function candidateInit(
	signal: Extract<VoiceSignal, { kind: 'candidate' }>
): RTCIceCandidateInit | null {
	if (!signal.candidate) return null;
	return {
		candidate: signal.candidate,
		sdpMid: signal.sdp_mid ?? null,
		sdpMLineIndex: signal.sdp_m_line_index ?? null,
		usernameFragment: signal.username_fragment ?? null
	};
}
