import { describe, expect, it } from 'vitest';
import { backupCodesText, groupSecret, svgDataUrl } from './two-factor';

describe('two-factor settings helpers', () => {
	it('turns the QR SVG into an image address, never markup', () => {
		const svg = '<svg xmlns="http://www.w3.org/2000/svg"><title>é</title></svg>';
		const url = svgDataUrl(svg);
		expect(url.startsWith('data:image/svg+xml;base64,')).toBe(true);
		const bytes = Uint8Array.from(atob(url.split(',')[1]!), (c) => c.charCodeAt(0));
		expect(new TextDecoder().decode(bytes)).toBe(svg);
	});

	it('groups the setup key by four', () => {
		expect(groupSecret('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP')).toEqual([
			'JBSW',
			'Y3DP',
			'EHPK',
			'3PXP',
			'JBSW',
			'Y3DP',
			'EHPK',
			'3PXP'
		]);
		expect(groupSecret('ABCDEF==')).toEqual(['ABCD', 'EF']);
		expect(groupSecret('')).toEqual([]);
	});

	it('writes the backup codes file', () => {
		const text = backupCodesText({
			codes: ['AAAAA-11111', 'BBBBB-22222'],
			username: 'ada',
			server: 'https://chat.example',
			created: new Date('2026-01-02T03:04:05Z')
		});
		expect(text).toContain('Server:   https://chat.example');
		expect(text).toContain('Username: ada');
		expect(text).toContain(' 1. AAAAA-11111\n 2. BBBBB-22222');
		expect(text).toContain('2026-01-02T03:04:05.000Z');
	});
});
