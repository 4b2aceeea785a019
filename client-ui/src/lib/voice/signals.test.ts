import { describe, expect, it } from 'vitest';
import { candidateInit, candidateSignal, descriptionSignal } from './signals';

describe('voice signals', () => {
	it('carries descriptions with their SDP', () => {
		const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n';
		expect(descriptionSignal({ type: 'offer', sdp } as RTCSessionDescription)).toEqual({
			kind: 'offer',
			sdp
		});
		expect(descriptionSignal({ type: 'rollback', sdp: '' } as RTCSessionDescription)).toBeNull();
	});

	it('turns candidates to snake_case and back, with an empty one for the end', () => {
		const candidate = {
			candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ relay',
			sdpMid: '0',
			sdpMLineIndex: 0,
			usernameFragment: 'abcd'
		} as RTCIceCandidate;
		const signal = candidateSignal(candidate);
		expect(signal).toEqual({
			kind: 'candidate',
			candidate: candidate.candidate,
			sdp_mid: '0',
			sdp_m_line_index: 0,
			username_fragment: 'abcd'
		});
		expect(candidateInit(signal as Extract<typeof signal, { kind: 'candidate' }>)).toEqual({
			candidate: candidate.candidate,
			sdpMid: '0',
			sdpMLineIndex: 0,
			usernameFragment: 'abcd'
		});
		const end = candidateSignal(null);
		expect(end).toMatchObject({ kind: 'candidate', candidate: '' });
		expect(candidateInit(end as Extract<typeof end, { kind: 'candidate' }>)).toBeNull();
	});
});
