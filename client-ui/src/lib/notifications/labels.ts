/** The words and durations of the notification menus and settings. */
import { whenAgain } from '$shared/format';
import { FOREVER, type NotificationLevel } from './rules';

export const LEVEL_LABELS: Record<NotificationLevel, string> = {
	all: 'All messages',
	mentions: 'Mentions only',
	nothing: 'Nothing'
};

export interface DurationChoice {
	label: string;
	/** Minutes from now; null: until turned off. */
	minutes: number | null;
}

export const MUTE_CHOICES: DurationChoice[] = [
	{ label: '15 minutes', minutes: 15 },
	{ label: '1 hour', minutes: 60 },
	{ label: '8 hours', minutes: 8 * 60 },
	{ label: '24 hours', minutes: 24 * 60 },
	{ label: 'Until I turn it back on', minutes: null }
];

/** The end of a mute or do-not-disturb chosen now (RFC 3339). */
export function endsAt(minutes: number | null, now: number = Date.now()): string {
	return minutes === null ? FOREVER : new Date(now + minutes * 60_000).toISOString();
}

/** 8:00 tomorrow, local time. */
export function tomorrowMorning(now: number = Date.now()): string {
	const at = new Date(now);
	at.setDate(at.getDate() + 1);
	at.setHours(8, 0, 0, 0);
	return at.toISOString();
}

/** Whether an end time means "until I turn it back on". */
export function isIndefinite(iso: string): boolean {
	return new Date(iso).getUTCFullYear() >= 2999;
}

/** "until you turn it back on", "until 3:15 PM (in 15 minutes)", "until Dec 6, 8:00 AM (…)". */
export function untilText(iso: string, now: number = Date.now()): string {
	if (isIndefinite(iso)) return 'until you turn it back on';
	const when = whenAgain(new Date(iso), now)
		.replace(/^on (.+?) at /, '$1, ')
		.replace(/^at /, '');
	return `until ${when}`;
}
