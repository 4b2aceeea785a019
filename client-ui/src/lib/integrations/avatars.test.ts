import { describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import { ApiError } from '$api/errors';
import { fakeXhrs } from '$lib/files/fake-xhr';
import { Files } from '$lib/files/files.svelte';
import { UploadAborted } from '$lib/files/upload';
import { imageNoun, imagePath, imageSpec } from '$lib/images/targets';
import { avatarError, removeAvatar, uploadAvatar, type AvatarTarget } from './avatars';

const BOT: AvatarTarget = { owner: 'bot', id: 'b1', slot: 'avatar' };
const WEBHOOK: AvatarTarget = { owner: 'webhook', id: 'w 1', slot: 'avatar' };

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
		calls.push(`${request.method} ${url.pathname}`);
		if (url.pathname === '/api/account/storage') {
			return json(200, { used_bytes: 10, max_file_size_bytes: 5000 });
		}
		if (request.method === 'DELETE' && url.pathname === '/api/bots/b1/avatar') {
			return new Response(null, { status: 204 });
		}
		return json(404, { code: 'not_found', message: 'it no longer exists' });
	});
	const tokens = {
		accessToken: async () => 'access',
		refreshAfterRejection: async () => null,
		sessionRejected: () => {}
	};
	const api = createApi({ baseUrl: 'https://chat.test', fetch, tokens });
	const xhrs = fakeXhrs();
	const files = new Files({ api, tokens, baseUrl: 'https://chat.test', createXhr: xhrs.createXhr });
	const image = new File([new Uint8Array([1, 2, 3])], 'bot.webp', { type: 'image/webp' });
	const sent = async () => {
		await vi.waitFor(() => expect(xhrs.sent.length).toBe(1));
		return xhrs.sent[0]!;
	};
	return { api, files, calls, image, sent };
}

describe('bot and webhook avatar slots', () => {
	it('have their addresses, a round square crop and the 5 MB limit', () => {
		expect(imagePath(BOT)).toBe('/api/bots/b1/avatar');
		expect(imagePath(WEBHOOK)).toBe('/api/webhooks/w%201/avatar');
		expect(imageSpec(WEBHOOK)).toEqual({
			aspect: 1,
			output: { width: 512, height: 512 },
			maxBytes: 5 * 1024 * 1024,
			round: true
		});
		expect(imageNoun(BOT)).toBe('avatar');
	});
});

describe('uploadAvatar', () => {
	it('PUTs the picture as the part "file" to the bot’s avatar, and takes the 204', async () => {
		const { files, image, sent } = setup();
		const progress: number[] = [];
		const handle = uploadAvatar(files, BOT, image, (p) => progress.push(p.loaded / p.total));
		const xhr = await sent();
		expect(xhr.method).toBe('PUT');
		expect(xhr.url).toBe('https://chat.test/api/bots/b1/avatar');
		expect(xhr.headers.Authorization).toBe('Bearer access');
		const part = xhr.body?.get('file') as File;
		expect(part.name).toBe('bot.webp');
		expect(part.type).toBe('image/webp');
		xhr.progress(1, 4);
		xhr.respond(204, '');
		await expect(handle.done).resolves.toBeNull();
		expect(progress).toEqual([0.25]);
	});

	it('addresses a webhook’s avatar', async () => {
		const { files, image, sent } = setup();
		uploadAvatar(files, WEBHOOK, image, () => {});
		const xhr = await sent();
		expect(xhr.method).toBe('PUT');
		expect(xhr.url).toBe('https://chat.test/api/webhooks/w%201/avatar');
	});

	it.each([
		[
			413,
			'file_too_large',
			'file',
			'The picture is too large: an avatar may be at most 5 MB.',
			BOT
		],
		[
			415,
			'unsupported_file_type',
			null,
			'This file is not an image the server takes. Use a PNG, JPEG, GIF or WebP image.',
			WEBHOOK
		],
		[400, 'invalid_input', 'file', 'This file is not a picture that can be read.', BOT],
		[404, 'not_found', null, 'This webhook no longer exists.', WEBHOOK],
		[404, 'not_found', null, 'This bot no longer exists.', BOT],
		[413, 'quota_exceeded', null, 'Storage quota exceeded', BOT]
	] as const)(
		'puts a %i %s refusal in plain words',
		async (status, code, field, sentence, target) => {
			const { files, image, sent } = setup();
			const handle = uploadAvatar(files, target, image, () => {});
			(await sent()).respond(status, { code, message: 'storage quota exceeded', field });
			const error = await handle.done.catch((e: unknown) => e);
			// A plain Error: the crop dialog shows its message as it is.
			expect(error).toBeInstanceOf(Error);
			expect(error).not.toBeInstanceOf(ApiError);
			expect((error as Error).message).toBe(sentence);
			expect((error as Error).cause).toMatchObject({ status, code });
		}
	);

	it('still rejects as cancelled when aborted', async () => {
		const { files, image, sent } = setup();
		const handle = uploadAvatar(files, BOT, image, () => {});
		const xhr = await sent();
		handle.abort();
		expect(xhr.aborted).toBe(true);
		await expect(handle.done).rejects.toBeInstanceOf(UploadAborted);
	});

	it('refuses a success that is not a 204', async () => {
		const { files, image, sent } = setup();
		const handle = uploadAvatar(files, BOT, image, () => {});
		(await sent()).respond(200, { id: 'x' });
		await expect(handle.done).rejects.toThrow(/unexpected error|problem/);
	});
});

describe('removeAvatar', () => {
	it('DELETEs the avatar', async () => {
		const { api, calls } = setup();
		await removeAvatar(api, BOT);
		expect(calls).toEqual(['DELETE /api/bots/b1/avatar']);
	});

	it('says when the webhook is gone', async () => {
		const { api, calls } = setup();
		await expect(removeAvatar(api, WEBHOOK)).rejects.toThrow('This webhook no longer exists.');
		expect(calls).toEqual(['DELETE /api/webhooks/w%201/avatar']);
	});
});

describe('avatarError', () => {
	it('says who may change the avatar when refused', () => {
		const forbidden = new ApiError(403, { code: 'forbidden', message: 'not allowed' });
		expect(avatarError(forbidden, BOT)).toBe('Only the bot’s owner can change its avatar.');
		expect(avatarError(forbidden, WEBHOOK)).toBe(
			'You can no longer manage the webhooks of this channel.'
		);
	});

	it('passes other failures on', () => {
		expect(avatarError(ApiError.network(), BOT)).toMatch(/Cannot reach the server/);
		expect(avatarError(new Error('Boom'), BOT)).toBe('Boom');
	});
});
