import { describe, expect, it, vi } from 'vitest';
import { createApi, unwrap, type AccessTokenSource } from './client';
import { ApiError, errorMessage, formErrors, NETWORK_ERROR } from './errors';

const BASE = 'http://chat.test';

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json', ...headers }
	});
}

function tokens(overrides: Partial<AccessTokenSource> = {}): AccessTokenSource {
	return {
		accessToken: vi.fn(async () => 'old-token'),
		refreshAfterRejection: vi.fn(async () => 'new-token'),
		sessionRejected: vi.fn(),
		...overrides
	};
}

describe('API client', () => {
	it('sends the bearer token and returns typed data', async () => {
		const fetch = vi.fn(async (_request: Request) =>
			json(200, {
				id: 'u1',
				username: 'ada',
				display_name: 'Ada',
				instance_role: 'user',
				created_at: ''
			})
		);
		const api = createApi({ baseUrl: BASE, fetch, tokens: tokens() });
		const me = await unwrap(api.GET('/api/account/me'));
		expect(me.username).toBe('ada');
		expect(fetch.mock.calls[0]![0].headers.get('authorization')).toBe('Bearer old-token');
	});

	it('sends no token to public endpoints', async () => {
		const fetch = vi.fn(async (_request: Request) =>
			json(401, { code: 'invalid_credentials', message: 'no' })
		);
		const source = tokens();
		const api = createApi({ baseUrl: BASE, fetch, tokens: source });
		await expect(
			unwrap(api.POST('/api/auth/login', { body: { username: 'a', password: 'b' } }))
		).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
		expect(fetch.mock.calls[0]![0].headers.get('authorization')).toBeNull();
		expect(source.accessToken).not.toHaveBeenCalled();
	});

	it('keeps the second sign-in step and the SSO exchange away from the session', async () => {
		// A wrong code or a spent ticket is the sign-in failing, not the session ending.
		const fetch = vi.fn(async (request: Request) =>
			new URL(request.url).pathname === '/api/auth/login/2fa'
				? json(401, { code: 'invalid_code', message: 'wrong', field: 'code' })
				: json(401, { code: 'sso_ticket_invalid', message: 'spent' })
		);
		const source = tokens();
		const api = createApi({ baseUrl: BASE, fetch, tokens: source });
		await expect(
			unwrap(api.POST('/api/auth/login/2fa', { body: { challenge_token: 't', code: '123456' } }))
		).rejects.toMatchObject({ code: 'invalid_code', field: 'code' });
		await expect(
			unwrap(api.POST('/api/auth/oidc/exchange', { body: { ticket: 'x' } }))
		).rejects.toMatchObject({ code: 'sso_ticket_invalid', status: 401 });
		for (const [request] of fetch.mock.calls) {
			expect(request.headers.get('authorization')).toBeNull();
		}
		expect(source.accessToken).not.toHaveBeenCalled();
		expect(source.sessionRejected).not.toHaveBeenCalled();
	});

	it('refreshes once after 401 invalid_token and retries with the body intact', async () => {
		const seen: { auth: string | null; body: string }[] = [];
		const fetch = vi.fn(async (request: Request) => {
			seen.push({ auth: request.headers.get('authorization'), body: await request.text() });
			return seen.length === 1
				? json(401, { code: 'invalid_token', message: 'expired' })
				: json(200, {
						id: 'u1',
						username: 'ada',
						display_name: 'Ada L',
						instance_role: 'user',
						created_at: ''
					});
		});
		const source = tokens();
		const api = createApi({ baseUrl: BASE, fetch, tokens: source });
		const user = await unwrap(api.PATCH('/api/account/me', { body: { display_name: 'Ada L' } }));
		expect(user.display_name).toBe('Ada L');
		expect(source.refreshAfterRejection).toHaveBeenCalledWith('old-token');
		expect(seen).toEqual([
			{ auth: 'Bearer old-token', body: '{"display_name":"Ada L"}' },
			{ auth: 'Bearer new-token', body: '{"display_name":"Ada L"}' }
		]);
	});

	it('does not refresh on other 401s such as a wrong password', async () => {
		const fetch = vi.fn(async () =>
			json(401, {
				code: 'wrong_password',
				message: 'the password is not correct',
				field: 'password'
			})
		);
		const source = tokens();
		const api = createApi({ baseUrl: BASE, fetch, tokens: source });
		const error = await unwrap(api.DELETE('/api/account', { body: { password: 'x' } })).catch(
			(e) => e
		);
		expect(error).toBeInstanceOf(ApiError);
		expect(error.field).toBe('password');
		expect(source.refreshAfterRejection).not.toHaveBeenCalled();
		expect(source.sessionRejected).not.toHaveBeenCalled();
	});

	it('reports an ended session', async () => {
		const fetch = vi.fn(async () =>
			json(401, { code: 'session_ended', message: 'this session has ended' })
		);
		const source = tokens();
		const api = createApi({ baseUrl: BASE, fetch, tokens: source });
		await expect(unwrap(api.GET('/api/account/sessions'))).rejects.toMatchObject({
			code: 'session_ended'
		});
		expect(source.sessionRejected).toHaveBeenCalledOnce();
	});

	it('maps network failures to a network ApiError', async () => {
		const api = createApi({
			baseUrl: BASE,
			fetch: async () => {
				throw new TypeError('Failed to fetch');
			}
		});
		await expect(unwrap(api.GET('/api/auth/config'))).rejects.toMatchObject({
			code: NETWORK_ERROR,
			status: 0
		});
	});

	it('resolves empty 204 answers', async () => {
		const api = createApi({
			baseUrl: BASE,
			fetch: async () => new Response(null, { status: 204 }),
			tokens: tokens()
		});
		await expect(unwrap(api.POST('/api/auth/logout'))).resolves.toBeUndefined();
	});
});

