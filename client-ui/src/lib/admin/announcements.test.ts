import { describe, expect, it } from 'vitest';
import {
	announcementErrors,
	asListed,
	authorText,
	charCount,
	dismissalsText,
	EMPTY_FORM,
	expiryToIso,
	hasControlCharacters,
	isActive,
	localInputValue,
	requestBody,
	severityLabel
} from './announcements';

const NOW = new Date('2026-12-05T12:00:00Z').getTime();

describe('the announcement form', () => {
	it('requires a title of at most 120 characters, as the server counts them', () => {
		expect(announcementErrors({ ...EMPTY_FORM, title: '   ' }, NOW).title).toBe(
			'Title is required.'
		);
		expect(announcementErrors({ ...EMPTY_FORM, title: 'x'.repeat(120) }, NOW)).toEqual({});
		expect(announcementErrors({ ...EMPTY_FORM, title: 'x'.repeat(121) }, NOW).title).toMatch(
			/at most 120/
		);
		// 120 emoji are 240 UTF-16 units but 120 characters to the server.
		expect(charCount('😀'.repeat(120))).toBe(120);
		expect(announcementErrors({ ...EMPTY_FORM, title: '😀'.repeat(120) }, NOW)).toEqual({});
		// Surrounding spaces do not count (the server trims).
		expect(announcementErrors({ ...EMPTY_FORM, title: ` ${'x'.repeat(120)} ` }, NOW)).toEqual({});
	});

	it('limits the text to 2000 characters and refuses control characters', () => {
		const ok = { ...EMPTY_FORM, title: 'Maintenance' };
		expect(announcementErrors({ ...ok, body: 'y'.repeat(2000) }, NOW)).toEqual({});
		expect(announcementErrors({ ...ok, body: 'y'.repeat(2001) }, NOW).body).toMatch(/2000/);
		expect(announcementErrors({ ...ok, body: 'line one\n\tline two' }, NOW)).toEqual({});
		expect(announcementErrors({ ...ok, body: 'bell\u0007' }, NOW).body).toMatch(/control/);
		expect(announcementErrors({ ...ok, title: 'a\rb' }, NOW).title).toMatch(/control/);
		expect(hasControlCharacters('tab\tand\nnewline')).toBe(false);
		expect(hasControlCharacters('del\u007f')).toBe(true);
		expect(hasControlCharacters('nul\u0000')).toBe(true);
	});

	it('takes an optional expiry in the future, sent as UTC', () => {
		const ok = { ...EMPTY_FORM, title: 'Maintenance' };
		const later = localInputValue(new Date(NOW + 60 * 60_000));
		expect(announcementErrors({ ...ok, expires: later }, NOW)).toEqual({});
		const earlier = localInputValue(new Date(NOW - 60_000));
		expect(announcementErrors({ ...ok, expires: earlier }, NOW).expires_at).toBe(
			'The expiry must be in the future.'
		);
		expect(announcementErrors({ ...ok, expires: 'soon' }, NOW).expires_at).toBe(
			'Enter a date and time.'
		);
		// A datetime-local value is local time; the request carries the same instant in UTC.
		const iso = expiryToIso(later)!;
		expect(iso).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(Date.parse(iso)).toBe(NOW + 60 * 60_000);
		expect(expiryToIso('')).toBeNull();
		expect(localInputValue(new Date(2026, 0, 2, 3, 4))).toBe('2026-01-02T03:04');
	});

	it('builds the request from a valid form', () => {
		expect(
			requestBody({ title: ' Maintenance ', body: ' Tonight \n', severity: 'warning', expires: '' })
		).toEqual({ title: 'Maintenance', body: 'Tonight', severity: 'warning', expires_at: null });
	});
});

describe('listed announcements', () => {
	const base = {
		id: 'a1',
		title: 'Maintenance',
		body: '',
		severity: 'info' as const,
		created_at: '2026-12-05T10:00:00Z',
		expires_at: null as string | null
	};

	it('read as active until their expiry', () => {
		expect(isActive({ active: true, expires_at: null }, NOW)).toBe(true);
		expect(isActive({ active: false, expires_at: null }, NOW)).toBe(false);
		expect(isActive({ active: true, expires_at: '2026-12-05T12:00:00Z' }, NOW)).toBe(false);
		expect(isActive({ active: true, expires_at: '2026-12-05T12:00:01Z' }, NOW)).toBe(true);
	});

	it('name their author, severity and dismissals', () => {
		expect(authorText({ created_by_username: 'olivia' })).toBe('olivia');
		expect(authorText({ created_by_username: null })).toBe('a deleted account');
		expect(severityLabel('critical')).toBe('Critical');
		expect(severityLabel('info')).toBe('Information');
		expect(dismissalsText(0)).toBe('nobody');
		expect(dismissalsText(1)).toBe('1 person');
		expect(dismissalsText(12)).toBe('12 people');
	});

	it('list a new one as the server would', () => {
		expect(asListed(base, { id: 'u1', username: 'olivia' })).toEqual({
			...base,
			created_by: 'u1',
			created_by_username: 'olivia',
			dismissals: 0,
			active: true
		});
	});
});
