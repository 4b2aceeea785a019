import { describe, expect, it } from 'vitest';
import {
	checkSecondFactorCode,
	cleanSecondFactorCode,
	isTwoFactorChallenge,
	rememberSsoNext,
	signInStep,
	ssoAccess,
	ssoStartUrl,
	ssoTicket,
	takeSsoNext
} from './sign-in';
import type { AuthResponse, LoginResponse } from '$api/client';

const auth = {
	session_id: 's1',
	token_type: 'Bearer',
	access_token: 'a',
	access_token_expires_at: '',
	expires_in: 900,
	refresh_token: 'r',
	refresh_token_expires_at: '',
	user: {
		id: 'u1',
		username: 'ada',
		display_name: 'Ada',
		instance_role: 'user',
		created_at: '',
		read_receipts: true,
		show_last_seen: true,
		two_factor_enabled: true,
		has_password: true
	}
} satisfies AuthResponse;
const challenge = {
	two_factor_required: true,
	challenge_token: 'challenge-1',
	expires_at: '2026-01-01T00:05:00Z'
};

describe('the answer of a first factor', () => {
	it('is a session or a two-factor challenge', () => {
		expect(signInStep(auth)).toEqual({ kind: 'signed-in', auth });
		expect(signInStep(challenge)).toEqual({ kind: 'two-factor', challenge });
		expect(isTwoFactorChallenge(auth)).toBe(false);
	});

	it('is a challenge only when the server says so', () => {
		const odd = { ...challenge, two_factor_required: false } as LoginResponse;
		expect(isTwoFactorChallenge(odd)).toBe(false);
		const noToken = { two_factor_required: true, expires_at: '' } as unknown as LoginResponse;
		expect(isTwoFactorChallenge(noToken)).toBe(false);
	});
});

describe('the SSO callback fragment', () => {
	it.each([
		['#ticket=abc-123_XYZ', 'abc-123_XYZ'],
		['ticket=abc', 'abc'],
		['#state=1&ticket=t%2Bk', 't+k'],
		['#ticket=', null],
		['#ticket=%20', null],
		['', null],
		['#other=1', null]
	])('%s', (hash, expected) => {
		expect(ssoTicket(hash)).toBe(expected);
	});
});

describe('the SSO start link', () => {
	it('points at the server endpoint, with an invite when there is one', () => {
		expect(ssoStartUrl()).toBe('/api/auth/oidc/start');
		expect(ssoStartUrl({ inviteCode: '  ' })).toBe('/api/auth/oidc/start');
		expect(ssoStartUrl({ inviteCode: ' AB CD&1 ' })).toBe(
			'/api/auth/oidc/start?invite_code=AB+CD%261'
		);
		expect(ssoStartUrl({ baseUrl: 'https://chat.example/', inviteCode: 'X1' })).toBe(
			'https://chat.example/api/auth/oidc/start?invite_code=X1'
		);
	});

	it('is offered when configured, disabled while the provider is unreachable', () => {
		expect(ssoAccess({ sso_enabled: false, sso_available: false })).toEqual({ offered: false });
		expect(ssoAccess({ sso_enabled: true, sso_available: true })).toEqual({
			offered: true,
			available: true
		});
		expect(ssoAccess({ sso_enabled: true, sso_available: false })).toEqual({
			offered: true,
			available: false
		});
	});

	it('keeps ?next= across the trip, once', () => {
		rememberSsoNext('/settings/account', sessionStorage);
		expect(takeSsoNext(sessionStorage)).toBe('/settings/account');
		expect(takeSsoNext(sessionStorage)).toBeNull();
		rememberSsoNext('/x', sessionStorage);
		rememberSsoNext(null, sessionStorage);
		expect(takeSsoNext(sessionStorage)).toBeNull();
	});
});

describe('second-factor codes', () => {
	it('checks authenticator codes', () => {
		expect(checkSecondFactorCode('', 'totp')).toMatch(/Enter the 6-digit code/);
		expect(checkSecondFactorCode('12345', 'totp')).toMatch(/has 6 digits/);
		expect(checkSecondFactorCode('12a456', 'totp')).toMatch(/has 6 digits/);
		expect(checkSecondFactorCode('123 456', 'totp')).toBeNull();
		expect(checkSecondFactorCode(' 123456 ', 'totp')).toBeNull();
	});

	it('checks backup codes, ignoring dashes, spaces and case', () => {
		expect(checkSecondFactorCode('', 'backup')).toMatch(/Enter one of your backup codes/);
		expect(checkSecondFactorCode('ABCDE-12345', 'backup')).toBeNull();
		expect(checkSecondFactorCode('abcde 12345', 'backup')).toBeNull();
		expect(checkSecondFactorCode('abcde12345', 'backup')).toBeNull();
		expect(checkSecondFactorCode('ABCDE-1234', 'backup')).toMatch(/10 letters and digits/);
		expect(checkSecondFactorCode('ABCDE_12345', 'backup')).toMatch(/10 letters and digits/);
	});

	it('accepts either where both work', () => {
		expect(checkSecondFactorCode('123456', 'any')).toBeNull();
		expect(checkSecondFactorCode('ABCDE-12345', 'any')).toBeNull();
		expect(checkSecondFactorCode('1234', 'any')).toMatch(/6-digit code from your app/);
		expect(checkSecondFactorCode(' ', 'any')).toMatch(/Enter a code/);
	});

	it('sends authenticator codes without spaces and backup codes as typed', () => {
		expect(cleanSecondFactorCode(' 123 456 ')).toBe('123456');
		expect(cleanSecondFactorCode(' abcde-12345 ')).toBe('abcde-12345');
	});
});
