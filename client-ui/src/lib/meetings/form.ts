/**
 * The schedule dialog's form and the requests made from it. Numbers are kept as their
 * inputs give them (typed as text; a bound number input hands over a number or null)
 * and read here, so a cleared field is an error at that field rather than a zero.
 */
import { weekdayOf } from './describe';
import {
	DAY_NAMES,
	WEEKDAYS,
	type Meeting,
	type MeetingChanges,
	type NewMeeting,
	type Recurrence,
	type Weekday
} from './types';

export type Repeat = 'none' | 'daily' | 'weekly' | 'monthly';
export type Ends = 'never' | 'count' | 'until';

export interface MeetingForm {
	title: string;
	description: string;
	/** `YYYY-MM-DD`, the date input's value. */
	date: string;
	/** `HH:MM`, the time input's value. */
	time: string;
	duration: string;
	timezone: string;
	/** Minutes ahead; 0 for no reminder. */
	reminder: number;
	repeat: Repeat;
	interval: string;
	weekdays: Weekday[];
	ends: Ends;
	count: string;
	/** `YYYY-MM-DD`, the last day an occurrence may fall on. */
	until: string;
}

/** The request fields the server may name in an error, each shown at its part of the form. */
export const MEETING_FIELDS = [
	'title',
	'description',
	'start',
	'timezone',
	'duration_minutes',
	'reminder_minutes',
	'recurrence'
] as const;
export type MeetingField = (typeof MEETING_FIELDS)[number];

export const MAX_TITLE = 200;
export const MAX_DESCRIPTION = 4000;

/** Reminder choices (minutes ahead). */
export const REMINDERS: readonly { minutes: number; label: string }[] = [
	{ minutes: 0, label: 'No reminder' },
	{ minutes: 5, label: '5 minutes before' },
	{ minutes: 10, label: '10 minutes before' },
	{ minutes: 15, label: '15 minutes before' },
	{ minutes: 30, label: '30 minutes before' },
	{ minutes: 60, label: '1 hour before' },
	{ minutes: 120, label: '2 hours before' },
	{ minutes: 1440, label: '1 day before' },
	{ minutes: 10080, label: '1 week before' }
];

/** A whole number from an input's value, or null when it is not one. */
export function wholeNumber(value: string | number | null | undefined): number | null {
	if (value === null || value === undefined) return null;
	const text = String(value).trim();
	if (!/^\d+$/.test(text)) return null;
	return Number(text);
}

/** The calendar date `YYYY-MM-DD` of an instant in a time zone. */
export function dateIn(instant: Date, zone: string): string {
	const parts = new Intl.DateTimeFormat('en-CA', {
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		timeZone: zone
	}).formatToParts(instant);
	const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
	return `${part('year')}-${part('month')}-${part('day')}`;
}

/** A fresh form: tomorrow at 10:00 in the viewer's zone, half an hour, reminded 15 minutes ahead. */
export function newForm(now: Date, zone: string): MeetingForm {
	return {
		title: '',
		description: '',
		date: dateIn(new Date(now.getTime() + 24 * 3600_000), zone),
		time: '10:00',
		duration: '30',
		timezone: zone,
		reminder: 15,
		repeat: 'none',
		interval: '1',
		weekdays: [],
		ends: 'never',
		count: '10',
		until: ''
	};
}

/** The form for changing a series, as it is now. */
export function formFromMeeting(meeting: Meeting): MeetingForm {
	const recurrence = meeting.recurrence ?? null;
	return {
		title: meeting.title,
		description: meeting.description,
		date: meeting.start.slice(0, 10),
		time: meeting.start.slice(11, 16),
		duration: String(meeting.duration_minutes),
		timezone: meeting.timezone,
		reminder: meeting.reminder_minutes,
		repeat: recurrence?.frequency ?? 'none',
		interval: String(recurrence?.interval ?? 1),
		weekdays: [...(recurrence?.weekdays ?? [])],
		ends: recurrence?.count ? 'count' : recurrence?.until ? 'until' : 'never',
		count: String(recurrence?.count ?? 10),
		until: recurrence?.until ?? ''
	};
}

/** The wall-clock start the server expects: `YYYY-MM-DDTHH:MM:SS`. */
export function startOf(form: MeetingForm): string {
	return `${form.date}T${form.time.slice(0, 5)}:00`;
}

