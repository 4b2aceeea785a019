/**
 * The one typed client for the Chatalot REST API, generated from the server's OpenAPI
 * document (`schema.d.ts`). It attaches the access token, retries once after a 401
 * `invalid_token` with a refreshed token, and turns failures into {@link ApiError}.
 */
import createClient from 'openapi-fetch';
import { ApiError } from './errors';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type UserProfile = Schemas['UserProfile'];
export type AuthConfig = Schemas['AuthConfig'];
export type AuthResponse = Schemas['AuthResponse'];
/** The answer to a first factor (password or SSO): signed in, or a 2FA challenge. */
export type LoginResponse = Schemas['LoginResponse'];
export type TwoFactorChallenge = Schemas['TwoFactorChallenge'];
export type TwoFactorStatus = Schemas['TwoFactorStatus'];
export type TwoFactorSetup = Schemas['TwoFactorSetup'];
export type Tokens = Schemas['Tokens'];
export type SessionInfo = Schemas['SessionInfo'];
export type RegistrationInvite = Schemas['RegistrationInviteView'];
export type AuditEntry = Schemas['AuditEntryView'];
export type InstanceRole = Schemas['InstanceRole'];
export type RegistrationMode = Schemas['RegistrationMode'];

/** Where the client gets access tokens; implemented by the token manager. */
export interface AccessTokenSource {
	/** A valid access token, refreshing first when it is about to expire; null when signed out. */
	accessToken(): Promise<string | null>;
	/** Called when the server rejected `rejected`; resolves to a new token or null. */
	refreshAfterRejection(rejected: string): Promise<string | null>;
	/** Called when the server says the session is over (revoked, or the user suspended). */
	sessionRejected(): void;
}

/** 401 codes that mean the session itself is gone, not that a password was wrong. */
export const SESSION_GONE: ReadonlySet<string> = new Set([
	'session_ended',
	'invalid_token',
	'missing_token'
]);

/** Endpoints that never take a bearer token. */
const PUBLIC_PATHS = new Set([
	'/api/health',
	'/api/auth/config',
	'/api/auth/login',
	'/api/auth/login/2fa',
	'/api/auth/oidc/exchange',
	'/api/auth/register',
	'/api/auth/refresh',
	'/api/auth/recover'
]);

export interface ApiOptions {
	/** Server origin, e.g. `https://chat.example.org`; defaults to this page's origin. */
	baseUrl?: string;
	tokens?: AccessTokenSource;
	fetch?: (request: Request) => Promise<Response>;
}

export function createApi(options: ApiOptions = {}) {
	const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
	const tokens = options.tokens;

	async function send(request: Request): Promise<Response> {
		const path = new URL(request.url).pathname;
		if (!tokens || PUBLIC_PATHS.has(path)) return baseFetch(request);

		const token = await tokens.accessToken();
		if (!token) return baseFetch(request);
		const retry = request.clone();
		const response = await baseFetch(withBearer(request, token));
		const code = await unauthorizedCode(response);
		if (code === 'invalid_token') {
			// Expired or signed with a rotated key: refresh once and retry.
			const fresh = await tokens.refreshAfterRejection(token);
			if (!fresh) return response;
			const second = await baseFetch(withBearer(retry, fresh));
			if (SESSION_GONE.has((await unauthorizedCode(second)) ?? '')) tokens.sessionRejected();
			return second;
		}
		if (code && SESSION_GONE.has(code)) tokens.sessionRejected();
		return response;
	}

	async function fetchOrNetworkError(request: Request): Promise<Response> {
		try {
			return await send(request);
		} catch (error) {
			if (error instanceof ApiError) throw error;
			throw ApiError.network();
		}
	}

	return createClient<paths>({
		baseUrl: options.baseUrl ?? globalThis.location?.origin ?? '',
		fetch: fetchOrNetworkError
	});
}

export type Api = ReturnType<typeof createApi>;

function withBearer(request: Request, token: string): Request {
	const headers = new Headers(request.headers);
	headers.set('Authorization', `Bearer ${token}`);
	return new Request(request, { headers });
}

/** The error code of a 401 answer, or null for anything else. */
async function unauthorizedCode(response: Response): Promise<string | null> {
	if (response.status !== 401) return null;
	try {
		const body = await response.clone().json();
		return typeof body?.code === 'string' ? body.code : null;
	} catch {
		return null;
	}
}

/**
 * Resolves to the data of a successful answer, or throws {@link ApiError}.
 *
 *     const me = await unwrap(api.GET('/api/account/me'));
 */
export async function unwrap<T>(
	call: Promise<{ data?: T; error?: unknown; response: Response }>
): Promise<T> {
	const { data, error, response } = await call;
	if (!response.ok) {
		throw ApiError.fromBody(response.status, error, response.headers.get('Retry-After'));
	}
	return data as T;
}
