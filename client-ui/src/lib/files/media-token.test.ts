import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
	MediaTokens,
	MIN_REFRESH_MS,
	REFRESH_MARGIN_MS,
	mediaUrl,
	refreshDelay
} from './media-token.svelte';
import type { MediaToken } from './types';

const HOUR = 3_600_000;

describe('mediaUrl', () => {
	it('builds content and thumbnail URLs on the server with the token', () => {
		expect(mediaUrl('https://chat.example.org', 'f1', 'abc')).toBe(
			'https://chat.example.org/api/files/f1?token=abc'
		);
		expect(mediaUrl('https://chat.example.org/', 'f1', 'abc', 'thumbnail')).toBe(
			'https://chat.example.org/api/files/f1/thumbnail?token=abc'
		);
		expect(mediaUrl('https://chat.example.org', 'f1', 'abc', 'download')).toBe(
			'https://chat.example.org/api/files/f1?token=abc&download=true'
		);
	});

	it('encodes the ID and the token', () => {
		expect(mediaUrl('http://h', 'a/b', 'x+y=z&')).toBe(
			'http://h/api/files/a%2Fb?token=x%2By%3Dz%26'
		);
	});
});

describe('refreshDelay', () => {
	const now = Date.parse('2026-05-01T12:00:00Z');

	it('refreshes a few minutes before expiry', () => {
		expect(refreshDelay('2026-05-01T18:00:00Z', now)).toBe(6 * HOUR - REFRESH_MARGIN_MS);
	});

	it('never loops faster than the minimum, even for an expired or odd token', () => {
		expect(refreshDelay('2026-05-01T12:01:00Z', now)).toBe(MIN_REFRESH_MS);
		expect(refreshDelay('2020-01-01T00:00:00Z', now)).toBe(MIN_REFRESH_MS);
		expect(refreshDelay('not a date', now)).toBe(MIN_REFRESH_MS);
	});
});

describe('MediaTokens', () => {
	let clock = Date.parse('2026-05-01T12:00:00Z');
	const token = (text: string, hoursLeft: number): MediaToken => ({
		token: text,
		expires_at: new Date(clock + hoursLeft * HOUR).toISOString()
	});

	beforeEach(() => {
		vi.useFakeTimers();
		clock = Date.parse('2026-05-01T12:00:00Z');
		vi.setSystemTime(clock);
	});

	afterEach(() => {
		vi.useRealTimers();
	});

	function store(answers: (MediaToken | Error)[]) {
		const fetchToken = vi.fn(async () => {
			const next = answers.shift();
			if (!next || next instanceof Error) throw next ?? new Error('no more tokens');
			return next;
		});
		const tokens = new MediaTokens({ fetchToken, baseUrl: 'https://chat.test', now: () => clock });
		return { tokens, fetchToken };
	}

	it('has no URLs until the first token arrives, then builds them', async () => {
		const { tokens, fetchToken } = store([token('t1', 6)]);
		expect(tokens.fileUrl('f1')).toBeNull();
		tokens.start();
		await vi.waitFor(() => expect(tokens.current?.token).toBe('t1'));
		expect(fetchToken).toHaveBeenCalledTimes(1);
		expect(tokens.fileUrl('f1')).toBe('https://chat.test/api/files/f1?token=t1');
		expect(tokens.thumbnailUrl('f1')).toBe('https://chat.test/api/files/f1/thumbnail?token=t1');
		tokens.stop();
		expect(tokens.fileUrl('f1')).toBeNull();
	});

	it('fetches the next token a few minutes before expiry', async () => {
		const { tokens, fetchToken } = store([token('t1', 6), token('t2', 12)]);
		tokens.start();
		await vi.waitFor(() => expect(tokens.current?.token).toBe('t1'));
		clock += 6 * HOUR - REFRESH_MARGIN_MS - 1000;
		await vi.advanceTimersByTimeAsync(6 * HOUR - REFRESH_MARGIN_MS - 1000);
		expect(fetchToken).toHaveBeenCalledTimes(1);
		clock += 1000;
		await vi.advanceTimersByTimeAsync(1000);
		expect(fetchToken).toHaveBeenCalledTimes(2);
		expect(tokens.current?.token).toBe('t2');
		tokens.stop();
	});

	it('keeps the same object when the server answers the same token', async () => {
		const first = token('t1', 6);
		const { tokens } = store([first, { ...first }]);
		tokens.start();
		await vi.waitFor(() => expect(tokens.current).toBe(first));
		await tokens.refresh();
		expect(tokens.current).toBe(first);
		tokens.stop();
	});

	it('retries shortly after a failure and keeps the old token meanwhile', async () => {
		const { tokens, fetchToken } = store([new Error('offline'), token('t1', 6)]);
		tokens.start();
		await vi.waitFor(() => expect(fetchToken).toHaveBeenCalledTimes(1));
		expect(tokens.current).toBeNull();
		await vi.advanceTimersByTimeAsync(MIN_REFRESH_MS);
		expect(fetchToken).toHaveBeenCalledTimes(2);
		expect(tokens.current?.token).toBe('t1');
		tokens.stop();
	});

	it('refreshes at once when woken with an expiring token, and after failed loads', async () => {
		const { tokens, fetchToken } = store([token('t1', 6), token('t2', 12), token('t3', 12)]);
		tokens.start();
		await vi.waitFor(() => expect(tokens.current?.token).toBe('t1'));
		// Fresh enough: nothing to do.
		tokens.ensureFresh();
		expect(fetchToken).toHaveBeenCalledTimes(1);
		// A laptop that slept past the refresh (its timer had not fired yet).
		clock += 6 * HOUR;
		tokens.ensureFresh();
		await vi.waitFor(() => expect(tokens.current?.token).toBe('t2'));
		// An image failed: one new fetch, then none for a while however many fail.
		tokens.failed();
		tokens.failed();
		expect(fetchToken).toHaveBeenCalledTimes(2);
		clock += MIN_REFRESH_MS;
		tokens.failed();
		tokens.failed();
		await vi.waitFor(() => expect(tokens.current?.token).toBe('t3'));
		expect(fetchToken).toHaveBeenCalledTimes(3);
		tokens.stop();
	});

	it('refreshes when the page becomes visible again', async () => {
		const { tokens, fetchToken } = store([token('t1', 6), token('t2', 12)]);
		tokens.start();
		await vi.waitFor(() => expect(tokens.current?.token).toBe('t1'));
		clock += 6 * HOUR;
		document.dispatchEvent(new Event('visibilitychange'));
		await vi.waitFor(() => expect(tokens.current?.token).toBe('t2'));
		expect(fetchToken).toHaveBeenCalledTimes(2);
		tokens.stop();
	});

	it('stops refreshing once stopped', async () => {
		const { tokens, fetchToken } = store([token('t1', 1), token('t2', 1)]);
		tokens.start();
		await vi.waitFor(() => expect(tokens.current?.token).toBe('t1'));
		tokens.stop();
		await vi.advanceTimersByTimeAsync(2 * HOUR);
		expect(fetchToken).toHaveBeenCalledTimes(1);
	});
});
