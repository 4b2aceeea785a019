import { describe, expect, it, vi } from 'vitest';
import { createApi, type UserProfile } from '$api/client';
import { ApiError } from '$api/errors';
import { fakeXhrs } from '$lib/files/fake-xhr';
import { Files } from '$lib/files/files.svelte';
import { removeImage, setImage } from './slots';

const PROFILE: UserProfile = {
	id: 'u1',
	username: 'ann',
	display_name: 'Ann',
	avatar_file_id: 'f-avatar',
	instance_role: 'user',
	has_password: true,
	read_receipts: true,
	show_last_seen: true,
	two_factor_enabled: false,
	created_at: '2026-01-01T00:00:00Z'
};

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
		if (request.method === 'DELETE' && url.pathname === '/api/communities/c1/banner') {
			return json(200, { id: 'c1', name: 'C', banner_file_id: null });
		}
		if (request.method === 'DELETE' && url.pathname === '/api/account/avatar') {
			return json(200, { ...PROFILE, avatar_file_id: null });
		}
		return json(404, { code: 'not_found', message: 'no such thing' });
	});
	const tokens = {
		accessToken: async () => 'access',
		refreshAfterRejection: async () => null,
		sessionRejected: () => {}
	};
	const api = createApi({ baseUrl: 'https://chat.test', fetch, tokens });
	const xhrs = fakeXhrs();
	const files = new Files({ api, tokens, baseUrl: 'https://chat.test', createXhr: xhrs.createXhr });
	const image = new File([new Uint8Array([1, 2, 3])], 'me.webp', { type: 'image/webp' });
	const sent = async () => {
		await vi.waitFor(() => expect(xhrs.sent.length).toBe(1));
		return xhrs.sent[0]!;
	};
	return { api, files, calls, image, sent };
}

describe('setImage', () => {
	it('PUTs the picture as the part "file" with progress, and answers the new profile', async () => {
		const { files, image, sent, calls } = setup();
		const progress: number[] = [];
		const handle = setImage(files, { owner: 'user', slot: 'avatar' }, image, (p) =>
			progress.push(p.loaded / p.total)
		);
		const xhr = await sent();
		expect(xhr.method).toBe('PUT');
		expect(xhr.url).toBe('https://chat.test/api/account/avatar');
		expect(xhr.headers.Authorization).toBe('Bearer access');
		expect((xhr.body?.get('file') as File).name).toBe('me.webp');
		xhr.progress(1, 2);
		xhr.respond(200, PROFILE);
		await expect(handle.done).resolves.toEqual(PROFILE);
		expect(progress).toEqual([0.5]);
		// The old picture's bytes were freed: usage is read again.
		await vi.waitFor(() => expect(calls).toContain('GET /api/account/storage'));
	});

	it("addresses communities' and groups' slots", async () => {
		const { files, image, sent } = setup();
		setImage(files, { owner: 'group', id: 'g1', slot: 'icon' }, image, () => {});
		expect((await sent()).url).toBe('https://chat.test/api/groups/g1/icon');
	});

	it("rejects with the server's refusal", async () => {
		const { files, image, sent } = setup();
		const handle = setImage(files, { owner: 'community', id: 'c1', slot: 'icon' }, image, () => {});
		(await sent()).respond(413, { code: 'quota_exceeded', message: 'storage quota exceeded' });
		const error = await handle.done.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(ApiError);
		expect(error).toMatchObject({ status: 413, code: 'quota_exceeded' });
	});

	it('refuses an answer without an ID', async () => {
		const { files, image, sent } = setup();
		const handle = setImage(files, { owner: 'user', slot: 'banner' }, image, () => {});
		(await sent()).respond(200, { nothing: true });
		await expect(handle.done).rejects.toMatchObject({ status: 502 });
	});
});

describe('removeImage', () => {
	it('DELETEs the slot and answers the new view', async () => {
		const { api, calls } = setup();
		const profile = await removeImage(api, { owner: 'user', slot: 'avatar' });
		expect(profile.avatar_file_id).toBeNull();
		const community = await removeImage(api, { owner: 'community', id: 'c1', slot: 'banner' });
		expect(community).toMatchObject({ id: 'c1', banner_file_id: null });
		expect(calls).toEqual(['DELETE /api/account/avatar', 'DELETE /api/communities/c1/banner']);
	});
});
