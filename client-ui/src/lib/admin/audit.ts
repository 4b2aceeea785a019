/**
 * Every action the server records in the audit log, with a label for people (the test
 * reads the server's source, so a new action without a label fails it). Unknown ones
 * (a newer server) show as they are.
 */
export const AUDIT_ACTIONS: Record<string, string> = {
	// Accounts and sign-in
	'user.registered': 'Account registered',
	'login.succeeded': 'Signed in',
	'login.failed': 'Sign-in failed',
	'login.locked': 'Sign-in locked',
	'recovery.failed': 'Recovery failed',
	'account.recovered': 'Password reset with recovery code',
	'account.deleted': 'Account deleted',
	'password.changed': 'Password changed',
	'password.confirm_failed': 'Password confirmation failed',
	'email.changed': 'Email changed',
	'recovery_code.regenerated': 'Recovery code regenerated',
	'session.revoked': 'Session signed out',
	'session.revoked_others': 'Other sessions signed out',
	'session.refresh_token_reused': 'Refresh token reused (session ended)',
	'two_factor.enabled': 'Two-factor authentication turned on',
	'two_factor.disabled': 'Two-factor authentication turned off',
	'two_factor.failed': 'Two-factor code refused',
	'two_factor.backup_code_used': 'Backup code used',
	'two_factor.backup_codes_regenerated': 'Backup codes regenerated',
	'two_factor.reset': 'Two-factor authentication reset',
	'sso.provisioned': 'Account created by SSO',
	'sso.login': 'Signed in with SSO',
	// Server administration
	'registration_invite.created': 'Invite created',
	'registration_invite.revoked': 'Invite revoked',
	'admin.granted': 'Admin granted',
	'admin.revoked': 'Admin removed',
	'admin.password_reset': 'Password reset by an admin',
	'admin.user_suspended': 'Account suspended',
	'admin.user_unsuspended': 'Account unsuspended',
	'admin.user_deleted': 'Account deleted by an admin',
	'admin.sso_user_created': 'SSO account added by an admin',
	'admin.settings_changed': 'Server settings changed',
	'admin.file_deleted': 'File deleted by an admin',
	'admin.file_quarantined': 'File quarantined',
	'admin.file_released': 'File released from quarantine',
	'admin.hash_blocked': 'File blocked',
	'admin.hash_unblocked': 'File unblocked',
	'admin.email_retried': 'Email retried by an admin',
	'admin.feedback_deleted': 'Feedback deleted by an admin',
	'admin.update_applied': 'Server update started',
	'admin.announcement_created': 'Announcement posted',
	'admin.announcement_removed': 'Announcement withdrawn',
	'admin.purge_started': 'Purge started',
	'instance.transferred': 'Server ownership transferred',
	// Communities
	'community.created': 'Community created',
	'community.updated': 'Community settings changed',
	'community.deleted': 'Community deleted',
	'community.transferred': 'Community ownership transferred',
	'community.joined': 'Joined a community',
	'community.left': 'Left a community',
	'community.role_changed': 'Community role changed',
	'community.invite_created': 'Community invite created',
	'community.invite_revoked': 'Community invite revoked',
	'group.created': 'Group created',
	'group.updated': 'Group changed',
	'group.deleted': 'Group deleted',
	'group.member_set': 'Group role set',
	'group.member_removed': 'Removed from a group',
	'channel.created': 'Channel created',
	'channel.updated': 'Channel changed',
	'channel.deleted': 'Channel deleted',
	'community.bot_added': 'Bot added to a community',
	'community.bot_removed': 'Bot removed from a community',
	// Bots and webhooks
	'bot.created': 'Bot created',
	'bot.renamed': 'Bot renamed',
	'bot.token_rotated': 'Bot token replaced',
	'bot.deleted': 'Bot deleted',
	'webhook.created': 'Webhook created',
	'webhook.renamed': 'Webhook renamed',
	'webhook.token_rotated': 'Webhook URL replaced',
	'webhook.deleted': 'Webhook deleted',
	// Moderation
	'moderation.warned': 'Member warned',
	'moderation.timed_out': 'Member timed out',
	'moderation.timeout_ended': 'Timeout ended',
	'moderation.kicked': 'Member kicked',
	'moderation.banned': 'Member banned',
	'moderation.unbanned': 'Member unbanned',
	'report.created': 'Report made',
	'report.resolved': 'Report resolved',
	'report.dismissed': 'Report dismissed',
	'message.quarantined': 'Message hidden from members',
	'message.unquarantined': 'Hidden message shown again',
	'voice.disconnected': 'Disconnected from a call'
};

