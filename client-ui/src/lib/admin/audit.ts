/** Audit actions the server records, with labels for people. Unknown ones show as is. */
export const AUDIT_ACTIONS: Record<string, string> = {
	'user.registered': 'Account registered',
	'login.succeeded': 'Signed in',
	'login.failed': 'Sign-in failed',
	'login.locked': 'Sign-in locked',
	'recovery.failed': 'Recovery failed',
	'account.recovered': 'Password reset with recovery code',
	'account.deleted': 'Account deleted',
	'password.changed': 'Password changed',
	'email.changed': 'Email changed',
	'recovery_code.regenerated': 'Recovery code regenerated',
	'session.revoked': 'Session signed out',
	'session.revoked_others': 'Other sessions signed out',
	'session.refresh_token_reused': 'Refresh token reused (session ended)',
	'registration_invite.created': 'Invite created',
	'registration_invite.revoked': 'Invite revoked',
	'admin.granted': 'Admin granted',
	'two_factor.enabled': 'Two-factor authentication turned on',
	'two_factor.disabled': 'Two-factor authentication turned off',
	'two_factor.failed': 'Two-factor code refused',
	'two_factor.backup_code_used': 'Backup code used',
	'two_factor.backup_codes_regenerated': 'Backup codes regenerated',
	'two_factor.reset': 'Two-factor authentication reset',
	'sso.provisioned': 'Account created by SSO',
	'sso.login': 'Signed in with SSO'
};

export function actionLabel(action: string): string {
	return AUDIT_ACTIONS[action] ?? action;
}

/** How serious an action is, for its badge colour. */
export function actionTone(action: string): 'danger' | 'warning' | 'neutral' {
	if (/failed|locked|reused|deleted/.test(action)) return 'danger';
	if (/revoked|changed|recovered|regenerated|granted|disabled|reset|backup_code_used/.test(action))
		return 'warning';
	return 'neutral';
}

/** Compact "key: value" pairs from an entry's free-form details. */
export function detailPairs(details: unknown): [string, string][] {
	if (details === null || details === undefined) return [];
	if (typeof details !== 'object') return [['value', String(details)]];
	return Object.entries(details as Record<string, unknown>).map(([key, value]) => [
		key,
		typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)
	]);
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
