import { describe, expect, it } from 'vitest';
import { gifFrameCount, isAnimatedGif } from './gif';

/** A 1×1 GIF89a with a two-colour global table and `frames` frames (each with a delay). */
function gif(frames: number, localTable = false): Uint8Array {
	const bytes: number[] = [
		...'GIF89a'.split('').map((c) => c.charCodeAt(0)),
		1,
		0,
		1,
		0, // 1×1
		0x80, // global colour table of 2 entries
		0,
		0,
		...[0, 0, 0, 255, 255, 255],
		// An application extension (NETSCAPE looping), as animated GIFs have.
		0x21,
		0xff,
		11,
		...'NETSCAPE2.0'.split('').map((c) => c.charCodeAt(0)),
		3,
		1,
		0,
		0,
		0
	];
	for (let n = 0; n < frames; n++) {
		// Graphic control extension: a 10 ms delay.
		bytes.push(0x21, 0xf9, 4, 0, 1, 0, 0, 0);
		bytes.push(0x2c, 0, 0, 0, 0, 1, 0, 1, 0, localTable ? 0x80 : 0);
		if (localTable) bytes.push(0, 0, 0, 255, 0, 0);
		// LZW minimum code size 2, one data sub-block, the terminator.
		bytes.push(2, 2, 0x44, 0x01, 0);
	}
	bytes.push(0x3b);
	return new Uint8Array(bytes);
}

describe('gifFrameCount', () => {
	it('counts frames', () => {
		expect(gifFrameCount(gif(1))).toBe(1);
		expect(gifFrameCount(gif(3), 10)).toBe(3);
		expect(gifFrameCount(gif(3, true), 10)).toBe(3);
	});

	it('stops counting early', () => {
		expect(gifFrameCount(gif(5))).toBe(2);
	});

	it('is 0 for anything but a GIF', () => {
		expect(gifFrameCount(new TextEncoder().encode('\x89PNG\r\n\x1a\n'))).toBe(0);
		expect(gifFrameCount(new Uint8Array())).toBe(0);
	});

	it('tolerates a cut-off file', () => {
		expect(gifFrameCount(gif(2).subarray(0, 60))).toBeLessThanOrEqual(2);
	});
});

describe('isAnimatedGif', () => {
	it('is true from two frames on', () => {
		expect(isAnimatedGif(gif(1))).toBe(false);
		expect(isAnimatedGif(gif(2))).toBe(true);
		expect(isAnimatedGif(gif(2, true))).toBe(true);
	});
});
