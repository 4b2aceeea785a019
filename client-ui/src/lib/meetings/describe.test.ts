import { describe, expect, it } from 'vitest';
import { setTimeFormat } from '$shared/clock.svelte';
import {
	calendarDate,
	occurrenceTimes,
	recurrenceSummary,
	rsvpSummary,
	timeRange,
	weekdayOf,
	zoneLabel
} from './describe';

describe('weekdayOf', () => {
	it('names the weekday of a calendar date', () => {
		expect(weekdayOf('2026-12-07')).toBe('mo');
		expect(weekdayOf('2026-12-13')).toBe('su');
		expect(weekdayOf('2024-02-29')).toBe('th');
	});
});

describe('recurrenceSummary', () => {
	it('is null for a single meeting', () => {
		expect(recurrenceSummary(null)).toBeNull();
		expect(recurrenceSummary(undefined)).toBeNull();
	});

	it('says how often and on which days', () => {
		expect(
			recurrenceSummary({ frequency: 'weekly', interval: 1, weekdays: ['we', 'mo'], count: 10 })
		).toBe('Weekly on Mon, Wed · 10 times');
		expect(recurrenceSummary({ frequency: 'daily', interval: 1 })).toBe('Daily');
		expect(recurrenceSummary({ frequency: 'daily', interval: 3 })).toBe('Every 3 days');
		expect(recurrenceSummary({ frequency: 'weekly', interval: 2, weekdays: ['fr'] })).toBe(
			'Every 2 weeks on Fri'
		);
	});

	it("falls back to the start's weekday and day of the month", () => {
		expect(recurrenceSummary({ frequency: 'weekly', interval: 1 }, '2026-12-09T10:00:00')).toBe(
			'Weekly on Wed'
		);
		expect(recurrenceSummary({ frequency: 'monthly', interval: 1 }, '2026-12-15T10:00:00')).toBe(
			'Monthly on day 15'
		);
		expect(recurrenceSummary({ frequency: 'monthly', interval: 6 })).toBe('Every 6 months');
	});

	it('names the last day', () => {
		expect(
			recurrenceSummary(
				{ frequency: 'daily', interval: 1, until: '2027-03-01' },
				undefined,
				'en-US'
			)
		).toBe('Daily · until Mar 1, 2027');
	});
});

describe('times', () => {
	const occurrence = { starts_at: '2026-12-07T09:00:00Z', ends_at: '2026-12-07T09:30:00Z' };

	it('formats a range in one zone', () => {
		expect(timeRange(occurrence.starts_at, occurrence.ends_at, 'UTC', 'en-US')).toMatch(
			/^Mon, Dec 7, 9:00\s*–\s*9:30\sAM$/
		);
		expect(calendarDate('2026-12-31', 'en-US')).toBe('Dec 31, 2026');
	});

	it("adds the meeting's zone only when its clock shows another time", () => {
		const same = occurrenceTimes(occurrence, 'Europe/London', 'UTC', 'en-US');
		expect(same.theirs).toBeNull();
		const other = occurrenceTimes(occurrence, 'America/New_York', 'UTC', 'en-US');
		expect(other.local).toMatch(/9:00/);
		expect(other.theirs).toMatch(/^Mon, Dec 7, 4:00\s*–\s*4:30\sAM \(America\/New York\)$/);
	});

	it('follows the 12/24 h setting, as message times do', () => {
		const { starts_at, ends_at } = occurrence;
		expect(timeRange(starts_at, ends_at, 'UTC', 'en-US', '24h')).toMatch(
			/^Mon, Dec 7, 09:00\s*–\s*09:30$/
		);
		expect(timeRange(starts_at, ends_at, 'UTC', 'en-GB', '12h')).toMatch(/9:00\s*–\s*9:30\sam$/i);
		const other = occurrenceTimes(occurrence, 'America/New_York', 'UTC', 'en-US', '24h');
		expect(other.local).toMatch(/09:00\s*–\s*09:30$/);
		expect(other.theirs).toMatch(/04:00\s*–\s*04:30 \(America\/New York\)$/);
	});

	it('reads the setting when none is passed', () => {
		setTimeFormat('24h');
		try {
			expect(timeRange(occurrence.starts_at, occurrence.ends_at, 'UTC', 'en-US')).toMatch(
				/09:00\s*–\s*09:30$/
			);
		} finally {
			setTimeFormat('auto');
		}
	});

	it('ignores a zone the browser does not know', () => {
		expect(occurrenceTimes(occurrence, 'Mars/Olympus', 'UTC', 'en-US').theirs).toBeNull();
	});

	it('writes zones and counts for people', () => {
		expect(zoneLabel('America/Port_of_Spain')).toBe('America/Port of Spain');
		expect(rsvpSummary({ going: 2, maybe: 1, not_going: 0 })).toBe(
			'2 going · 1 maybe · 0 not going'
		);
	});
});
