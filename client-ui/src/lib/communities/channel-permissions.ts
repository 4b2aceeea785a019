import type { Schemas } from '$lib/api/client';

/** What a channel's permissions govern (COM-4), as the API names them. */
export type ChannelAct = keyof Schemas['ChannelPermissions'];
export type CommunityRole = Schemas['CommunityRole'];

export const ROLE_LEVEL: Record<CommunityRole, number> = {
	member: 0,
	moderator: 1,
	admin: 2,
	owner: 3
};

/** The choices a channel offers, lowest first, as a sentence fragment reads them. */
export const ROLE_CHOICES: { role: CommunityRole; label: string }[] = [
	{ role: 'member', label: 'Everyone' },
	{ role: 'moderator', label: 'Moderators and up' },
	{ role: 'admin', label: 'Admins and up' },
	{ role: 'owner', label: 'Owner only' }
];

export const ACT_LABELS: Record<ChannelAct, string> = {
	post: 'Who can post',
	react: 'Who can react',
	create_threads: 'Who can start threads',
	mention_everyone: 'Who can notify @everyone'
};

type ChannelRules = Pick<Schemas['ChannelView'], 'permissions' | 'read_only'>;

/** The lowest role that may `act` in the channel (read-only: admins post). */
export function minRole(channel: ChannelRules, act: ChannelAct): CommunityRole {
	const set = channel.permissions[act];
	if (act === 'post' && channel.read_only && ROLE_LEVEL[set] < ROLE_LEVEL.admin) return 'admin';
	return set;
}

/** Whether someone at `level` (0 member … 3 owner) may `act` in the channel, as the server decides. */
export function mayIn(channel: ChannelRules, level: number, act: ChannelAct): boolean {
	return level >= ROLE_LEVEL[minRole(channel, act)];
}

/** Why posting is closed to someone at `level`, or null when it is open. */
export function postingClosedReason(channel: ChannelRules, level: number): string | null {
	if (mayIn(channel, level, 'post')) return null;
	const min = minRole(channel, 'post');
	if (min === 'owner') return 'Only the owner can post in this channel.';
	return `Only ${min === 'admin' ? 'admins' : 'moderators'} can post in this channel.`;
}
