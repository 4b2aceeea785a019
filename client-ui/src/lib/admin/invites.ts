import type { RegistrationInvite } from '$api/client';

export type InviteStatus = 'active' | 'revoked' | 'expired' | 'used-up';

/** Whether an invite can still be used, as the server would judge it now. */
export function inviteStatus(invite: RegistrationInvite, now: number = Date.now()): InviteStatus {
	if (invite.revoked) return 'revoked';
	if (invite.expires_at && Date.parse(invite.expires_at) <= now) return 'expired';
	if (invite.max_uses != null && invite.uses >= invite.max_uses) return 'used-up';
	return 'active';
}

export const EXPIRY_CHOICES = [
	{ hours: 1, label: '1 hour' },
	{ hours: 24, label: '1 day' },
	{ hours: 168, label: '7 days' },
	{ hours: 720, label: '30 days' },
	{ hours: 8760, label: '1 year' },
	{ hours: null, label: 'Never' }
] as const;

/** A registration link that pre-fills the invite code. */
export function inviteLink(origin: string, code: string): string {
	return `${origin.replace(/\/+$/, '')}/register?invite=${encodeURIComponent(code)}`;
}
