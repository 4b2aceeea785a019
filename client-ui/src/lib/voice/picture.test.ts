import { describe, expect, it } from 'vitest';
import { HEADER_BYTES, readPicture, toRgba } from './picture';

/** The bytes the desktop app sends for a picture of one colour. */
function pictureBytes(
	number: number,
	width: number,
	height: number,
	yuv: [number, number, number]
) {
	const luma = width * height;
	const chroma = Math.ceil(width / 2) * Math.ceil(height / 2);
	const buffer = new ArrayBuffer(HEADER_BYTES + luma + 2 * chroma);
	const view = new DataView(buffer);
	view.setBigUint64(0, BigInt(number), true);
	view.setUint32(8, width, true);
	view.setUint32(12, height, true);
	const bytes = new Uint8Array(buffer, HEADER_BYTES);
	bytes.fill(yuv[0], 0, luma);
	bytes.fill(yuv[1], luma, luma + chroma);
	bytes.fill(yuv[2], luma + chroma);
	return buffer;
}

describe('native engine pictures', () => {
	it('reads the header and the planes', () => {
		const picture = readPicture(pictureBytes(2 ** 40, 5, 3, [16, 128, 128]))!;
		expect(picture.number).toBe(2 ** 40);
		expect([picture.width, picture.height]).toEqual([5, 3]);
		// Odd sizes round the chroma planes up.
		expect([picture.y.length, picture.u.length, picture.v.length]).toEqual([15, 6, 6]);
	});

	it('refuses an empty answer and bytes that do not match their header', () => {
		expect(readPicture(new ArrayBuffer(0))).toBeNull();
		const short = pictureBytes(1, 4, 4, [0, 0, 0]).slice(0, HEADER_BYTES + 10);
		expect(readPicture(short)).toBeNull();
		expect(readPicture(pictureBytes(1, 0, 4, [0, 0, 0]))).toBeNull();
	});

	it.each([
		['black', [16, 128, 128], [0, 0, 0]],
		['white', [235, 128, 128], [255, 255, 255]],
		['red', [81, 90, 240], [255, 0, 0]],
		['blue', [41, 240, 110], [0, 0, 255]]
	] as const)('converts %s to RGBA', (_, yuv, rgb) => {
		const picture = readPicture(pictureBytes(1, 2, 2, [...yuv]))!;
		const out = new Uint8ClampedArray(2 * 2 * 4);
		toRgba(picture, out);
		for (let px = 0; px < 4; px++) {
			const [r, g, b, a] = out.slice(px * 4, px * 4 + 4);
			expect(Math.abs(r! - rgb[0])).toBeLessThanOrEqual(3);
			expect(Math.abs(g! - rgb[1])).toBeLessThanOrEqual(3);
			expect(Math.abs(b! - rgb[2])).toBeLessThanOrEqual(3);
			expect(a).toBe(255);
		}
	});
});
