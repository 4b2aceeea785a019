import { afterEach, describe, expect, it } from 'vitest';
import {
	avatarHue,
	clockTime,
	dateTime,
	describeUserAgent,
	initials,
	relativeTime,
	whenAgain
} from './format';
import { setTimeFormat } from './clock.svelte';

describe('format', () => {
	const now = Date.parse('2026-05-01T12:00:00Z');

	it.each([
		['2026-05-01T11:59:50Z', 'just now'],
		['2026-05-01T11:55:00Z', '5 minutes ago'],
		['2026-05-01T09:00:00Z', '3 hours ago'],
		['2026-04-30T12:00:00Z', 'yesterday'],
		['2026-05-04T12:00:00Z', 'in 3 days']
	])('relative time of %s', (iso, expected) => {
		expect(relativeTime(iso, now, 'en')).toBe(expected);
	});

	it('makes initials from names and usernames', () => {
		expect(initials('Ada Lovelace')).toBe('AL');
		expect(initials('grace_hopper')).toBe('GH');
		expect(initials('linus')).toBe('LI');
		expect(initials('')).toBe('?');
	});

	it('gives a name a stable hue', () => {
		expect(avatarHue('ada')).toBe(avatarHue('ada'));
		expect(avatarHue('ada')).toBeGreaterThanOrEqual(0);
		expect(avatarHue('ada')).toBeLessThan(360);
	});

	it.each([
		[
			'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
			'Chrome on Linux'
		],
		[
			'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0',
			'Edge on Windows'
		],
		[
			'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7; rv:133.0) Gecko/20100101 Firefox/133.0',
			'Firefox on macOS'
		],
		[
			'Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
			'Safari on iOS'
		],
		['curl/7.88.1', 'curl'],
		['Playwright/1.65.1 (x64; debian 12) node/20.20', 'Playwright'],
		['something else', null],
		[null, null]
	])('describes %s', (ua, expected) => {
		expect(describeUserAgent(ua)).toBe(expected);
	});
});

describe('whenAgain', () => {
	// Local times, so the test reads the same in every time zone.
	const now = new Date(2026, 11, 4, 22, 35, 0).getTime();
	const at = (...parts: [number, number, number, number, number]) =>
		new Date(2026, parts[0], parts[1], parts[2], parts[3], parts[4]);

	it('says the local time and about how long until then', () => {
		expect(whenAgain(at(11, 4, 22, 40, 0), now, 'en-US')).toBe('at 10:40 PM (in 5 minutes)');
		expect(whenAgain(at(11, 4, 22, 39, 30), now, 'en-US')).toBe('at 10:39 PM (in 5 minutes)');
		// A clock a second behind the server's does not make it "6 minutes".
		expect(whenAgain(at(11, 4, 22, 40, 1), now, 'en-US')).toBe('at 10:40 PM (in 5 minutes)');
		expect(whenAgain(at(11, 4, 22, 35, 20), now, 'en-US')).toBe('at 10:35 PM (in 20 seconds)');
		expect(whenAgain(at(11, 4, 23, 55, 0), now, 'en-US')).toBe('at 11:55 PM (in 80 minutes)');
	});

	it('names the day when it is not today', () => {
		expect(whenAgain(at(11, 5, 1, 0, 0), now, 'en-US')).toBe('on Dec 5 at 1:00 AM (in 2 hours)');
		expect(whenAgain(at(11, 11, 22, 35, 0), now, 'en-US')).toBe(
			'on Dec 11 at 10:35 PM (in 7 days)'
		);
	});
});

describe('time format', () => {
	// Local times, so the test reads the same in every time zone.
	const afternoon = new Date(2026, 0, 5, 15, 7).toISOString();
	const midnight = new Date(2026, 0, 5, 0, 5).toISOString();
	afterEach(() => setTimeFormat('auto'));

	it('writes times as the language does, unless told 12 or 24 hours', () => {
		expect(clockTime(afternoon, 'en-US', 'auto')).toBe('03:07 PM');
		expect(clockTime(afternoon, 'en-GB', 'auto')).toBe('15:07');
		expect(clockTime(afternoon, 'en-US', '24h')).toBe('15:07');
		expect(clockTime(afternoon, 'en-GB', '12h')).toBe('3:07 pm');
		expect(clockTime(afternoon, 'en-US', '12h')).toBe('3:07 PM');
	});

	it('counts from 12 at midnight in 12 hours, and from 00 in 24', () => {
		expect(clockTime(midnight, 'en-GB', '12h')).toBe('12:05 am');
		expect(clockTime(midnight, 'en-US', '24h')).toBe('00:05');
	});

	it('follows the chosen format by default, in every helper', () => {
		setTimeFormat('24h');
		expect(clockTime(afternoon, 'en-US')).toBe('15:07');
		expect(dateTime(afternoon, 'en-US')).toBe('Jan 5, 2026, 15:07');
		const now = new Date(2026, 0, 5, 15, 0).getTime();
		expect(whenAgain(new Date(afternoon), now, 'en-US')).toBe('at 15:07 (in 7 minutes)');
		setTimeFormat('12h');
		expect(dateTime(afternoon, 'en-GB')).toBe('5 Jan 2026, 3:07 pm');
	});
});
