import { describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import { fakeXhrs } from './fake-xhr';
import { Files } from './files.svelte';

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

function setup() {
	const calls: string[] = [];
	const fetch = vi.fn(async (request: Request) => {
		const url = new URL(request.url);
		calls.push(`${request.method} ${url.pathname} ${request.headers.get('authorization')}`);
		if (url.pathname === '/api/account/media-token') {
			return json(200, { token: 'media.t1', expires_at: '2099-01-01T00:00:00Z' });
		}
		if (url.pathname === '/api/account/storage') {
			return json(200, { used_bytes: 1000, quota_bytes: 10_000, max_file_size_bytes: 5000 });
		}
		return new Response(null, { status: 204 });
	});
	const tokens = {
		accessToken: async () => 'access',
		refreshAfterRejection: async () => null,
		sessionRejected: () => {}
	};
	const api = createApi({ baseUrl: 'https://chat.test', fetch, tokens });
	const xhrs = fakeXhrs();
	const files = new Files({
		api,
		tokens,
		baseUrl: 'https://chat.test/',
		createXhr: xhrs.createXhr
	});
	return { files, calls, xhrs };
}

describe('Files', () => {
	it('loads the media token and storage usage at start, with the bearer token', async () => {
		const { files, calls } = setup();
		files.start();
		await vi.waitFor(() => expect(files.usage).not.toBeNull());
		await vi.waitFor(() => expect(files.media.current).not.toBeNull());
		expect(calls.sort()).toEqual([
			'GET /api/account/media-token Bearer access',
			'GET /api/account/storage Bearer access'
		]);
		expect(files.maxFileSize).toBe(5000);
		expect(files.fileUrl('f1')).toBe('https://chat.test/api/files/f1?token=media.t1');
		expect(files.downloadUrl('f1')).toBe(
			'https://chat.test/api/files/f1?token=media.t1&download=true'
		);
		expect(files.thumbnailUrl('f1')).toBe(
			'https://chat.test/api/files/f1/thumbnail?token=media.t1'
		);
		files.stop();
	});

	it('uploads to the server and counts the file in the usage', async () => {
		const { files, xhrs } = setup();
		await files.loadUsage();
		const handle = files.upload(new File(['hello'], 'a.txt'), () => {});
		await vi.waitFor(() => expect(xhrs.sent).toHaveLength(1));
		expect(xhrs.sent[0]!.url).toBe('https://chat.test/api/files');
		xhrs.sent[0]!.respond(201, {
			id: 'f1',
			name: 'a.txt',
			size: 500,
			content_type: 'text/plain',
			kind: 'file',
			sha256: '',
			thumbnail: false,
			created_at: '2026-05-01T12:00:00Z'
		});
		await handle.done;
		await vi.waitFor(() => expect(files.usage?.used_bytes).toBe(1500));
	});

	it('deletes a file', async () => {
		const { files, calls } = setup();
		await files.loadUsage();
		await files.remove('f1', 400);
		expect(calls).toContain('DELETE /api/files/f1 Bearer access');
		expect(files.usage?.used_bytes).toBe(600);
	});
});
