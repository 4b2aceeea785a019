import { describe, expect, it, vi } from 'vitest';
import { Session } from './session.svelte';
import { MemoryTokenStore } from './token-store';

const BASE = 'http://chat.test';
const user = {
	id: 'u1',
	username: 'ada',
	display_name: 'Ada',
	instance_role: 'user',
	created_at: '2026-01-01T00:00:00Z'
};
const config = {
	registration_mode: 'invite_only',
	setup_required: false,
	password_login_enabled: true,
	sso_enabled: false,
	community_creation_mode: 'admin_only',
	push_enabled: false,
	gifs_enabled: false,
	turn_enabled: false,
	max_file_size_bytes: 1,
	server_version: '0.1.0'
};
const tokens = (n: number) => ({
	session_id: 's1',
	token_type: 'Bearer',
	access_token: `access-${n}`,
	access_token_expires_at: '',
	expires_in: 900,
	refresh_token: `refresh-${n}`,
	refresh_token_expires_at: ''
});

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

/** A fake server answering by "METHOD path". */
function server(routes: Record<string, (request: Request) => Response | Promise<Response>>) {
	return vi.fn(async (request: Request) => {
		const key = `${request.method} ${new URL(request.url).pathname}`;
		const handler = routes[key];
		if (!handler) throw new Error(`unexpected request ${key}`);
		return handler(request);
	});
}

