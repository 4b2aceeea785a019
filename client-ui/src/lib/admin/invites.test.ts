import { describe, expect, it } from 'vitest';
import type { RegistrationInvite } from '$api/client';
import { inviteLink, inviteStatus } from './invites';

const base: RegistrationInvite = {
	id: 'i1',
	code: 'ABC123',
	uses: 0,
	revoked: false,
	created_at: '2026-01-01T00:00:00Z',
	max_uses: null,
	expires_at: null
};
const now = Date.parse('2026-01-02T00:00:00Z');

describe('invites', () => {
	it('judges invite status', () => {
		expect(inviteStatus(base, now)).toBe('active');
		expect(inviteStatus({ ...base, revoked: true }, now)).toBe('revoked');
		expect(inviteStatus({ ...base, expires_at: '2026-01-01T12:00:00Z' }, now)).toBe('expired');
		expect(inviteStatus({ ...base, expires_at: '2026-01-03T00:00:00Z' }, now)).toBe('active');
		expect(inviteStatus({ ...base, max_uses: 2, uses: 2 }, now)).toBe('used-up');
		expect(inviteStatus({ ...base, max_uses: 2, uses: 1 }, now)).toBe('active');
	});

	it('builds registration links', () => {
		expect(inviteLink('https://chat.example.org/', 'AB C')).toBe(
			'https://chat.example.org/register?invite=AB%20C'
		);
	});
});
