/**
 * Turns the cropped region into the file to upload, through a canvas. Photos (JPEG)
 * stay JPEG; anything else becomes WebP, which keeps transparency and stays small,
 * or PNG where the browser cannot write WebP.
 */
import type { Rect, Size } from './crop';

export interface OutputFormat {
	type: 'image/jpeg' | 'image/webp' | 'image/png';
	quality?: number;
}

export function outputFormat(inputType: string): OutputFormat {
	return inputType === 'image/jpeg'
		? { type: 'image/jpeg', quality: 0.9 }
		: { type: 'image/webp', quality: 0.92 };
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/png': 'png'
};

/** `photo.heic.jpeg` cropped to WebP → `photo.heic.webp`. */
export function outputName(inputName: string, type: string): string {
	const base = inputName.replace(/\.[^.]*$/, '') || 'image';
	return `${base}.${EXTENSIONS[type] ?? 'png'}`;
}

/** Draws `region` of `source` at `size` and encodes it. */
export async function encodeCrop(
	source: CanvasImageSource,
	region: Rect,
	size: Size,
	format: OutputFormat
): Promise<Blob> {
	const canvas = document.createElement('canvas');
	canvas.width = size.width;
	canvas.height = size.height;
	const context = canvas.getContext('2d');
	if (!context) throw new Error('This browser cannot draw images.');
	context.imageSmoothingEnabled = true;
	context.imageSmoothingQuality = 'high';
	if (format.type === 'image/jpeg') {
		// JPEG has no transparency: a transparent edge would turn black.
		context.fillStyle = '#fff';
		context.fillRect(0, 0, size.width, size.height);
	}
	context.drawImage(
		source,
		region.x,
		region.y,
		region.width,
		region.height,
		0,
		0,
		size.width,
		size.height
	);
	const blob = await new Promise<Blob | null>((done) =>
		canvas.toBlob(done, format.type, format.quality)
	);
	if (!blob) throw new Error('The image could not be encoded.');
	// Browsers without a WebP encoder answer with a PNG, which the server takes too.
	return blob;
}
