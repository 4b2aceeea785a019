import { describe, expect, it } from 'vitest';
import {
	checkForm,
	dateIn,
	formFromMeeting,
	meetingChanges,
	newForm,
	newMeetingRequest,
	recurrenceOf,
	wholeNumber,
	type MeetingForm
} from './form';
import type { Meeting } from './types';

const base: MeetingForm = {
	...newForm(new Date('2026-12-06T12:00:00Z'), 'Europe/Berlin'),
	title: '  Stand-up  '
};

const meeting: Meeting = {
	id: 'm1',
	channel_id: 'c1',
	title: 'Stand-up',
	description: '',
	start: '2026-12-07T10:00:00',
	timezone: 'Europe/Berlin',
	duration_minutes: 30,
	reminder_minutes: 15,
	recurrence: { frequency: 'weekly', interval: 1, weekdays: ['mo', 'we'], count: 10 },
	cancelled: false,
	sequence: 0,
	created_at: '2026-12-01T00:00:00Z',
	updated_at: '2026-12-01T00:00:00Z',
	thread_reply_count: 0
} as Meeting;

describe('newForm', () => {
	it("starts tomorrow at 10:00 in the viewer's zone, for half an hour", () => {
		expect(base.date).toBe('2026-12-07');
		expect(base.time).toBe('10:00');
		expect(base.duration).toBe('30');
		expect(base.timezone).toBe('Europe/Berlin');
		expect(base.reminder).toBe(15);
		expect(base.repeat).toBe('none');
	});

	it('takes the date in the given zone', () => {
		const late = new Date('2026-12-06T23:30:00Z');
		expect(dateIn(late, 'UTC')).toBe('2026-12-06');
		expect(dateIn(late, 'Asia/Tokyo')).toBe('2026-12-07');
	});
});

describe('wholeNumber', () => {
	it('reads text and numbers, and nothing else', () => {
		expect(wholeNumber('15')).toBe(15);
		expect(wholeNumber(15)).toBe(15);
		expect(wholeNumber(' 7 ')).toBe(7);
		expect(wholeNumber('')).toBeNull();
		expect(wholeNumber(null)).toBeNull();
		expect(wholeNumber('1.5')).toBeNull();
		expect(wholeNumber('-2')).toBeNull();
	});
});

describe('newMeetingRequest', () => {
	it('sends the wall-clock start and the zone', () => {
		expect(newMeetingRequest(base)).toEqual({
			title: 'Stand-up',
			description: '',
			start: '2026-12-07T10:00:00',
			timezone: 'Europe/Berlin',
			duration_minutes: 30,
			reminder_minutes: 15,
			recurrence: null
		});
	});

	it('describes a weekly series that ends after a count, days in week order', () => {
		const form = { ...base, repeat: 'weekly', weekdays: ['we', 'mo'], ends: 'count', count: '10' };
		expect(recurrenceOf(form as MeetingForm)).toEqual({
			frequency: 'weekly',
			interval: 1,
			weekdays: ['mo', 'we'],
			count: 10
		});
	});

	it('sends weekdays only for weekly series, and the last day when it ends on a date', () => {
		const form = { ...base, repeat: 'monthly', interval: 2, ends: 'until', until: '2027-06-30' };
		expect(recurrenceOf(form as unknown as MeetingForm)).toEqual({
			frequency: 'monthly',
			interval: 2,
			until: '2027-06-30'
		});
	});
});

describe('checkForm', () => {
	it('accepts a complete form', () => {
		expect(checkForm(base)).toEqual({});
	});

	it('shows each problem at its field', () => {
		const errors = checkForm({
			...base,
			title: ' ',
			date: '',
			timezone: 'Nowhere/Special',
			duration: '3'
		});
		expect(Object.keys(errors).sort()).toEqual(['duration_minutes', 'start', 'timezone', 'title']);
		expect(checkForm({ ...base, title: 'x'.repeat(201) }).title).toMatch(/200/);
		expect(checkForm({ ...base, duration: '1441' }).duration_minutes).toBeDefined();
	});

	it('checks the recurrence', () => {
		const weekly: MeetingForm = { ...base, repeat: 'weekly' };
		expect(checkForm({ ...weekly, interval: '0' }).recurrence).toMatch(/1 to 99/);
		expect(checkForm({ ...weekly, ends: 'count', count: '1' }).recurrence).toMatch(/2 to 500/);
		expect(checkForm({ ...weekly, ends: 'until', until: '' }).recurrence).toMatch(/last day/);
		expect(checkForm({ ...weekly, ends: 'until', until: base.date }).recurrence).toMatch(/after/);
		// The server wants the first meeting on one of the picked days (Dec 7, 2026 is a Monday).
		expect(checkForm({ ...weekly, weekdays: ['tu', 'th'] }).recurrence).toMatch(/on a Monday/);
		expect(checkForm({ ...weekly, weekdays: ['mo', 'th'] })).toEqual({});
		expect(checkForm({ ...weekly, weekdays: [] })).toEqual({});
		// Not checked when the meeting does not repeat.
		expect(checkForm({ ...base, interval: '0' })).toEqual({});
	});
});

describe('editing a series', () => {
	it('fills the form from the meeting', () => {
		const form = formFromMeeting(meeting);
		expect(form).toMatchObject({
			title: 'Stand-up',
			date: '2026-12-07',
			time: '10:00',
			duration: '30',
			repeat: 'weekly',
			weekdays: ['mo', 'we'],
			ends: 'count',
			count: '10'
		});
	});

	it('sends only what changed', () => {
		const form = formFromMeeting(meeting);
		expect(meetingChanges(meeting, form)).toEqual({});
		expect(meetingChanges(meeting, { ...form, title: 'Daily sync ', time: '11:30' })).toEqual({
			title: 'Daily sync',
			start: '2026-12-07T11:30:00'
		});
		expect(meetingChanges(meeting, { ...form, ends: 'never' })).toEqual({
			recurrence: { frequency: 'weekly', interval: 1, weekdays: ['mo', 'we'] }
		});
	});

	it('ends repeating with recurrence null', () => {
		expect(meetingChanges(meeting, { ...formFromMeeting(meeting), repeat: 'none' })).toEqual({
			recurrence: null
		});
	});
});
