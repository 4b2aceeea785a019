/**
 * Which moderation actions the viewer may take on a community member, as the server
 * decides it (docs/api.md, "Community roles"): moderators and up act only on people
 * below their own role, and instance administrators act as the community's owner. The
 * server checks again; the client only hides what would be refused.
 */
import type { Member } from '../directory.svelte';

export type CommunityRole = Member['role'];

export const ROLE_LEVEL: Record<CommunityRole, number> = {
	member: 0,
	moderator: 1,
	admin: 2,
	owner: 3
};

export type ModerationAction = 'warn' | 'timeout' | 'end-timeout' | 'kick' | 'ban';

/** The viewer, as far as moderating goes. */
export interface Moderator {
	userId: string;
	/** `ROLE_LEVEL` of their community role, or the owner's for instance administrators. */
	level: number;
}

/** The viewer's level in a community: instance administrators act as its owner. */
export function moderatorLevel(
	role: CommunityRole | null | undefined,
	instanceAdmin: boolean
): number {
	const own = role ? ROLE_LEVEL[role] : 0;
	return instanceAdmin ? Math.max(own, ROLE_LEVEL.owner) : own;
}

/** Whether a timeout is running (the server keeps the end after it passed). */
export function isTimedOut(member: Pick<Member, 'timed_out_until'>, now = Date.now()): boolean {
	return !!member.timed_out_until && new Date(member.timed_out_until).getTime() > now;
}

/** What `viewer` may do to `target`, in menu order; empty for oneself and for equals. */
export function moderationActions(
	viewer: Moderator,
	target: Pick<Member, 'user_id' | 'role' | 'timed_out_until'> | undefined,
	now = Date.now()
): ModerationAction[] {
	if (!target || target.user_id === viewer.userId) return [];
	if (viewer.level < ROLE_LEVEL.moderator || ROLE_LEVEL[target.role] >= viewer.level) return [];
	return isTimedOut(target, now)
		? ['warn', 'timeout', 'end-timeout', 'kick', 'ban']
		: ['warn', 'timeout', 'kick', 'ban'];
}

/** Whom the menu speaks of: a member (member list) or a message's author. */
export type Subject = 'member' | 'author';

const LABELS: Record<Subject, Record<ModerationAction, string>> = {
	member: {
		warn: 'Warn',
		timeout: 'Time out',
		'end-timeout': 'Remove timeout',
		kick: 'Kick',
		ban: 'Ban'
	},
	author: {
		warn: 'Warn author',
		timeout: 'Time out author',
		'end-timeout': 'Remove author’s timeout',
		kick: 'Kick author',
		ban: 'Ban author'
	}
};

/** A menu item's words; a running timeout is changed rather than started. */
export function actionLabel(action: ModerationAction, subject: Subject, timedOut = false): string {
	if (action === 'timeout' && timedOut) {
		return subject === 'member' ? 'Change timeout' : 'Change author’s timeout';
	}
	return LABELS[subject][action];
}

/** Actions that take the person out, or silence them: drawn as dangerous. */
export function isDestructive(action: ModerationAction): boolean {
	return action === 'timeout' || action === 'kick' || action === 'ban';
}

/** The timeouts a moderator picks from (the server takes 60 seconds to 28 days). */
export const TIMEOUT_DURATIONS: { secs: number; label: string }[] = [
	{ secs: 60, label: '60 seconds' },
	{ secs: 300, label: '5 minutes' },
	{ secs: 600, label: '10 minutes' },
	{ secs: 3600, label: '1 hour' },
	{ secs: 86_400, label: '1 day' },
	{ secs: 604_800, label: '1 week' }
];
export const DEFAULT_TIMEOUT_SECS = 600;

/** The server's limit on a reason, in characters. */
export const REASON_MAX = 500;

/** Why a reason cannot be sent, or null: a warning needs one, and none is too long. */
export function reasonProblem(action: ModerationAction, reason: string): string | null {
	const trimmed = reason.trim();
	if (action === 'warn' && !trimmed) return 'Say why you are warning them.';
	// The server counts characters, not UTF-16 units.
	if ([...trimmed].length > REASON_MAX) return `A reason is at most ${REASON_MAX} characters.`;
	return null;
}

/** What the confirmation dialog of an action says. */
export interface ActionCopy {
	title: string;
	description: string;
	confirm: string;
}

/** The dialog's words for `action` on the person called `name`. */
export function actionCopy(action: ModerationAction, name: string, timedOut = false): ActionCopy {
	switch (action) {
		case 'warn':
			return {
				title: `Warn ${name}`,
				description:
					'They can read the warning and its reason; moderators see it in their history.',
				confirm: 'Warn'
			};
		case 'timeout':
			return timedOut
				? {
						title: `Change ${name}’s timeout`,
						description: 'The new duration counts from now.',
						confirm: 'Change timeout'
					}
				: {
						title: `Time out ${name}`,
						description:
							'Until the timeout ends they cannot post or join calls here. It ends by itself.',
						confirm: 'Time out'
					};
		case 'end-timeout':
			return {
				title: `Remove ${name}’s timeout?`,
				description: 'They can post again at once.',
				confirm: 'Remove timeout'
			};
		case 'kick':
			return {
				title: `Kick ${name}?`,
				description: 'They leave the community, and can come back with an invite.',
				confirm: 'Kick'
			};
		case 'ban':
			return {
				title: `Ban ${name}?`,
				description:
					'They leave the community and cannot come back until the ban is lifted. Their messages stay.',
				confirm: 'Ban'
			};
	}
}
