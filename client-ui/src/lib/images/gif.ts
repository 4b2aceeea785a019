/**
 * Whether a GIF is animated: a canvas keeps only its first frame, so animated GIFs go up
 * as they are instead of through the cropper. Walks the GIF's blocks (GIF89a spec) and
 * counts image descriptors; stops at the second one.
 */

const IMAGE = 0x2c;
const EXTENSION = 0x21;
const TRAILER = 0x3b;

/** Skips a run of data sub-blocks (length byte, bytes…, ended by a zero length). */
function skipSubBlocks(bytes: Uint8Array, at: number): number {
	let i = at;
	while (i < bytes.length) {
		const length = bytes[i]!;
		i += 1;
		if (length === 0) return i;
		i += length;
	}
	return i;
}

/** The number of frames, counting at most `stopAt`; 0 when the bytes are not a GIF. */
export function gifFrameCount(bytes: Uint8Array, stopAt = 2): number {
	const header = String.fromCharCode(...bytes.subarray(0, 6));
	if (header !== 'GIF87a' && header !== 'GIF89a') return 0;
	if (bytes.length < 13) return 0;
	const flags = bytes[10]!;
	let i = 13;
	// Global colour table: 3 × 2^(size + 1) bytes.
	if (flags & 0x80) i += 3 * 2 ** ((flags & 0x07) + 1);
	let frames = 0;
	while (i < bytes.length && frames < stopAt) {
		const block = bytes[i]!;
		if (block === IMAGE) {
			frames += 1;
			const local = bytes[i + 9] ?? 0;
			i += 10;
			if (local & 0x80) i += 3 * 2 ** ((local & 0x07) + 1);
			// The LZW minimum code size, then the image data.
			i = skipSubBlocks(bytes, i + 1);
		} else if (block === EXTENSION) {
			i = skipSubBlocks(bytes, i + 2);
		} else if (block === TRAILER) {
			break;
		} else {
			// Damaged: what was read so far is all there is.
			break;
		}
	}
	return frames;
}

export function isAnimatedGif(bytes: Uint8Array): boolean {
	return gifFrameCount(bytes, 2) > 1;
}
