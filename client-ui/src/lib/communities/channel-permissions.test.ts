import { describe, expect, it } from 'vitest';
import { mayIn, minRole, postingClosedReason } from './channel-permissions';

const open = {
	read_only: false,
	permissions: {
		post: 'member',
		react: 'member',
		create_threads: 'member',
		mention_everyone: 'moderator'
	}
} as const;

describe('channel permissions', () => {
	it('lets everyone at or above the role act', () => {
		const ruled = { ...open, permissions: { ...open.permissions, react: 'admin' as const } };
		expect(mayIn(ruled, 1, 'react')).toBe(false);
		expect(mayIn(ruled, 2, 'react')).toBe(true);
		expect(mayIn(ruled, 0, 'post')).toBe(true);
		expect(mayIn(ruled, 0, 'mention_everyone')).toBe(false);
	});

	it('keeps read-only channels to admins whatever posting says', () => {
		const readOnly = { ...open, read_only: true };
		expect(minRole(readOnly, 'post')).toBe('admin');
		expect(minRole(readOnly, 'react')).toBe('member');
		expect(postingClosedReason(readOnly, 1)).toBe('Only admins can post in this channel.');
		expect(postingClosedReason(readOnly, 2)).toBeNull();
		const ownerOnly = { ...readOnly, permissions: { ...open.permissions, post: 'owner' as const } };
		expect(minRole(ownerOnly, 'post')).toBe('owner');
	});

	it('explains a moderators-only channel', () => {
		const mods = { ...open, permissions: { ...open.permissions, post: 'moderator' as const } };
		expect(postingClosedReason(mods, 0)).toBe('Only moderators can post in this channel.');
		expect(postingClosedReason(mods, 1)).toBeNull();
	});
});
