import { describe, expect, it } from 'vitest';
import { inviteCodeFrom, inviteLink, mayCreateInvites } from './invite-code';

describe('inviteCodeFrom', () => {
	it('accepts bare codes and links', () => {
		expect(inviteCodeFrom('  AbC123 ')).toBe('AbC123');
		expect(inviteCodeFrom('https://chat.example.org/invite/AbC123')).toBe('AbC123');
		expect(inviteCodeFrom('http://localhost:5173/invite/x_y-z/?ref=1')).toBe('x_y-z');
	});

	it('rejects anything else', () => {
		expect(inviteCodeFrom('')).toBeNull();
		expect(inviteCodeFrom('not a code')).toBeNull();
		expect(inviteCodeFrom('https://example.org/other/AbC')).toBeNull();
	});
});

describe('inviteLink', () => {
	it('uses the public URL when the server has one', () => {
		expect(inviteLink('AbC', 'https://chat.example.org/')).toBe(
			'https://chat.example.org/invite/AbC'
		);
	});
});

describe('mayCreateInvites', () => {
	const community = (my_role: string | null, who_can_create_invites: string) =>
		({ my_role, who_can_create_invites }) as Parameters<typeof mayCreateInvites>[0];

	it("follows the community's policy", () => {
		expect(mayCreateInvites(community('member', 'member'))).toBe(true);
		expect(mayCreateInvites(community('member', 'moderator'))).toBe(false);
		expect(mayCreateInvites(community('moderator', 'moderator'))).toBe(true);
		expect(mayCreateInvites(community('moderator', 'admin'))).toBe(false);
		expect(mayCreateInvites(community('owner', 'admin'))).toBe(true);
		expect(mayCreateInvites(community(null, 'member'))).toBe(true);
	});
});
