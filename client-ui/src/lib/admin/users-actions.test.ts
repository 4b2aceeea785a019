import { describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import { ApiError } from '$api/errors';
import type { AdminUser } from './user-directory';
import {
	actionText,
	canManage,
	deletionConfirmed,
	doneText,
	noActionsReason,
	offeredActions,
	patchUser,
	roleLabel,
	runAction,
	suspensionText,
	type Viewer
} from './users-actions';

function account(change: Partial<AdminUser> = {}): AdminUser {
	return {
		id: 'u-ada',
		username: 'ada',
		display_name: 'Ada',
		email: null,
		instance_role: 'user',
		suspended_at: null,
		suspended_reason: null,
		two_factor_enabled: false,
		sso_linked: false,
		created_at: '2026-01-01T00:00:00Z',
		...change
	};
}

const OWNER: Viewer = { id: 'u-owner', role: 'owner' };
const ADMIN: Viewer = { id: 'u-admin', role: 'admin' };

describe('offeredActions', () => {
	it('offers the owner every action on a user, including making them admin', () => {
		expect(offeredActions(OWNER, account())).toEqual([
			'suspend',
			'make-admin',
			'reset-password',
			'delete'
		]);
	});

	it('offers unsuspend, remove admin and 2FA reset when they apply', () => {
		const admin = account({
			instance_role: 'admin',
			suspended_at: '2026-02-01T00:00:00Z',
			two_factor_enabled: true
		});
		expect(offeredActions(OWNER, admin)).toEqual([
			'unsuspend',
			'remove-admin',
			'reset-password',
			'reset-2fa',
			'delete'
		]);
	});

	it('never offers role changes to an admin who is not the owner', () => {
		const actions = offeredActions(ADMIN, account());
		expect(actions).toEqual(['suspend', 'reset-password', 'delete']);
		expect(actions).not.toContain('make-admin');
	});

	it('offers nothing on equal or higher roles, nor on your own account', () => {
		expect(offeredActions(ADMIN, account({ instance_role: 'admin' }))).toEqual([]);
		expect(offeredActions(ADMIN, account({ instance_role: 'owner' }))).toEqual([]);
		expect(offeredActions(OWNER, account({ id: OWNER.id, instance_role: 'owner' }))).toEqual([]);
		expect(canManage(ADMIN, account())).toBe(true);
		expect(canManage(ADMIN, account({ id: ADMIN.id }))).toBe(false);
	});

	it('says why nothing is offered', () => {
		expect(noActionsReason(ADMIN, account())).toBeNull();
		expect(noActionsReason(ADMIN, account({ id: ADMIN.id }))).toMatch(/your account/);
		expect(noActionsReason(ADMIN, account({ instance_role: 'admin' }))).toMatch(/below yours/);
		expect(noActionsReason(ADMIN, account({ instance_role: 'owner' }))).toMatch(/owner/);
	});
});

describe('words', () => {
	it('names each action, its dialog and its outcome', () => {
		const ada = account();
		expect(actionText('suspend', ada)).toEqual({
			button: 'Suspend',
			title: 'Suspend @ada?',
			confirm: 'Suspend',
			danger: true
		});
		expect(actionText('make-admin', ada).danger).toBe(false);
		expect(actionText('delete', ada).title).toBe('Delete the account of @ada?');
		expect(actionText('reset-2fa', ada).title).toBe('Reset two-factor authentication?');
		expect(doneText('reset-2fa', ada)).toBe('Two-factor authentication of @ada was reset.');
		expect(doneText('remove-admin', ada)).toBe('@ada is no longer an administrator.');
	});

	it('labels roles and suspension', () => {
		expect(roleLabel('owner')).toBe('Owner');
		expect(suspensionText(account())).toBe('Active');
		expect(suspensionText(account({ suspended_at: '2026-02-01T00:00:00Z' }))).toBe('Suspended');
		expect(
			suspensionText(account({ suspended_at: '2026-02-01T00:00:00Z', suspended_reason: 'Spam' }))
		).toBe('Suspended: Spam');
	});

	it('confirms deletion by the username, whatever the case', () => {
		expect(deletionConfirmed(' @ADA ', 'ada')).toBe(true);
		expect(deletionConfirmed('ad', 'ada')).toBe(false);
		expect(deletionConfirmed('', 'ada')).toBe(false);
	});

	it('patches one account in a list', () => {
		const other = account({ id: 'u-bob', username: 'bob' });
		const updated = account({ instance_role: 'admin' });
		expect(patchUser([account(), other], updated)).toEqual([updated, other]);
	});
});

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

describe('runAction', () => {
	function server(answer: (request: Request, body: unknown) => Response) {
		const calls: string[] = [];
		const fetch = vi.fn(async (request: Request) => {
			const text = await request.text();
			calls.push(`${request.method} ${new URL(request.url).pathname} ${text}`.trim());
			return answer(request, text ? JSON.parse(text) : null);
		});
		return { calls, api: createApi({ baseUrl: 'http://chat.test', fetch }) };
	}

	it('sends a trimmed reason (none when blank) and returns the updated account', async () => {
		const { calls, api } = server(() => json(200, account({ suspended_at: '2026-02-01' })));
		const result = await runAction(api, 'suspend', 'u-ada', { reason: '  spam  ' });
		expect(result).toEqual({ kind: 'updated', user: account({ suspended_at: '2026-02-01' }) });
		await runAction(api, 'suspend', 'u-ada', { reason: '   ' });
		expect(calls).toEqual([
			'POST /api/admin/users/u-ada/suspend {"reason":"spam"}',
			'POST /api/admin/users/u-ada/suspend {"reason":null}'
		]);
	});

	it('changes roles with PUT and returns the temporary password of a reset', async () => {
		const { calls, api } = server((request) =>
			request.url.endsWith('/reset-password')
				? json(200, { temporary_password: 'Secret-123' })
				: json(200, account())
		);
		await runAction(api, 'make-admin', 'u-ada');
		await runAction(api, 'remove-admin', 'u-ada');
		expect(await runAction(api, 'reset-password', 'u-ada')).toEqual({
			kind: 'password',
			temporaryPassword: 'Secret-123'
		});
		expect(calls).toEqual([
			'PUT /api/admin/users/u-ada/role {"role":"admin"}',
			'PUT /api/admin/users/u-ada/role {"role":"user"}',
			'POST /api/admin/users/u-ada/reset-password'
		]);
	});

	it('deletes, and passes the server’s refusal on', async () => {
		const { api } = server((request) =>
			request.method === 'DELETE' && request.url.endsWith('/u-ada')
				? new Response(null, { status: 204 })
				: json(409, {
						code: 'owns_communities',
						message: 'this user owns communities: transfer or delete them first'
					})
		);
		expect(await runAction(api, 'delete', 'u-ada')).toEqual({ kind: 'deleted' });
		const refused = runAction(api, 'delete', 'u-bob');
		await expect(refused).rejects.toBeInstanceOf(ApiError);
		await expect(refused).rejects.toMatchObject({ status: 409, code: 'owns_communities' });
	});
});
