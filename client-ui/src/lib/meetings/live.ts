/**
 * Live changes to a list of occurrences: pure functions that return the same array when
 * nothing changed, so untouched rows do not re-render.
 */
import type { ServerEventMap } from '$lib/realtime/events';
import type { Occurrence } from './types';

/** Whether two RFC 3339 strings name the same instant (the server may spell it either way). */
export function sameInstant(a: string, b: string): boolean {
	return Date.parse(a) === Date.parse(b);
}

function isOccurrence(o: Occurrence, meetingId: string, occurrence: string): boolean {
	return o.meeting_id === meetingId && sameInstant(o.occurrence, occurrence);
}

/** New counts for one occurrence; our own answer too when it was ours (another device). */
export function withRsvp(
	list: Occurrence[],
	event: ServerEventMap['meeting_rsvp'],
	selfId: string
): Occurrence[] {
	if (!list.some((o) => isOccurrence(o, event.meeting_id, event.occurrence))) return list;
	return list.map((o) =>
		isOccurrence(o, event.meeting_id, event.occurrence)
			? {
					...o,
					rsvps: event.rsvps,
					my_rsvp: event.user_id === selfId ? event.response : o.my_rsvp
				}
			: o
	);
}

/** Replaces one occurrence by the server's answer (after our RSVP). */
export function withOccurrence(list: Occurrence[], updated: Occurrence): Occurrence[] {
	if (!list.some((o) => isOccurrence(o, updated.meeting_id, updated.occurrence))) return list;
	return list.map((o) => (isOccurrence(o, updated.meeting_id, updated.occurrence) ? updated : o));
}

/** One reminder per occurrence, however often it is announced. */
export function reminderKey(meetingId: string, occurrence: string): string {
	return `${meetingId}@${Date.parse(occurrence)}`;
}
