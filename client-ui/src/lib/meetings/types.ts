/** The meeting shapes of the API, named as the client uses them. */
import type { Schemas } from '$api/client';

export type Meeting = Schemas['MeetingView'];
export type Occurrence = Schemas['OccurrenceView'];
export type Recurrence = Schemas['Recurrence'];
export type Frequency = Schemas['Frequency'];
export type Weekday = Schemas['Weekday'];
export type RsvpResponse = Schemas['RsvpResponse'];
export type RsvpCounts = Schemas['RsvpCounts'];
export type NewMeeting = Schemas['NewMeetingRequest'];
export type MeetingChanges = Schemas['MeetingChangesRequest'];

/** Monday first, as the recurrence editor lists them. */
export const WEEKDAYS: readonly Weekday[] = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];

export const DAY_NAMES: Record<Weekday, string> = {
	mo: 'Monday',
	tu: 'Tuesday',
	we: 'Wednesday',
	th: 'Thursday',
	fr: 'Friday',
	sa: 'Saturday',
	su: 'Sunday'
};
