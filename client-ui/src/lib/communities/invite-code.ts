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
