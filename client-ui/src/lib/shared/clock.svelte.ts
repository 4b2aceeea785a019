/**
 * The person's time format, read by the formatting helpers of `./format` and set by the
 * preferences store (`$lib/appearance`). It is
 * reactive state: a template or `$derived` that formats a time reads it, so every time on
 * screen follows a change (made here or on another device) at once.
 */
/** 12 h, 24 h, or as the device's language writes times (Settings › Appearance). */
export type TimeFormat = 'auto' | '12h' | '24h';

const clock = $state<{ format: TimeFormat }>({ format: 'auto' });

export function timeFormat(): TimeFormat {
	return clock.format;
}

/** Called by the preferences store. */
export function setTimeFormat(format: TimeFormat): void {
	clock.format = format;
}

/** The `Intl.DateTimeFormat` options that impose a format (none: the language decides). */
export function hourCycle(format: TimeFormat): Pick<Intl.DateTimeFormatOptions, 'hourCycle'> {
	// `hourCycle` rather than `hour12`: `hour12: true` gives "0:05 am" in some languages.
	if (format === '12h') return { hourCycle: 'h12' };
	if (format === '24h') return { hourCycle: 'h23' };
	return {};
}
