/**
 * The voice wire types (server/src/api/voice.rs, docs/realtime.md "Voice"). The REST
 * views come from the generated schema; the two that only travel over the WebSocket
 * are mirrored here, like the rest of the protocol in `realtime/events.ts`.
 */
import type { Schemas } from '$api/client';

export type VoiceFlags = Schemas['VoiceFlags'];
export type VoiceParticipant = Schemas['VoiceParticipantView'];
export type VoiceCall = Schemas['VoiceCallView'];
export type IceConfig = Schemas['IceConfigView'];

/** Why someone left a call (`voice_state` without a participant). */
export type VoiceLeaveReason = 'left' | 'moved' | 'disconnected' | 'removed' | 'connection_lost';

/** A negotiation message for one peer, forwarded as it is (`VoiceSignal`). */
export type VoiceSignal =
	| { kind: 'offer'; sdp: string }
	| { kind: 'answer'; sdp: string }
	| {
			kind: 'candidate';
			/** Empty for the end of candidates. */
			candidate: string;
			sdp_mid?: string | null;
			sdp_m_line_index?: number | null;
			username_fragment?: string | null;
	  };
