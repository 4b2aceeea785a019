/**
 * Meetings in words: how a series repeats ("Weekly on Mon, Wed · 10 times") and when an
 * occurrence happens, in the viewer's time zone and, when its clock differs, the meeting's.
 */
import { hourCycle, timeFormat, type TimeFormat } from '$shared/clock.svelte';
import { WEEKDAYS, type Recurrence, type Weekday } from './types';

const SHORT_DAY: Record<Weekday, string> = {
	mo: 'Mon',
	tu: 'Tue',
	we: 'Wed',
	th: 'Thu',
	fr: 'Fri',
	sa: 'Sat',
	su: 'Sun'
};

/** The weekday of a calendar date `YYYY-MM-DD` (no time zone involved). */
export function weekdayOf(date: string): Weekday {
	const [year, month, day] = date.split('-').map(Number);
	const sunday0 = new Date(Date.UTC(year!, month! - 1, day!)).getUTCDay();
	return WEEKDAYS[(sunday0 + 6) % 7]!;
}

/** A calendar date `YYYY-MM-DD` as "Dec 31, 2026". */
export function calendarDate(date: string, locale?: string): string {
	const [year, month, day] = date.split('-').map(Number);
	return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' }).format(
		new Date(Date.UTC(year!, month! - 1, day!))
	);
}

/**
 * "Daily", "Every 2 weeks on Mon, Wed · 10 times", "Monthly on day 15 · until Mar 1, 2027";
 * null for a single meeting. `start` is the series' wall-clock start (`YYYY-MM-DDTHH:MM:SS`),
 * which names the weekday or day of the month the server falls back to.
 */
export function recurrenceSummary(
	recurrence: Recurrence | null | undefined,
	start?: string,
	locale?: string
): string | null {
	if (!recurrence) return null;
	const every = recurrence.interval > 1 ? recurrence.interval : 1;
	let rule: string;
	if (recurrence.frequency === 'daily') {
		rule = every === 1 ? 'Daily' : `Every ${every} days`;
	} else if (recurrence.frequency === 'weekly') {
		const picked = recurrence.weekdays?.length
			? WEEKDAYS.filter((day) => recurrence.weekdays!.includes(day))
			: start
				? [weekdayOf(start.slice(0, 10))]
				: [];
		rule = every === 1 ? 'Weekly' : `Every ${every} weeks`;
		if (picked.length) rule += ` on ${picked.map((day) => SHORT_DAY[day]).join(', ')}`;
	} else {
		rule = every === 1 ? 'Monthly' : `Every ${every} months`;
		if (start) rule += ` on day ${Number(start.slice(8, 10))}`;
	}
	if (recurrence.count) return `${rule} · ${recurrence.count} times`;
	if (recurrence.until) return `${rule} · until ${calendarDate(recurrence.until, locale)}`;
	return rule;
}

/**
 * "Mon, Dec 7, 10:00 – 10:30 AM" in one time zone, in the person's time format
 * (Settings › Appearance) like message times: every meeting time on screen comes here.
 */
export function timeRange(
	startsAt: string,
	endsAt: string,
	zone: string,
	locale?: string,
	clock: TimeFormat = timeFormat()
): string {
	const format = new Intl.DateTimeFormat(locale, {
		weekday: 'short',
		month: 'short',
		day: 'numeric',
		// Two digits in 24 h ("09:00"), as message times write it.
		hour: clock === '24h' ? '2-digit' : 'numeric',
		minute: '2-digit',
		timeZone: zone,
		...hourCycle(clock)
	});
	return format.formatRange(new Date(startsAt), new Date(endsAt));
}

/**
 * When an occurrence happens for the viewer, and in the meeting's own zone when its
 * clock shows something else there ("4:00 – 4:30 PM in Europe/Berlin"), else null.
 */
export function occurrenceTimes(
	occurrence: { starts_at: string; ends_at: string },
	meetingZone: string,
	viewerZone: string,
	locale?: string,
	clock: TimeFormat = timeFormat()
): { local: string; theirs: string | null } {
	const local = timeRange(occurrence.starts_at, occurrence.ends_at, viewerZone, locale, clock);
	let theirs: string | null = null;
	try {
		const there = timeRange(occurrence.starts_at, occurrence.ends_at, meetingZone, locale, clock);
		if (there !== local) theirs = `${there} (${zoneLabel(meetingZone)})`;
	} catch {
		// A zone this browser does not know: the viewer's time says it all.
	}
	return { local, theirs };
}

/** "America/New_York" as people write it: "America/New York". */
export function zoneLabel(zone: string): string {
	return zone.replaceAll('_', ' ');
}

/** The browser's own time zone (what the schedule dialog preselects). */
export function browserZone(): string {
	return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Every zone the browser knows, for the picker, with the browser's own among them. */
export function knownZones(): string[] {
	const zones =
		typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
	const own = browserZone();
	return zones.includes(own) ? zones : [own, ...zones];
}

/** "1 going · 2 maybe · 0 not going". */
export function rsvpSummary(counts: { going: number; maybe: number; not_going: number }): string {
	return `${counts.going} going · ${counts.maybe} maybe · ${counts.not_going} not going`;
}