describe('Session', () => {
	it('starts signed out without stored tokens and signs in', async () => {
		const fetch = server({
			'GET /api/auth/config': () => json(200, config),
			'POST /api/auth/login': () => json(200, { ...tokens(1), user })
		});
		const store = new MemoryTokenStore();
		const session = new Session({ store, baseUrl: BASE, fetch });
		await session.start();
		expect(session.status).toBe('signed-out');
		expect(session.config?.registration_mode).toBe('invite_only');

		await session.login('ada', 'secret-password');
		expect(session.status).toBe('signed-in');
		expect(session.user?.username).toBe('ada');
		expect(session.isAdmin).toBe(false);
		expect((await store.load())?.refreshToken).toBe('refresh-1');
		session.tokens.dispose();
	});

	it('asks for a second factor after the password, then signs in with the code', async () => {
		const fetch = server({
			'POST /api/auth/login': () =>
				json(200, {
					two_factor_required: true,
					challenge_token: 'challenge-1',
					expires_at: '2026-01-01T00:05:00Z'
				}),
			'POST /api/auth/login/2fa': async (request) => {
				expect(request.headers.get('authorization')).toBeNull();
				const body = await request.json();
				return body.code === '123456' && body.challenge_token === 'challenge-1'
					? json(200, { ...tokens(2), user })
					: json(401, { code: 'invalid_code', message: 'wrong', field: 'code' });
			}
		});
		const store = new MemoryTokenStore();
		const session = new Session({ store, baseUrl: BASE, fetch });
		const challenge = await session.login('ada', 'secret-password');
		expect(challenge?.challenge_token).toBe('challenge-1');
		expect(session.status).not.toBe('signed-in');
		expect(await store.load()).toBeNull();

		await expect(session.loginTwoFactor(challenge!, '654321')).rejects.toMatchObject({
			code: 'invalid_code',
			field: 'code'
		});
		expect(session.status).not.toBe('signed-in');
		await session.loginTwoFactor(challenge!, '123456');
		expect(session.status).toBe('signed-in');
		expect(session.pendingRecoveryCode).toBeNull();
		expect((await store.load())?.refreshToken).toBe('refresh-2');
		session.tokens.dispose();
	});

	it('trades an SSO ticket for a session, or for a two-factor challenge', async () => {
		const tickets: string[] = [];
		const fetch = server({
			'POST /api/auth/oidc/exchange': async (request) => {
				const { ticket } = await request.json();
				tickets.push(ticket);
				if (ticket === 'with-2fa') {
					return json(200, {
						two_factor_required: true,
						challenge_token: 'challenge-2',
						expires_at: ''
					});
				}
				if (ticket === 'spent') {
					return json(401, { code: 'sso_ticket_invalid', message: 'spent' });
				}
				return json(200, { ...tokens(3), user });
			}
		});
		const store = new MemoryTokenStore();
		const session = new Session({ store, baseUrl: BASE, fetch });
		await expect(session.exchangeSsoTicket('spent')).rejects.toMatchObject({
			code: 'sso_ticket_invalid'
		});
		expect((await session.exchangeSsoTicket('with-2fa'))?.challenge_token).toBe('challenge-2');
		expect(session.status).not.toBe('signed-in');
		expect(await session.exchangeSsoTicket('fresh')).toBeNull();
		expect(session.status).toBe('signed-in');
		expect((await store.load())?.accessToken).toBe('access-3');
		expect(tickets).toEqual(['spent', 'with-2fa', 'fresh']);
		session.tokens.dispose();
	});

	it('keeps the recovery code from registration in memory only', async () => {
		const fetch = server({
			'POST /api/auth/register': () =>
				json(201, {
					...tokens(1),
					user: { ...user, instance_role: 'owner' },
					recovery_code: 'AAAA-BBBB'
				})
		});
		const store = new MemoryTokenStore();
		const session = new Session({ store, baseUrl: BASE, fetch });
		await session.register({ username: 'ada', password: 'secret-password' });
		expect(session.pendingRecoveryCode).toBe('AAAA-BBBB');
		expect(session.recoveryCodeReason).toBe('registered');
		expect(session.isAdmin).toBe(true);
		expect(JSON.stringify(await store.load())).not.toContain('AAAA-BBBB');
		session.acknowledgeRecoveryCode();
		expect(session.pendingRecoveryCode).toBeNull();
		session.tokens.dispose();
	});

	it('restores a stored session and notices when the server ended it', async () => {
		let revoked = false;
		const fetch = server({
			'GET /api/auth/config': () => json(200, config),
			'GET /api/account/me': (request) => {
				expect(request.headers.get('authorization')).toBe('Bearer access-7');
				return revoked
					? json(401, { code: 'session_ended', message: 'this session has ended' })
					: json(200, user);
			}
		});
		const store = new MemoryTokenStore();
		await store.save({
			sessionId: 's1',
			accessToken: 'access-7',
			accessTokenExpiresAt: Date.now() + 600_000,
			refreshToken: 'refresh-7'
		});
		const session = new Session({ store, baseUrl: BASE, fetch });
		await session.start();
		expect(session.status).toBe('signed-in');

		revoked = true;
		await session.revalidate();
		expect(session.status).toBe('signed-out');
		expect(session.endedReason).toBe('expired');
		expect(await store.load()).toBeNull();
	});

	it('signs out on the server and locally', async () => {
		const fetch = server({
			'POST /api/auth/login': () => json(200, { ...tokens(1), user }),
			'POST /api/auth/logout': (request) => {
				expect(request.headers.get('authorization')).toBe('Bearer access-1');
				return new Response(null, { status: 204 });
			}
		});
		const store = new MemoryTokenStore();
		const session = new Session({ store, baseUrl: BASE, fetch });
		await session.login('ada', 'secret-password');
		await session.logout();
		expect(session.status).toBe('signed-out');
		expect(session.signedOutByUser).toBe(true);
		expect(session.endedReason).toBeNull();
		expect(await store.load()).toBeNull();
	});

	it('signs out as the user when the server refuses the tokens (deleted account)', async () => {
		const fetch = server({
			'POST /api/auth/login': () => json(200, { ...tokens(1), user }),
			'POST /api/auth/logout': () => json(401, { code: 'session_ended', message: 'gone' })
		});
		const store = new MemoryTokenStore();
		const session = new Session({ store, baseUrl: BASE, fetch });
		await session.login('ada', 'secret-password');
		// The page must not see an unexplained end meanwhile (it would offer `?next=`).
		let whenEnded = '';
		session.tokens.onSessionEnd(() => (whenEnded = session.status));
		await session.logout();
		expect(whenEnded).toBe('signed-in');
		expect(session.status).toBe('signed-out');
		expect(session.signedOutByUser).toBe(true);
		expect(session.endedReason).toBeNull();
		expect(await store.load()).toBeNull();
	});

	it('reports an unreachable server at start-up', async () => {
		const session = new Session({
			store: new MemoryTokenStore(),
			baseUrl: BASE,
			fetch: async () => {
				throw new TypeError('Failed to fetch');
			}
		});
		await session.start();
		expect(session.status).toBe('starting');
		expect(session.startError).toMatch(/Cannot reach the server/);
	});
});
