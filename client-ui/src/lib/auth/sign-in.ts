/**
 * The steps of signing in beyond the password: the answer of a first factor (password or
 * SSO ticket) that may ask for a second one, the SSO start link and callback fragment, and
 * the shape of second-factor codes.
 */
import type { AuthConfig, AuthResponse, LoginResponse, TwoFactorChallenge } from '$api/client';

export type SignInStep =
	{ kind: 'signed-in'; auth: AuthResponse } | { kind: 'two-factor'; challenge: TwoFactorChallenge };

/** Whether a first factor's answer asks for a second one instead of signing in. */
export function isTwoFactorChallenge(answer: LoginResponse): answer is TwoFactorChallenge {
	const challenge = answer as Partial<TwoFactorChallenge>;
	return challenge.two_factor_required === true && typeof challenge.challenge_token === 'string';
}

/** Sorts the answer of `POST /api/auth/login` or `/api/auth/oidc/exchange`. */
export function signInStep(answer: LoginResponse): SignInStep {
	return isTwoFactorChallenge(answer)
		? { kind: 'two-factor', challenge: answer }
		: { kind: 'signed-in', auth: answer };
}

/** The one-time ticket in the fragment the SSO callback leads to (`/sso#ticket=…`), or null. */
export function ssoTicket(hash: string): string | null {
	const ticket = new URLSearchParams(hash.replace(/^#/, '')).get('ticket')?.trim();
	return ticket || null;
}

export const SSO_START_PATH = '/api/auth/oidc/start';

/**
 * Where "Sign in with SSO" leads: the server's start endpoint (a page, not a fetch),
 * carrying a registration invite for a first-time user on an invite-only server. The
 * desktop app (whose pages are not the server's) passes the server's `baseUrl`; the app
 * takes the server's redirect to `/sso#ticket=…` into its own window.
 */
export function ssoStartUrl(options: { baseUrl?: string; inviteCode?: string | null } = {}) {
	const base = (options.baseUrl ?? '').replace(/\/+$/, '');
	const query = new URLSearchParams();
	const code = options.inviteCode?.trim();
	if (code) query.set('invite_code', code);
	const search = query.toString();
	return `${base}${SSO_START_PATH}${search ? `?${search}` : ''}`;
}

/** Whether to offer single sign-on, and whether it works right now. */
export type SsoAccess = { offered: false } | { offered: true; available: boolean };

export function ssoAccess(config: Pick<AuthConfig, 'sso_enabled' | 'sso_available'>): SsoAccess {
	if (!config.sso_enabled) return { offered: false };
	return { offered: true, available: config.sso_available };
}

const SSO_NEXT_KEY = 'chatalot.sso-next';

/** Keeps `?next=` across the trip to the identity provider (this tab only). */
export function rememberSsoNext(next: string | null, storage: Storage | undefined = tabStorage()) {
	try {
		if (next) storage?.setItem(SSO_NEXT_KEY, next);
		else storage?.removeItem(SSO_NEXT_KEY);
	} catch {
		// Storage refused (private mode): the app opens on Home instead.
	}
}

/** The `?next=` remembered before leaving for the provider, removed as it is read. */
export function takeSsoNext(storage: Storage | undefined = tabStorage()): string | null {
	try {
		const next = storage?.getItem(SSO_NEXT_KEY) ?? null;
		storage?.removeItem(SSO_NEXT_KEY);
		return next;
	} catch {
		return null;
	}
}

function tabStorage(): Storage | undefined {
	try {
		return globalThis.sessionStorage;
	} catch {
		return undefined;
	}
}

/** What a second-factor field accepts. */
export type CodeKind = 'totp' | 'backup' | 'any';

export const TOTP_DIGITS = 6;
/** Letters and digits in a backup code (shown as `XXXXX-XXXXX`). */
export const BACKUP_CODE_LENGTH = 10;

function isTotp(code: string): boolean {
	return new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code.replace(/\s+/g, ''));
}

function isBackupCode(code: string): boolean {
	return (
		code.replace(/[^A-Za-z0-9]/g, '').length === BACKUP_CODE_LENGTH && !/[^A-Za-z0-9\s-]/.test(code)
	);
}

/** An error sentence for a code that cannot be right, or null; the server decides the rest. */
export function checkSecondFactorCode(code: string, kind: CodeKind): string | null {
	const trimmed = code.trim();
	switch (kind) {
		case 'totp':
			if (!trimmed) return 'Enter the 6-digit code from your authenticator app.';
			return isTotp(trimmed) ? null : 'The code from your authenticator app has 6 digits.';
		case 'backup':
			if (!trimmed) return 'Enter one of your backup codes.';
			return isBackupCode(trimmed)
				? null
				: 'A backup code has 10 letters and digits, like ABCDE-12345.';
		case 'any':
			if (!trimmed) return 'Enter a code from your authenticator app or a backup code.';
			return isTotp(trimmed) || isBackupCode(trimmed)
				? null
				: 'Enter the 6-digit code from your app, or a backup code like ABCDE-12345.';
	}
}

/** The code as sent: TOTP digits without spaces; backup codes as typed (the server normalises). */
export function cleanSecondFactorCode(code: string): string {
	const trimmed = code.trim();
	return isTotp(trimmed) ? trimmed.replace(/\s+/g, '') : trimmed;
}
