import { describe, expect, it } from 'vitest';
import { outputFormat, outputName } from './encode';
import {
	imageFileProblem,
	imageNoun,
	imagePath,
	imageSpec,
	MAX_SOURCE_BYTES,
	uploadSizeProblem
} from './targets';

describe('image slots', () => {
	it('have their addresses', () => {
		expect(imagePath({ owner: 'user', slot: 'avatar' })).toBe('/api/account/avatar');
		expect(imagePath({ owner: 'user', slot: 'banner' })).toBe('/api/account/banner');
		expect(imagePath({ owner: 'community', id: 'c 1', slot: 'icon' })).toBe(
			'/api/communities/c%201/icon'
		);
		expect(imagePath({ owner: 'group', id: 'g1', slot: 'banner' })).toBe('/api/groups/g1/banner');
	});

	it('are square (avatars round) or 3:1, with their sizes and limits', () => {
		expect(imageSpec({ owner: 'user', slot: 'avatar' })).toEqual({
			aspect: 1,
			output: { width: 512, height: 512 },
			maxBytes: 5 * 1024 * 1024,
			round: true
		});
		expect(imageSpec({ owner: 'community', id: 'c', slot: 'icon' }).round).toBe(false);
		expect(imageSpec({ owner: 'group', id: 'g', slot: 'banner' })).toEqual({
			aspect: 3,
			output: { width: 1500, height: 500 },
			maxBytes: 10 * 1024 * 1024,
			round: false
		});
	});

	it('are named for people', () => {
		expect(imageNoun({ owner: 'user', slot: 'banner' })).toBe('profile banner');
		expect(imageNoun({ owner: 'community', id: 'c', slot: 'icon' })).toBe('community icon');
	});
});

describe('imageFileProblem', () => {
	it('takes PNG, JPEG, GIF and WebP', () => {
		for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp']) {
			expect(imageFileProblem({ size: 1000, type })).toBeNull();
		}
	});

	it('refuses other types, empty files and huge pictures', () => {
		expect(imageFileProblem({ size: 1000, type: 'image/svg+xml' })).toBe(
			'Use a PNG, JPEG, GIF or WebP image.'
		);
		expect(imageFileProblem({ size: 0, type: 'image/png' })).toBe('The file is empty.');
		expect(imageFileProblem({ size: MAX_SOURCE_BYTES + 1, type: 'image/jpeg' })).toBe(
			'The image is larger than 40 MB.'
		);
	});

	it('leaves the upload limit to what is uploaded (a large photo crops small)', () => {
		const avatar = imageSpec({ owner: 'user', slot: 'avatar' });
		expect(imageFileProblem({ size: 8 * 1024 * 1024, type: 'image/jpeg' })).toBeNull();
		expect(uploadSizeProblem(8 * 1024 * 1024, avatar)).toBe('The image is larger than 5 MB.');
		expect(uploadSizeProblem(5 * 1024 * 1024, avatar)).toBeNull();
	});
});

describe('output format', () => {
	it('keeps photos JPEG and makes the rest WebP', () => {
		expect(outputFormat('image/jpeg').type).toBe('image/jpeg');
		expect(outputFormat('image/png').type).toBe('image/webp');
		expect(outputFormat('image/gif').type).toBe('image/webp');
	});

	it('names the file after the original with the new extension', () => {
		expect(outputName('holiday photo.jpeg', 'image/jpeg')).toBe('holiday photo.jpg');
		expect(outputName('logo.png', 'image/webp')).toBe('logo.webp');
		expect(outputName('logo.png', 'image/png')).toBe('logo.png');
		expect(outputName('.png', 'image/webp')).toBe('image.webp');
	});
});
