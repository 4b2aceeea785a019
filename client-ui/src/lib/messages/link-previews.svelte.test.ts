import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '$api/errors';
import type { LinkPreview } from './link-previews';
import { LinkPreviewCache } from './link-previews.svelte';

function preview(url: string): LinkPreview {
	return { url, title: `Title of ${url}`, description: null, site_name: null, image_url: null };
}

/** A fetch whose answers the test gives, one per call. */
function controlledFetch() {
	const calls: { id: string; resolve: (v: LinkPreview[]) => void; reject: (e: unknown) => void }[] =
		[];
	const fetch = vi.fn(
		(id: string) =>
			new Promise<LinkPreview[]>((resolve, reject) => calls.push({ id, resolve, reject }))
	);
	return { fetch, calls };
}

describe('LinkPreviewCache', () => {
	it('fetches a message once and keeps its previews', async () => {
		const { fetch, calls } = controlledFetch();
		const cache = new LinkPreviewCache({ fetch });
		const loading = cache.load('m1', 'https://a.example');
		void cache.load('m1', 'https://a.example');
		expect(fetch).toHaveBeenCalledTimes(1);
		expect(cache.get('m1', 'https://a.example')).toBeUndefined();
		calls[0]!.resolve([preview('https://a.example/')]);
		await loading;
		expect(cache.get('m1', 'https://a.example')).toEqual([preview('https://a.example/')]);
		await cache.load('m1', 'https://a.example');
		expect(fetch).toHaveBeenCalledTimes(1);
	});

	it('fetches again after an edit, and drops an answer for the old text', async () => {
		const { fetch, calls } = controlledFetch();
		const cache = new LinkPreviewCache({ fetch });
		const first = cache.load('m1', 'https://a.example');
		const second = cache.load('m1', 'https://b.example');
		expect(fetch).toHaveBeenCalledTimes(2);
		calls[1]!.resolve([preview('https://b.example/')]);
		calls[0]!.resolve([preview('https://a.example/')]);
		await Promise.all([first, second]);
		expect(cache.get('m1', 'https://a.example')).toBeUndefined();
		expect(cache.get('m1', 'https://b.example')).toEqual([preview('https://b.example/')]);
	});

	it('holds every fetch for Retry-After after a 429, then tries again', async () => {
		let now = 1_000;
		const fetch = vi.fn(async (): Promise<LinkPreview[]> => {
			throw new ApiError(429, { code: 'rate_limited', message: 'slow down', retry_after: 30 });
		});
		const cache = new LinkPreviewCache({ fetch, now: () => now });
		await cache.load('m1', 'https://a.example');
		expect(cache.get('m1', 'https://a.example')).toBeUndefined();
		await cache.load('m1', 'https://a.example');
		await cache.load('m2', 'https://b.example');
		expect(fetch).toHaveBeenCalledTimes(1);
		now += 30_000;
		fetch.mockResolvedValueOnce([]);
		await cache.load('m2', 'https://b.example');
		expect(fetch).toHaveBeenCalledTimes(2);
		expect(cache.get('m2', 'https://b.example')).toEqual([]);
	});

	it('remembers a refusal as no previews, but not a lost network', async () => {
		const fetch = vi
			.fn<(id: string) => Promise<LinkPreview[]>>()
			.mockRejectedValueOnce(new ApiError(404, { code: 'not_found', message: 'gone' }))
			.mockRejectedValueOnce(ApiError.network())
			.mockResolvedValueOnce([preview('https://b.example/')]);
		const cache = new LinkPreviewCache({ fetch });
		await cache.load('m1', 'https://a.example');
		expect(cache.get('m1', 'https://a.example')).toEqual([]);
		await cache.load('m1', 'https://a.example');
		expect(fetch).toHaveBeenCalledTimes(1);
		await cache.load('m2', 'https://b.example');
		expect(cache.get('m2', 'https://b.example')).toBeUndefined();
		await cache.load('m2', 'https://b.example');
		expect(cache.get('m2', 'https://b.example')).toEqual([preview('https://b.example/')]);
	});

	it('keeps the messages asked for most recently, and forgets all on clear', async () => {
		const fetch = vi.fn(async (id: string) => [preview(`https://${id}.example/`)]);
		const cache = new LinkPreviewCache({ fetch, size: 2 });
		await cache.load('m1', 'x');
		await cache.load('m2', 'x');
		await cache.load('m3', 'x');
		expect(cache.get('m1', 'x')).toBeUndefined();
		expect(cache.get('m2', 'x')).toBeDefined();
		expect(cache.get('m3', 'x')).toBeDefined();
		cache.clear();
		expect(cache.get('m3', 'x')).toBeUndefined();
	});
});
