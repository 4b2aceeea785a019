import { describe, expect, it } from 'vitest';
import { reminderKey, sameInstant, withOccurrence, withRsvp } from './live';
import type { Occurrence } from './types';

const occurrence = (meeting_id: string, at: string): Occurrence => ({
	meeting_id,
	occurrence: at,
	starts_at: at,
	ends_at: at,
	cancelled: false,
	my_rsvp: null,
	rsvps: { going: 0, maybe: 0, not_going: 0 }
});

const list = [occurrence('m1', '2026-12-07T09:00:00Z'), occurrence('m1', '2026-12-09T09:00:00Z')];
const event = {
	channel_id: 'c1',
	meeting_id: 'm1',
	// The same instant, spelt another way.
	occurrence: '2026-12-07T09:00:00+00:00',
	rsvps: { going: 1, maybe: 0, not_going: 0 },
	user_id: 'bob',
	response: 'going' as const
};

describe('withRsvp', () => {
	it('moves the counts of that occurrence only, and our answer only when it was ours', () => {
		const others = withRsvp(list, event, 'alice');
		expect(others[0]!.rsvps.going).toBe(1);
		expect(others[0]!.my_rsvp).toBeNull();
		expect(others[1]).toBe(list[1]);
		const mine = withRsvp(list, event, 'bob');
		expect(mine[0]!.my_rsvp).toBe('going');
		const withdrawn = withRsvp(mine, { ...event, response: null, rsvps: event.rsvps }, 'bob');
		expect(withdrawn[0]!.my_rsvp).toBeNull();
	});

	it('returns the same list when the occurrence is not in it', () => {
		expect(withRsvp(list, { ...event, meeting_id: 'other' }, 'bob')).toBe(list);
	});
});

describe('withOccurrence', () => {
	it("replaces the occurrence by the server's answer", () => {
		const updated = { ...list[1]!, my_rsvp: 'maybe' as const };
		const next = withOccurrence(list, updated);
		expect(next[1]).toBe(updated);
		expect(next[0]).toBe(list[0]);
		expect(withOccurrence(list, occurrence('m2', '2026-12-07T09:00:00Z'))).toBe(list);
	});
});

describe('instants and reminders', () => {
	it('compares instants, not spellings', () => {
		expect(sameInstant('2026-12-07T09:00:00Z', '2026-12-07T10:00:00+01:00')).toBe(true);
		expect(sameInstant('2026-12-07T09:00:00Z', '2026-12-07T09:00:01Z')).toBe(false);
		expect(reminderKey('m1', '2026-12-07T09:00:00Z')).toBe(
			reminderKey('m1', '2026-12-07T09:00:00.000+00:00')
		);
	});
});
