/** Pictures made in the tests (no image library needed): PNGs (RGBA, unfiltered rows), GIFs. */
import { deflateSync } from 'node:zlib';
import type { Locator, Page } from '@playwright/test';

function crc32(bytes: Uint8Array): number {
	let crc = ~0;
	for (const byte of bytes) {
		crc ^= byte;
		for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
	}
	return ~crc >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
	return Buffer.concat([head, data, crc]);
}

type Rgba = [number, number, number, number];

/** A `width`×`height` PNG whose pixel at (x, y) is `pixel(x, y)`. */
export function png(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bit depth
	header[9] = 6; // RGBA
	const rows = Buffer.alloc(height * (1 + width * 4));
	let i = 0;
	for (let y = 0; y < height; y++) {
		rows[i++] = 0; // no filter
		for (let x = 0; x < width; x++) {
			for (const value of pixel(x, y)) rows[i++] = value;
		}
	}
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(rows)),
		chunk('IEND', new Uint8Array())
	]);
}

/** A `size`×`size` PNG: a filled circle of `rgb` on transparency. */
export function circlePng(size: number, rgb: [number, number, number]): Buffer {
	const r = size / 2;
	return png(size, size, (x, y) => {
		const inside = (x + 0.5 - r) ** 2 + (y + 0.5 - r) ** 2 <= r * r;
		return [...rgb, inside ? 255 : 0];
	});
}

/** Four coloured quarters, so a crop shows which part was kept. */
export function quartersPng(width: number, height: number): Buffer {
	return png(width, height, (x, y) => {
		const left = x < width / 2;
		const top = y < height / 2;
		if (top) return left ? [220, 60, 60, 255] : [60, 160, 80, 255];
		return left ? [60, 90, 220, 255] : [240, 200, 40, 255];
	});
}

/** A 1×1 GIF89a with `frames` frames of 10 ms each, looping (animated from two frames). */
export function gif(frames: number): Buffer {
	const bytes: number[] = [
		...Buffer.from('GIF89a'),
		...[1, 0, 1, 0], // 1×1
		0x80, // a global colour table of two entries
		0,
		0,
		...[255, 0, 0, 0, 0, 255],
		// NETSCAPE2.0: loop forever.
		...[0x21, 0xff, 11, ...Buffer.from('NETSCAPE2.0'), 3, 1, 0, 0, 0]
	];
	for (let n = 0; n < frames; n++) {
		// A graphic control extension (10 ms), the image descriptor, then its LZW data.
		bytes.push(0x21, 0xf9, 4, 0, 1, 0, 0, 0);
		bytes.push(0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0);
		bytes.push(2, 2, n % 2 ? 0x4c : 0x44, 0x01, 0);
	}
	bytes.push(0x3b);
	return Buffer.from(bytes);
}

/** The pixel width an image element loaded (0 until it has real pixels). */
export function naturalWidth(image: Locator) {
	return image.evaluate((element) => {
		const img = element as HTMLImageElement;
		return img.complete ? img.naturalWidth : 0;
	});
}

/**
 * The pixel size of the picture at `url` (a file's content URL), as `page` decodes it. A
 * file's `/thumbnail` URL is no measure of what was uploaded: it serves the upload until the
 * server's background thumbnail (up to 400×400, small pictures enlarged) is ready.
 */
export function pictureSize(page: Page, url: string) {
	return page.evaluate(async (url) => {
		const response = await fetch(url);
		if (!response.ok) throw new Error(`${url}: ${response.status}`);
		const bitmap = await createImageBitmap(await response.blob());
		const size = { width: bitmap.width, height: bitmap.height };
		bitmap.close();
		return size;
	}, url);
}
