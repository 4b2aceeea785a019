import { describe, expect, it } from 'vitest';
import { filesText, shareOf, sizeText, totalText } from './storage';

describe('storage statistics', () => {
	it('read sizes in binary units', () => {
		expect(sizeText(0)).toBe('0 bytes');
		expect(sizeText(1)).toBe('1 byte');
		expect(sizeText(1023)).toBe('1023 bytes');
		expect(sizeText(1024)).toBe('1 KB');
		expect(sizeText(1536)).toBe('1.5 KB');
		expect(sizeText(12 * 1024 * 1024)).toBe('12 MB');
		expect(sizeText(3.25 * 1024 ** 3)).toBe('3.3 GB');
		expect(sizeText(1024 ** 4 * 2)).toBe('2 TB');
		// Just under a megabyte reads as one, not "1024 KB".
		expect(sizeText(1024 * 1024 - 10)).toBe('1 MB');
		expect(sizeText(-1)).toBe('—');
	});

	it('count files and say what share of everything a total is', () => {
		expect(filesText(0)).toBe('0 files');
		expect(filesText(1)).toBe('1 file');
		expect(filesText(12345)).toBe('12,345 files');
		expect(totalText({ files: 3, bytes: 2048 })).toBe('3 files · 2 KB');
		expect(shareOf(50, 200)).toBe(25);
		expect(shareOf(0, 200)).toBe(0);
		expect(shareOf(10, 0)).toBe(0);
		expect(shareOf(300, 200)).toBe(100);
	});
});
