import { describe, expect, it } from 'vitest';
import {
	diagnose,
	ignoresDescription,
	isPolite,
	offerCollides,
	peersToOffer,
	slotAt
} from './negotiation';

const LOW = '0190a000-0000-7000-8000-000000000001';
const HIGH = '0190a000-0000-7000-8000-00000000000a';
const stable = {
	makingOffer: false,
	signalingState: 'stable' as const,
	settingRemoteAnswer: false
};

describe('perfect negotiation roles', () => {
	it('makes the participant whose user ID sorts lower polite, on both sides', () => {
		expect(isPolite(LOW, HIGH)).toBe(true);
		expect(isPolite(HIGH, LOW)).toBe(false);
		// Case does not change the order of UUIDs.
		expect(isPolite(LOW.toUpperCase(), HIGH)).toBe(true);
	});

	it('sees a collision while making an offer or waiting for its answer', () => {
		expect(offerCollides(stable)).toBe(false);
		expect(offerCollides({ ...stable, makingOffer: true })).toBe(true);
		expect(offerCollides({ ...stable, signalingState: 'have-local-offer' })).toBe(true);
		// Applying the answer to our offer: back to stable in a moment, no collision.
		expect(
			offerCollides({ ...stable, signalingState: 'have-local-offer', settingRemoteAnswer: true })
		).toBe(false);
	});

	it('has the impolite side ignore a colliding offer and the polite side take it', () => {
		const glare = { ...stable, signalingState: 'have-local-offer' as const };
		expect(ignoresDescription('offer', false, glare)).toBe(true);
		expect(ignoresDescription('offer', true, glare)).toBe(false);
		// Without a collision, and for answers, nobody ignores anything.
		expect(ignoresDescription('offer', false, stable)).toBe(false);
		expect(ignoresDescription('answer', false, glare)).toBe(false);
	});
});

describe('who offers', () => {
	it('has the newcomer offer to everyone already in the call', () => {
		const participants = ['a', 'me', 'b'].map((user_id) => ({
			user_id,
			call_session_id: `${user_id}-s`,
			joined_at: '',
			self_mute: false,
			self_deaf: false,
			camera: false,
			screen_share: false
		}));
		expect(peersToOffer(participants, 'me').map((p) => p.user_id)).toEqual(['a', 'b']);
	});

	it('lays out the media slots in a fixed order', () => {
		expect([0, 1, 2, 3].map(slotAt)).toEqual(['audio', 'camera', 'screen', null]);
	});
});

describe('diagnose', () => {
	it('blames the relay when there is one that did not work for us', () => {
		expect(diagnose({ usesRelay: true, gotRelayCandidate: false, relayErrors: 0 })).toBe(
			'relay_unreachable'
		);
		expect(diagnose({ usesRelay: true, gotRelayCandidate: true, relayErrors: 2 })).toBe(
			'relay_unreachable'
		);
		expect(diagnose({ usesRelay: true, gotRelayCandidate: true, relayErrors: 0 })).toBe('failed');
		expect(diagnose({ usesRelay: false, gotRelayCandidate: false, relayErrors: 0 })).toBe('failed');
	});
});
