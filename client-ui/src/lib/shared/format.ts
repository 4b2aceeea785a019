/**
 * Formatting helpers for dates, names and user agents; no domain knowledge. Clock times
 * follow the person's time format (Settings › Appearance) unless a format is passed.
 */
import { hourCycle, timeFormat, type TimeFormat } from './clock.svelte';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "5 minutes ago", "in 3 days". */
export function relativeTime(iso: string, now: number = Date.now(), locale?: string): string {
	const diff = new Date(iso).getTime() - now;
	const abs = Math.abs(diff);
	if (abs < 45 * SECOND) return 'just now';
	const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
	if (abs < HOUR) return format.format(Math.round(diff / MINUTE), 'minute');
	if (abs < DAY) return format.format(Math.round(diff / HOUR), 'hour');
	if (abs < 30 * DAY) return format.format(Math.round(diff / DAY), 'day');
	if (abs < 365 * DAY) return format.format(Math.round(diff / (30 * DAY)), 'month');
	return format.format(Math.round(diff / (365 * DAY)), 'year');
}

export function dateTime(iso: string, locale?: string, format: TimeFormat = timeFormat()): string {
	// `timeStyle` keeps a leading zero ("03:07 pm") in some languages when forced to 12 h.
	const options: Intl.DateTimeFormatOptions =
		format === 'auto'
			? { dateStyle: 'medium', timeStyle: 'short' }
			: { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
	return new Intl.DateTimeFormat(locale, { ...options, ...hourCycle(format) }).format(
		new Date(iso)
	);
}

/** The time of day alone, as messages show it: "3:07 PM", "15:07". */
export function clockTime(iso: string, locale?: string, format: TimeFormat = timeFormat()): string {
	return new Intl.DateTimeFormat(locale, {
		hour: format === '12h' ? 'numeric' : '2-digit',
		minute: '2-digit',
		...hourCycle(format)
	}).format(new Date(iso));
}

export function initials(name: string): string {
	const words = name
		.trim()
		.split(/[\s._-]+/)
		.filter(Boolean);
	const letters =
		words.length > 1 ? [words[0]![0], words[1]![0]] : [...(words[0] ?? '?')].slice(0, 2);
	return letters.join('').toUpperCase();
}

/** A stable hue (0–359) for a name, so someone's avatar keeps its colour. */
export function avatarHue(name: string): number {
	let hash = 0;
	for (const char of name) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
	return hash % 360;
}

/** "Chrome on Linux" from a user agent string; null when nothing is recognised. */
export function describeUserAgent(userAgent: string | null | undefined): string | null {
	if (!userAgent) return null;
	const browser = /Edg\//.test(userAgent)
		? 'Edge'
		: /OPR\//.test(userAgent)
			? 'Opera'
			: /Firefox\//.test(userAgent)
				? 'Firefox'
				: /Chrome\/|Chromium\/|HeadlessChrome\//.test(userAgent)
					? 'Chrome'
					: /Safari\//.test(userAgent)
						? 'Safari'
						: /^curl\//.test(userAgent)
							? 'curl'
							: null;
	const os = /Android/.test(userAgent)
		? 'Android'
		: /iPhone|iPad|iPod/.test(userAgent)
			? 'iOS'
			: /Windows/.test(userAgent)
				? 'Windows'
				: /Mac OS X|Macintosh/.test(userAgent)
					? 'macOS'
					: /CrOS/.test(userAgent)
						? 'ChromeOS'
						: /Linux/.test(userAgent)
							? 'Linux'
							: null;
	if (browser && os) return `${browser} on ${os}`;
	// Otherwise the leading product name of clients such as scripts and bots.
	return browser ?? os ?? userAgent.match(/^([A-Za-z][\w.-]*)\/\d/)?.[1] ?? null;
}

/**
 * When something becomes possible again, in local time: "at 10:40 PM (in 5 minutes)",
 * or "on Dec 5 at 10:40 PM (in 2 days)" when it is not today. The count is rounded to the
 * nearest unit: the clock time is the exact answer, and two machines' clocks differ.
 */
export function whenAgain(
	at: Date,
	now: number = Date.now(),
	locale?: string,
	clock: TimeFormat = timeFormat()
): string {
	const left = Math.max(0, at.getTime() - now);
	const time = new Intl.DateTimeFormat(locale, {
		hour: 'numeric',
		minute: '2-digit',
		...hourCycle(clock)
	}).format(at);
	const sameDay = new Date(now).toDateString() === at.toDateString();
	const day = sameDay
		? ''
		: `on ${new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' }).format(at)} `;
	const format = new Intl.RelativeTimeFormat(locale, { numeric: 'always' });
	const relative =
		left < MINUTE
			? format.format(Math.max(1, Math.round(left / SECOND)), 'second')
			: left < 2 * HOUR
				? format.format(Math.round(left / MINUTE), 'minute')
				: left < 2 * DAY
					? format.format(Math.round(left / HOUR), 'hour')
					: format.format(Math.round(left / DAY), 'day');
	return `${day}at ${time} (${relative})`;
}
