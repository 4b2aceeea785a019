import { describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import { isUserId, UserDirectory } from './user-directory';

const ADA = {
	id: '01a221f5-d876-778c-a4e7-0071d7a83624',
	username: 'ada',
	display_name: 'Ada',
	instance_role: 'user',
	created_at: '2026-01-01T00:00:00Z',
	email: 'ada@example.org'
};

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

function directory() {
	const fetch = vi.fn(async (request: Request) => {
		const url = new URL(request.url);
		if (url.pathname === '/api/admin/users') {
			// The server searches by substring: "ad" also finds "adam".
			return json(200, [{ ...ADA, id: 'other', username: 'adam', email: null }, ADA]);
		}
		throw new Error(`unexpected ${url}`);
	});
	return { fetch, users: new UserDirectory(createApi({ baseUrl: 'http://chat.test', fetch })) };
}

describe('UserDirectory', () => {
	it('finds an exact username or email among search results', async () => {
		const { users } = directory();
		expect((await users.find('@ADA'))?.id).toBe(ADA.id);
		expect((await users.find('ada@example.org'))?.id).toBe(ADA.id);
		expect(await users.find('ad')).toBeNull();
	});

	it('tells IDs from names', () => {
		expect(isUserId(ADA.id)).toBe(true);
		expect(isUserId('ada')).toBe(false);
	});
});