export function actionLabel(action: string): string {
	return AUDIT_ACTIONS[action] ?? action;
}

const DANGER = new Set([
	'admin.user_suspended',
	'admin.file_quarantined',
	'admin.hash_blocked',
	'moderation.kicked',
	'moderation.banned'
]);
const WARNING = new Set([
	'moderation.warned',
	'moderation.timed_out',
	'voice.disconnected',
	'instance.transferred',
	'community.transferred',
	'group.member_removed'
]);

/** How serious an action is, for its badge colour. */
export function actionTone(action: string): 'danger' | 'warning' | 'neutral' {
	if (/failed|locked|reused|deleted/.test(action) || DANGER.has(action)) return 'danger';
	if (WARNING.has(action)) return 'warning';
	if (
		/revoked|changed|recovered|regenerated|granted|disabled|reset|backup_code_used|rotated/.test(
			action
		)
	)
		return 'warning';
	return 'neutral';
}

export interface DetailPair {
	label: string;
	value: string;
	/** The ID behind a name, for those who need it (shown on hover). */
	title?: string;
}

/**
 * Compact "label: value" pairs from an entry's free-form details. An ID that comes with
 * its name (`channel_id` and `channel_name`) reads as the name, with the ID on hover.
 */
export function detailPairs(details: unknown): DetailPair[] {
	if (details === null || details === undefined) return [];
	if (typeof details !== 'object') return [{ label: 'value', value: String(details) }];
	const fields = details as Record<string, unknown>;
	const text = (value: unknown) =>
		typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
	const pairs: DetailPair[] = [];
	for (const [key, value] of Object.entries(fields)) {
		const thing = key.match(/^(.+)_(id|name)$/)?.[1];
		const named = thing !== undefined && `${thing}_id` in fields && `${thing}_name` in fields;
		if (named && key.endsWith('_name')) continue;
		pairs.push(
			named
				? {
						label: thing!.replaceAll('_', ' '),
						value: text(fields[`${thing}_name`]),
						title: text(value)
					}
				: { label: key.replaceAll('_', ' '), value: text(value) }
		);
	}
	return pairs;
}

export interface AuditFilters {
	action: string;
	/** A username, email or user ID, as typed. */
	user: string;
	/** `datetime-local` values in the browser's time zone. */
	since: string;
	until: string;
}

export const EMPTY_FILTERS: AuditFilters = { action: '', user: '', since: '', until: '' };

/** Checks filters; returns errors by field. */
export function filterErrors(filters: AuditFilters): Partial<Record<keyof AuditFilters, string>> {
	const errors: Partial<Record<keyof AuditFilters, string>> = {};
	if (filters.since && filters.until && new Date(filters.since) > new Date(filters.until)) {
		errors.until = '“Until” must be after “Since”.';
	}
	return errors;
}

/** The query for one page of the log; `userId` is the filter's user, already resolved. */
export function auditQuery(
	filters: AuditFilters,
	userId: string | null,
	before: string | null,
	limit: number
) {
	return {
		action: filters.action.trim() || undefined,
		user_id: userId ?? undefined,
		since: filters.since ? new Date(filters.since).toISOString() : undefined,
		until: filters.until ? new Date(filters.until).toISOString() : undefined,
		before: before ?? undefined,
		limit
	};
}