/** The recurrence the form describes; null for a single meeting. */
export function recurrenceOf(form: MeetingForm): Recurrence | null {
	if (form.repeat === 'none') return null;
	const recurrence: Recurrence = {
		frequency: form.repeat,
		interval: wholeNumber(form.interval) ?? 1
	};
	if (form.repeat === 'weekly') {
		recurrence.weekdays = WEEKDAYS.filter((day) => form.weekdays.includes(day));
	}
	if (form.ends === 'count') recurrence.count = wholeNumber(form.count) ?? 0;
	if (form.ends === 'until') recurrence.until = form.until;
	return recurrence;
}

function isZone(zone: string): boolean {
	if (!zone) return false;
	try {
		new Intl.DateTimeFormat('en', { timeZone: zone });
		return true;
	} catch {
		return false;
	}
}

/** What is wrong with the form before asking the server, by the field that shows it. */
export function checkForm(form: MeetingForm): Partial<Record<MeetingField, string>> {
	const errors: Partial<Record<MeetingField, string>> = {};
	const title = form.title.trim();
	if (!title) errors.title = 'Give the meeting a title.';
	else if ([...title].length > MAX_TITLE) errors.title = `At most ${MAX_TITLE} characters.`;
	if ([...form.description.trim()].length > MAX_DESCRIPTION)
		errors.description = `At most ${MAX_DESCRIPTION} characters.`;
	if (!/^\d{4}-\d{2}-\d{2}$/.test(form.date) || !/^\d{2}:\d{2}/.test(form.time))
		errors.start = 'Choose a date and a time.';
	if (!isZone(form.timezone)) errors.timezone = 'Choose a time zone from the list.';
	const duration = wholeNumber(form.duration);
	if (duration === null || duration < 5 || duration > 1440)
		errors.duration_minutes = 'From 5 to 1440 minutes (24 hours).';
	if (form.repeat !== 'none') {
		const interval = wholeNumber(form.interval);
		const count = wholeNumber(form.count);
		if (interval === null || interval < 1 || interval > 99)
			errors.recurrence = 'Repeat every 1 to 99 days, weeks or months.';
		else if (
			form.repeat === 'weekly' &&
			errors.start === undefined &&
			form.weekdays.length > 0 &&
			!form.weekdays.includes(weekdayOf(form.date))
		)
			errors.recurrence = `The first meeting is on a ${DAY_NAMES[weekdayOf(form.date)]}: pick that day too, or another date.`;
		else if (form.ends === 'count' && (count === null || count < 2 || count > 500))
			errors.recurrence = 'End after 2 to 500 meetings.';
		else if (form.ends === 'until' && !/^\d{4}-\d{2}-\d{2}$/.test(form.until))
			errors.recurrence = 'Choose the last day.';
		else if (form.ends === 'until' && form.until <= form.date)
			errors.recurrence = 'The last day must come after the first meeting.';
	}
	return errors;
}

/** The request that schedules the meeting. */
export function newMeetingRequest(form: MeetingForm): NewMeeting {
	return {
		title: form.title.trim(),
		description: form.description.trim(),
		start: startOf(form),
		timezone: form.timezone,
		duration_minutes: wholeNumber(form.duration) ?? 0,
		reminder_minutes: form.reminder,
		recurrence: recurrenceOf(form)
	};
}

/**
 * The changes to a series: only what the form changed, so an untouched start of a
 * series that began long ago is not checked again (`recurrence: null` ends repeating).
 */
export function meetingChanges(meeting: Meeting, form: MeetingForm): MeetingChanges {
	const changes: MeetingChanges = {};
	const wanted = newMeetingRequest(form);
	if (wanted.title !== meeting.title) changes.title = wanted.title;
	if (wanted.description !== meeting.description) changes.description = wanted.description;
	if (wanted.start !== startOf(formFromMeeting(meeting))) changes.start = wanted.start;
	if (wanted.timezone !== meeting.timezone) changes.timezone = wanted.timezone;
	if (wanted.duration_minutes !== meeting.duration_minutes)
		changes.duration_minutes = wanted.duration_minutes;
	if (wanted.reminder_minutes !== meeting.reminder_minutes)
		changes.reminder_minutes = wanted.reminder_minutes;
	const before = JSON.stringify(recurrenceOf(formFromMeeting(meeting)));
	if (JSON.stringify(wanted.recurrence ?? null) !== before)
		changes.recurrence = wanted.recurrence ?? null;
	return changes;
}
