import type { Schemas } from '$api/client';

/** The invite code in what someone pasted: a bare code or an invite link (`…/invite/CODE`). */
export function inviteCodeFrom(input: string): string | null {
	const text = input.trim();
	if (!text) return null;
	const match = /\/invite\/([A-Za-z0-9_-]+)\/?(?:[?#].*)?$/.exec(text);
	if (match) return match[1]!;
	return /^[A-Za-z0-9_-]+$/.test(text) ? text : null;
}

/** The shareable link for an invite code. */
export function inviteLink(code: string, publicUrl?: string | null): string {
	const base = (publicUrl || globalThis.location?.origin || '').replace(/\/+$/, '');
	return `${base}/invite/${code}`;
}

const ROLE_LEVEL: Record<string, number> = { member: 0, moderator: 1, admin: 2, owner: 3 };
const POLICY_LEVEL: Record<string, number> = { everyone: 0, member: 0, moderator: 1, admin: 2 };

/**
 * Whether the signed-in user may create invites to the community: their role reaches its
 * `who_can_create_invites` (member, moderator or admin), as the server checks it.
 */
export function mayCreateInvites(
	community: Pick<Schemas['CommunityView'], 'my_role' | 'who_can_create_invites'>
): boolean {
	const mine = ROLE_LEVEL[community.my_role ?? 'member'] ?? 0;
	return mine >= (POLICY_LEVEL[community.who_can_create_invites] ?? 1);
}
