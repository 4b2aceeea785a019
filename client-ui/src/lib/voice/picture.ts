/**
 * Pictures of the others' cameras and screens from the desktop app's native engine
 * (src-tauri/src/call/video.rs): a 16-byte header (number u64, width and height u32,
 * little-endian), then the I420 planes Y, U and V. Drawn on a canvas as RGBA.
 */

export const HEADER_BYTES = 16;

export interface Picture {
	/** Grows with every picture: ask for the next one after it. */
	number: number;
	width: number;
	height: number;
	y: Uint8Array;
	u: Uint8Array;
	v: Uint8Array;
}

/** Reads a picture; null for an empty answer (none came) or bytes of the wrong size. */
export function readPicture(buffer: ArrayBuffer): Picture | null {
	if (buffer.byteLength < HEADER_BYTES) return null;
	const view = new DataView(buffer);
	const number = Number(view.getBigUint64(0, true));
	const width = view.getUint32(8, true);
	const height = view.getUint32(12, true);
	const luma = width * height;
	const chroma = Math.ceil(width / 2) * Math.ceil(height / 2);
	if (width === 0 || height === 0 || buffer.byteLength !== HEADER_BYTES + luma + 2 * chroma)
		return null;
	return {
		number,
		width,
		height,
		y: new Uint8Array(buffer, HEADER_BYTES, luma),
		u: new Uint8Array(buffer, HEADER_BYTES + luma, chroma),
		v: new Uint8Array(buffer, HEADER_BYTES + luma + chroma, chroma)
	};
}

const clamp = (x: number) => (x < 0 ? 0 : x > 255 ? 255 : x);

/**
 * Converts a picture to RGBA in `out` (`width × height × 4` bytes), BT.601 limited
 * range as VP8 and browsers' cameras use.
 */
export function toRgba(picture: Picture, out: Uint8ClampedArray): void {
	const { width, height, y, u, v } = picture;
	const chromaWidth = Math.ceil(width / 2);
	for (let row = 0; row < height; row++) {
		const chromaRow = (row >> 1) * chromaWidth;
		for (let col = 0; col < width; col++) {
			const c = 1.164 * (y[row * width + col]! - 16);
			const d = u[chromaRow + (col >> 1)]! - 128;
			const e = v[chromaRow + (col >> 1)]! - 128;
			const at = (row * width + col) * 4;
			out[at] = clamp(c + 1.596 * e);
			out[at + 1] = clamp(c - 0.392 * d - 0.813 * e);
			out[at + 2] = clamp(c + 2.017 * d);
			out[at + 3] = 255;
		}
	}
}
