import { describe, expect, it } from 'vitest';
import { displayName, estimateAttachmentsHeight, fitWithin, formatBytes, percent } from './format';
import type { FileView } from './types';

describe('formatBytes', () => {
	it('counts bytes below a kilobyte', () => {
		expect(formatBytes(0)).toBe('0 bytes');
		expect(formatBytes(1)).toBe('1 byte');
		expect(formatBytes(1023)).toBe('1023 bytes');
	});

	it('uses binary units with one decimal below 10', () => {
		expect(formatBytes(1024)).toBe('1 KB');
		expect(formatBytes(1536)).toBe('1.5 KB');
		expect(formatBytes(10 * 1024)).toBe('10 KB');
		expect(formatBytes(25 * 1024 * 1024)).toBe('25 MB');
		expect(formatBytes(2.25 * 1024 ** 3)).toBe('2.3 GB');
		expect(formatBytes(3 * 1024 ** 4)).toBe('3 TB');
	});

	it('moves to the next unit instead of showing 1024', () => {
		expect(formatBytes(1024 * 1024 - 1)).toBe('1 MB');
	});

	it('shows a dash for nonsense', () => {
		expect(formatBytes(-1)).toBe('—');
		expect(formatBytes(Number.NaN)).toBe('—');
	});
});

describe('percent', () => {
	it('is a whole percent within 0–100', () => {
		expect(percent(0, 100)).toBe(0);
		expect(percent(1, 3)).toBe(33);
		expect(percent(100, 100)).toBe(100);
		expect(percent(150, 100)).toBe(100);
	});

	it('is 0 while the total is unknown', () => {
		expect(percent(10, 0)).toBe(0);
	});
});

describe('fitWithin', () => {
	it('scales down to the box, keeping the ratio', () => {
		expect(fitWithin(800, 600, 400, 300)).toEqual({ width: 400, height: 300 });
		expect(fitWithin(1000, 200, 400, 300)).toEqual({ width: 400, height: 80 });
		expect(fitWithin(300, 1200, 400, 300)).toEqual({ width: 75, height: 300 });
	});

	it('never enlarges small images', () => {
		expect(fitWithin(4, 3, 400, 300)).toEqual({ width: 4, height: 3 });
	});

	it('is null without a usable size', () => {
		expect(fitWithin(null, 300, 400, 300)).toBeNull();
		expect(fitWithin(undefined, undefined, 400, 300)).toBeNull();
		expect(fitWithin(0, 10, 400, 300)).toBeNull();
	});
});

describe('displayName', () => {
	it('keeps ordinary names, markup included, as text', () => {
		expect(displayName('report (final).pdf')).toBe('report (final).pdf');
		expect(displayName('<img src=x onerror=alert(1)>.png')).toBe(
			'<img src=x onerror=alert(1)>.png'
		);
	});

	it('drops bidirectional overrides and control characters', () => {
		expect(displayName('photo\u202egnp.exe')).toBe('photognp.exe');
		expect(displayName('a\u0000b\nc\u2066d\u2069')).toBe('abcd');
	});

	it('falls back when nothing is left', () => {
		expect(displayName('  \u202e ')).toBe('file');
	});
});

describe('estimateAttachmentsHeight', () => {
	const file = (kind: FileView['kind'], width?: number, height?: number): FileView => ({
		id: kind,
		name: kind,
		size: 1,
		content_type: 'application/octet-stream',
		kind,
		sha256: '',
		width,
		height,
		thumbnail: false,
		created_at: '2026-01-01T00:00:00Z'
	});

	it('adds up the previews', () => {
		expect(estimateAttachmentsHeight([])).toBe(0);
		expect(estimateAttachmentsHeight([file('image', 800, 600)])).toBe(306);
		expect(estimateAttachmentsHeight([file('image'), file('file')])).toBe(206 + 68);
	});
});