describe('errors', () => {
	it('keeps code, field and retry_after from the server body', () => {
		const error = ApiError.fromBody(429, {
			code: 'rate_limited',
			message: 'too many requests',
			retry_after: 3
		});
		expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 3, field: null });
		expect(errorMessage(error)).toBe('Too many requests. Try again in 3 seconds.');
	});

	it('says when a timeout ends in local time, not as a UTC stamp', () => {
		const error = ApiError.fromBody(403, {
			code: 'timed_out',
			message: 'you are timed out here for 5 minutes',
			retry_after: 300
		});
		expect(errorMessage(error)).toMatch(
			/^You are timed out here\. You can post again (on .+ )?at \S.* \(in 5 minutes\)\.$/
		);
	});

	it('falls back to the Retry-After header', () => {
		const error = ApiError.fromBody(429, { code: 'rate_limited', message: 'slow down' }, '7');
		expect(error.retryAfter).toBe(7);
	});

	it('explains bodies that are not Chatalot errors', () => {
		expect(ApiError.fromBody(502, '<html>bad gateway</html>').message).toMatch(
			/server ran into a problem/
		);
		expect(ApiError.fromBody(418, undefined).code).toBe('unexpected_response');
	});

	it('sends field errors to their field and the rest to the form', () => {
		const fieldError = new ApiError(400, {
			code: 'invalid_input',
			message: 'username must be 3 to 32 characters',
			field: 'username'
		});
		expect(formErrors(fieldError, ['username', 'password'])).toEqual({
			field: { username: 'Username must be 3 to 32 characters' },
			form: null
		});
		const otherField = new ApiError(400, {
			code: 'invalid_input',
			message: 'bad',
			field: 'elsewhere'
		});
		expect(formErrors(otherField, ['username'])).toEqual({ field: {}, form: 'Bad' });
		expect(formErrors(new Error('boom'), ['username']).form).toMatch(/Something went wrong/);
		const byCode = new ApiError(403, {
			code: 'invite_invalid',
			message: 'this invite code is not valid'
		});
		expect(formErrors(byCode, ['invite_code'], { invite_invalid: 'invite_code' })).toEqual({
			field: { invite_code: 'This invite code is not valid' },
			form: null
		});
	});
});
