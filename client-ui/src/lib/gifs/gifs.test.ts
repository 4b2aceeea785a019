import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$api/errors';
import { debounce, gifErrorMessage, gifImageUrl, gifQuery, gridMove } from './gifs';

describe('gifImageUrl', () => {
	it('draws a message that is only a Giphy CDN link', () => {
		expect(gifImageUrl('https://media.giphy.com/media/abc123/giphy.gif')).toBe(
			'https://media.giphy.com/media/abc123/giphy.gif'
		);
		expect(gifImageUrl('  https://i.giphy.com/abc123.webp\n')).toBe(
			'https://i.giphy.com/abc123.webp'
		);
		expect(gifImageUrl('https://media.giphy.com/media/x/giphy.gif?cid=1&rid=giphy.gif')).toBe(
			'https://media.giphy.com/media/x/giphy.gif?cid=1&rid=giphy.gif'
		);
	});

	it('leaves everything else as text', () => {
		for (const content of [
			'http://media.giphy.com/media/abc/giphy.gif',
			'https://example.com/cat.gif',
			'https://media.giphy.com.evil.example/cat.gif',
			'https://evil.example/?https://media.giphy.com/a.gif',
			'https://user:pw@media.giphy.com/a.gif',
			'https://media.giphy.com:8443/a.gif',
			'https://media.giphy.com/',
			'https://media.giphy.com',
			'look https://media.giphy.com/media/abc/giphy.gif',
			'https://media.giphy.com/media/abc/giphy.gif and more',
			'[x](https://media.giphy.com/media/abc/giphy.gif)',
			'javascript:alert(1)//media.giphy.com/a.gif',
			''
		]) {
			expect(gifImageUrl(content), content).toBeNull();
		}
	});

	it('escapes what the URL parser keeps', () => {
		expect(gifImageUrl('https://media.giphy.com/a<b>.gif')).toBe(
			'https://media.giphy.com/a%3Cb%3E.gif'
		);
		expect(gifImageUrl('https://media.giphy.com/a.gif"onerror="x')).toBe(
			'https://media.giphy.com/a.gif%22onerror=%22x'
		);
	});
});

describe('gifQuery', () => {
	it('trims and caps the search', () => {
		expect(gifQuery('  cats  ')).toBe('cats');
		expect(gifQuery('   ')).toBe('');
		expect(gifQuery('x'.repeat(150))).toHaveLength(100);
	});
});

describe('gifErrorMessage', () => {
	it('explains rate limits and outages', () => {
		expect(
			gifErrorMessage(new ApiError(429, { code: 'rate_limited', message: 'slow', retry_after: 7 }))
		).toBe('Too many searches, try again in 7 s.');
		expect(gifErrorMessage(new ApiError(503, { code: 'gifs_unavailable', message: 'x' }))).toBe(
			'GIF search is not answering. Try again later.'
		);
		expect(gifErrorMessage(new ApiError(404, { code: 'gifs_disabled', message: 'x' }))).toMatch(
			/turned off/
		);
		expect(gifErrorMessage(new ApiError(400, { code: 'bad', message: 'too long' }))).toBe(
			'Too long'
		);
	});
});

describe('gridMove', () => {
	it('moves by one and by a row, staying inside', () => {
		expect(gridMove('ArrowRight', 0, 10, 3)).toBe(1);
		expect(gridMove('ArrowDown', 1, 10, 3)).toBe(4);
		expect(gridMove('ArrowDown', 8, 10, 3)).toBe(9);
		expect(gridMove('ArrowLeft', 0, 10, 3)).toBe(0);
		expect(gridMove('End', 0, 10, 3)).toBe(9);
		expect(gridMove('a', 0, 10, 3)).toBeNull();
		expect(gridMove('ArrowDown', 0, 0, 3)).toBeNull();
	});
});

describe('debounce', () => {
	afterEach(() => vi.useRealTimers());

	it('runs once after the pause, with the last arguments', () => {
		vi.useFakeTimers();
		const run = vi.fn();
		const d = debounce(run, 300);
		d.call('c');
		vi.advanceTimersByTime(200);
		d.call('ca');
		vi.advanceTimersByTime(299);
		expect(run).not.toHaveBeenCalled();
		vi.advanceTimersByTime(1);
		expect(run).toHaveBeenCalledExactlyOnceWith('ca');
		d.call('cat');
		d.cancel();
		vi.advanceTimersByTime(500);
		expect(run).toHaveBeenCalledTimes(1);
	});
});
