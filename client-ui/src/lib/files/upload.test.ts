import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '$api/errors';
import { fakeXhrs } from './fake-xhr';
import type { FileView } from './types';
import { UploadAborted, uploadFile } from './upload';

const STORED: FileView = {
	id: 'f1',
	name: 'cat.png',
	size: 4,
	content_type: 'image/png',
	kind: 'image',
	sha256: 'ab',
	width: 2,
	height: 2,
	thumbnail: false,
	created_at: '2026-05-01T12:00:00Z'
};

function setup(token: string | null = 'access-1') {
	const xhrs = fakeXhrs();
	const tokens = {
		accessToken: vi.fn(async () => token),
		refreshAfterRejection: vi.fn(async (_rejected: string): Promise<string | null> => 'access-2'),
		sessionRejected: vi.fn()
	};
	const progress: number[] = [];
	const file = new File(['\u0089PNG'], 'cat.png', { type: 'image/png' });
	const handle = uploadFile({
		url: 'https://chat.test/api/files',
		file,
		tokens,
		onprogress: (p) => progress.push(p.loaded / p.total),
		createXhr: xhrs.createXhr
	});
	const nth = async (index: number) => {
		await vi.waitFor(() => expect(xhrs.sent.length).toBeGreaterThan(index));
		return xhrs.sent[index]!;
	};
	return { handle, tokens, progress, nth, file };
}

describe('uploadFile', () => {
	it('posts the file as the multipart part "file" with the bearer token', async () => {
		const { handle, progress, nth, file } = setup();
		const xhr = await nth(0);
		expect(xhr.method).toBe('POST');
		expect(xhr.url).toBe('https://chat.test/api/files');
		expect(xhr.headers.Authorization).toBe('Bearer access-1');
		const part = xhr.body?.get('file') as File;
		expect(part.name).toBe('cat.png');
		expect(part.size).toBe(file.size);
		xhr.progress(50, 200);
		xhr.progress(200, 200);
		xhr.respond(201, STORED);
		await expect(handle.done).resolves.toEqual(STORED);
		expect(progress).toEqual([0.25, 1]);
	});

	it("turns the server's refusals into ApiError", async () => {
		const { handle, nth } = setup();
		(await nth(0)).respond(413, { code: 'quota_exceeded', message: 'storage quota exceeded' });
		const error = await handle.done.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({ status: 413, code: 'quota_exceeded' });
	});

	it('reads Retry-After on 429', async () => {
		const { handle, nth } = setup();
		(await nth(0)).respond(429, 'busy', { 'Retry-After': '3' });
		await expect(handle.done).rejects.toMatchObject({ status: 429, retryAfter: 3 });
	});

	it('refreshes the token once after invalid_token and sends again', async () => {
		const { handle, tokens, nth } = setup();
		(await nth(0)).respond(401, { code: 'invalid_token', message: 'expired' });
		const second = await nth(1);
		expect(tokens.refreshAfterRejection).toHaveBeenCalledWith('access-1');
		expect(second.headers.Authorization).toBe('Bearer access-2');
		second.respond(201, STORED);
		await expect(handle.done).resolves.toEqual(STORED);
		expect(tokens.sessionRejected).not.toHaveBeenCalled();
	});

	it('ends the session when the server says it is over', async () => {
		const { handle, tokens, nth } = setup();
		(await nth(0)).respond(401, { code: 'session_ended', message: 'signed out' });
		await expect(handle.done).rejects.toMatchObject({ code: 'session_ended' });
		expect(tokens.sessionRejected).toHaveBeenCalledTimes(1);
	});

	it('reports a network failure', async () => {
		const { handle, nth } = setup();
		(await nth(0)).fail();
		await expect(handle.done).rejects.toMatchObject({ code: 'network' });
	});

	it('rejects an answer that is not a file', async () => {
		const { handle, nth } = setup();
		(await nth(0)).respond(201, '<html>');
		await expect(handle.done).rejects.toBeInstanceOf(ApiError);
	});

	it('aborts a running upload', async () => {
		const { handle, nth } = setup();
		const xhr = await nth(0);
		handle.abort();
		expect(xhr.aborted).toBe(true);
		await expect(handle.done).rejects.toBeInstanceOf(UploadAborted);
	});

	it('aborts before the request went out', async () => {
		const { handle } = setup();
		handle.abort();
		await expect(handle.done).rejects.toBeInstanceOf(UploadAborted);
	});
});
