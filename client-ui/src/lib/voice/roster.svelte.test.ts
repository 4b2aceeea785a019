import { describe, expect, it } from 'vitest';
import { VoiceRoster } from './roster.svelte';
import type { VoiceCall, VoiceParticipant } from './types';

function person(userId: string, session = `${userId}-s1`, flags: Partial<VoiceParticipant> = {}) {
	return {
		user_id: userId,
		call_session_id: session,
		joined_at: '2026-01-01T00:00:00Z',
		self_mute: false,
		self_deaf: false,
		camera: false,
		screen_share: false,
		...flags
	};
}

function call(channelId: string, ...participants: VoiceParticipant[]): VoiceCall {
	return { channel_id: channelId, topology: 'mesh', max_participants: 25, participants };
}

const ids = (list: readonly VoiceParticipant[]) => list.map((p) => p.user_id);

describe('VoiceRoster', () => {
	it('takes the calls of ready as the whole picture', () => {
		const roster = new VoiceRoster();
		roster.reset([call('c1', person('a'), person('b'))]);
		expect(ids(roster.participants('c1'))).toEqual(['a', 'b']);
		roster.reset([call('c2', person('c'))]);
		expect(roster.participants('c1')).toEqual([]);
		expect(ids(roster.participants('c2'))).toEqual(['c']);
	});

	it('applies joins, flag changes and leaves in join order', () => {
		const roster = new VoiceRoster();
		roster.apply({ channel_id: 'c1', user_id: 'a', participant: person('a') });
		roster.apply({ channel_id: 'c1', user_id: 'b', participant: person('b') });
		roster.apply({
			channel_id: 'c1',
			user_id: 'a',
			participant: person('a', 'a-s1', { self_mute: true })
		});
		expect(ids(roster.participants('c1'))).toEqual(['a', 'b']);
		expect(roster.participant('c1', 'a')?.self_mute).toBe(true);
		roster.apply({ channel_id: 'c1', user_id: 'a', reason: 'disconnected' });
		expect(ids(roster.participants('c1'))).toEqual(['b']);
		roster.apply({ channel_id: 'c1', user_id: 'b', reason: 'left' });
		expect(roster.calls.has('c1')).toBe(false);
	});

	it('moves someone who joins another call out of the first', () => {
		const roster = new VoiceRoster();
		roster.apply({ channel_id: 'c1', user_id: 'a', participant: person('a') });
		roster.apply({ channel_id: 'c2', user_id: 'a', participant: person('a', 'a-s2') });
		expect(roster.participants('c1')).toEqual([]);
		expect(roster.channelOf('a')).toBe('c2');
	});

	it('seeds voice channels from channel lists and keeps unknown ones', () => {
		const roster = new VoiceRoster();
		roster.apply({ channel_id: 'v2', user_id: 'x', participant: person('x') });
		const stamp = roster.mark();
		roster.seedChannels(
			[
				{ id: 't1', kind: 'text' },
				{ id: 'v1', kind: 'voice', voice_participants: [person('a')] },
				// Absent: unknown, keep what is known.
				{ id: 'v2', kind: 'voice' }
			],
			stamp
		);
		expect(ids(roster.participants('v1'))).toEqual(['a']);
		expect(ids(roster.participants('v2'))).toEqual(['x']);
	});

	it('lets a live event win over an answer that was requested before it', () => {
		const roster = new VoiceRoster();
		const stamp = roster.mark();
		// While the list was on its way, b joined.
		roster.apply({ channel_id: 'v1', user_id: 'b', participant: person('b') });
		roster.seedChannels([{ id: 'v1', kind: 'voice', voice_participants: [] }], stamp);
		expect(ids(roster.participants('v1'))).toEqual(['b']);
		roster.setCall(call('v1'), stamp);
		expect(ids(roster.participants('v1'))).toEqual(['b']);
		// A later answer is taken.
		roster.setCall(call('v1', person('b'), person('c')), roster.mark());
		expect(ids(roster.participants('v1'))).toEqual(['b', 'c']);
	});

	it('ignores answers requested before the last ready', () => {
		const roster = new VoiceRoster();
		const stamp = roster.mark();
		roster.reset([]);
		roster.seedChannels([{ id: 'v1', kind: 'voice', voice_participants: [person('a')] }], stamp);
		expect(roster.participants('v1')).toEqual([]);
	});

	it('forgets the call of a deleted channel', () => {
		const roster = new VoiceRoster();
		roster.setCall(call('v1', person('a')));
		roster.channelGone('v1');
		expect(roster.channelOf('a')).toBeNull();
	});
});
