/**
 * Account actions of the admin Users page (ADM-2): which actions an administrator is
 * offered on an account, their words, and the calls behind them. The server decides
 * (`server/src/domain/admin_users.rs`); this mirrors its rules so that nothing is offered
 * that it would refuse: administrators act only on accounts below their own role, never
 * on their own, and only the instance owner grants or revokes admin.
 */
import { unwrap, type Api, type InstanceRole } from '$api/client';
import type { AdminUser } from './user-directory';

/** The signed-in administrator. */
export interface Viewer {
	id: string;
	role: InstanceRole;
}

export type UserAction =
	| 'suspend'
	| 'unsuspend'
	| 'make-admin'
	| 'remove-admin'
	| 'reset-password'
	| 'reset-2fa'
	| 'delete';

/** Up to 500 characters (the server's limit). */
export const REASON_MAX = 500;

const RANK: Record<InstanceRole, number> = { user: 0, admin: 1, owner: 2 };

export function roleLabel(role: InstanceRole): string {
	return { owner: 'Owner', admin: 'Admin', user: 'User' }[role];
}

/** Whether the viewer may act on the account at all. */
export function canManage(viewer: Viewer, user: AdminUser): boolean {
	return user.id !== viewer.id && RANK[user.instance_role] < RANK[viewer.role];
}

/** Why no action is offered on an account (null when some are). */
export function noActionsReason(viewer: Viewer, user: AdminUser): string | null {
	if (user.id === viewer.id) return 'This is your account: change it in your own settings.';
	if (!canManage(viewer, user)) {
		return user.instance_role === 'owner'
			? 'Nobody acts on the instance owner’s account from here.'
			: 'You can act only on accounts whose role is below yours.';
	}
	return null;
}

/** The actions offered on an account, in the order they are shown. */
export function offeredActions(viewer: Viewer, user: AdminUser): UserAction[] {
	if (!canManage(viewer, user)) return [];
	const actions: UserAction[] = [user.suspended_at ? 'unsuspend' : 'suspend'];
	if (viewer.role === 'owner') {
		actions.push(user.instance_role === 'admin' ? 'remove-admin' : 'make-admin');
	}
	actions.push('reset-password');
	if (user.two_factor_enabled) actions.push('reset-2fa');
	actions.push('delete');
	return actions;
}

/** Words of an action: its button, its confirmation dialog and the confirming button. */
export interface ActionText {
	button: string;
	title: string;
	confirm: string;
	/** Destructive or hard to undo: the confirming button is red. */
	danger: boolean;
}

export function actionText(action: UserAction, user: Pick<AdminUser, 'username'>): ActionText {
	const who = `@${user.username}`;
	switch (action) {
		case 'suspend':
			return { button: 'Suspend', title: `Suspend ${who}?`, confirm: 'Suspend', danger: true };
		case 'unsuspend':
			return {
				button: 'Unsuspend',
				title: `Unsuspend ${who}?`,
				confirm: 'Unsuspend',
				danger: false
			};
		case 'make-admin':
			return {
				button: 'Make admin',
				title: `Make ${who} an administrator?`,
				confirm: 'Make admin',
				danger: false
			};
		case 'remove-admin':
			return {
				button: 'Remove admin',
				title: `Remove ${who} as administrator?`,
				confirm: 'Remove admin',
				danger: true
			};
		case 'reset-password':
			return {
				button: 'Reset password',
				title: `Reset the password of ${who}?`,
				confirm: 'Reset password',
				danger: true
			};
		case 'reset-2fa':
			return {
				button: 'Reset 2FA',
				title: 'Reset two-factor authentication?',
				confirm: 'Reset 2FA',
				danger: true
			};
		case 'delete':
			return {
				button: 'Delete account',
				title: `Delete the account of ${who}?`,
				confirm: 'Delete account',
				danger: true
			};
	}
}

/** What happened, in a sentence, once an action succeeded. */
export function doneText(action: UserAction, user: Pick<AdminUser, 'username'>): string {
	const who = `@${user.username}`;
	switch (action) {
		case 'suspend':
			return `${who} is suspended and was signed out everywhere.`;
		case 'unsuspend':
			return `${who} can sign in again.`;
		case 'make-admin':
			return `${who} is now an administrator.`;
		case 'remove-admin':
			return `${who} is no longer an administrator.`;
		case 'reset-password':
			return `The password of ${who} was reset and they were signed out everywhere.`;
		case 'reset-2fa':
			return `Two-factor authentication of ${who} was reset.`;
		case 'delete':
			return `The account of ${who} was deleted.`;
	}
}

/** Deletion is confirmed by typing the username (case and a leading @ do not matter). */
export function deletionConfirmed(typed: string, username: string): boolean {
	return typed.trim().replace(/^@/, '').toLowerCase() === username.toLowerCase();
}

/** The account's state in words: "Active" or "Suspended", with the reason if any. */
export function suspensionText(user: AdminUser): string {
	if (!user.suspended_at) return 'Active';
	return user.suspended_reason ? `Suspended: ${user.suspended_reason}` : 'Suspended';
}

/** The list with an account replaced by the server's newer view of it. */
export function patchUser(users: AdminUser[], user: AdminUser): AdminUser[] {
	return users.map((u) => (u.id === user.id ? user : u));
}

/** What an action returned: the account as it is now, or that it is gone, or a password. */
export type ActionResult =
	| { kind: 'updated'; user: AdminUser }
	| { kind: 'deleted' }
	| { kind: 'password'; temporaryPassword: string }
	| { kind: 'two-factor-reset' };

/** Runs an action on the server. Throws `ApiError` with the server's code and message. */
export async function runAction(
	api: Api,
	action: UserAction,
	userId: string,
	options: { reason?: string } = {}
): Promise<ActionResult> {
	const path = { user_id: userId };
	switch (action) {
		case 'suspend': {
			const reason = options.reason?.trim() || null;
			const user = await unwrap(
				api.POST('/api/admin/users/{user_id}/suspend', { params: { path }, body: { reason } })
			);
			return { kind: 'updated', user };
		}
		case 'unsuspend': {
			const user = await unwrap(
				api.POST('/api/admin/users/{user_id}/unsuspend', { params: { path } })
			);
			return { kind: 'updated', user };
		}
		case 'make-admin':
		case 'remove-admin': {
			const role = action === 'make-admin' ? 'admin' : 'user';
			const user = await unwrap(
				api.PUT('/api/admin/users/{user_id}/role', { params: { path }, body: { role } })
			);
			return { kind: 'updated', user };
		}
		case 'reset-password': {
			const answer = await unwrap(
				api.POST('/api/admin/users/{user_id}/reset-password', { params: { path } })
			);
			return { kind: 'password', temporaryPassword: answer.temporary_password };
		}
		case 'reset-2fa':
			await unwrap(api.DELETE('/api/admin/users/{user_id}/2fa', { params: { path } }));
			return { kind: 'two-factor-reset' };
		case 'delete':
			await unwrap(api.DELETE('/api/admin/users/{user_id}', { params: { path } }));
			return { kind: 'deleted' };
	}
}
