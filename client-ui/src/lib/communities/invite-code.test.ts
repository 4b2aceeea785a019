import { describe, expect, it } from 'vitest';
import { inviteCodeFrom, inviteLink } from './invite-code';

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
