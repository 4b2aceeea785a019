// Files for administrators: the search, how each file reads, and blocked hashes.
import type { Schemas } from '$api/client';

export type AdminFile = Schemas['AdminFileView'];
export type BlockedHash = Schemas['BlockedHashView'];

/** Rows per page of the files list. */
export const FILES_PAGE = 50;
export const REASON_MAX = 500;

const SHA256 = /^[0-9a-f]{64}$/i;

export function isSha256(value: string): boolean {
	return SHA256.test(value.trim());
}

/**
 * The search as the server takes it: part of a name, or a whole SHA-256 (the server
 * compares hashes exactly and stores them in lowercase). Empty: no search.
 */
export function searchQuery(input: string): string | undefined {
	const text = input.trim().slice(0, 200);
	if (!text) return undefined;
	return isSha256(text) ? text.toLowerCase() : text;
}

/** The first and last digits of a hash, for narrow columns ("3a7bd3…e2b1c4"). */
export function shortHash(sha256: string): string {
	return sha256.length > 16 ? `${sha256.slice(0, 8)}…${sha256.slice(-6)}` : sha256;
}

export function isQuarantined(file: Pick<AdminFile, 'quarantined_at'>): boolean {
	return Boolean(file.quarantined_at);
}

/** Where the file is: attached to a message, or not (yet, or any longer). */
export function placeText(file: Pick<AdminFile, 'message_id' | 'channel_id'>): string {
	if (file.message_id) return 'In a message';
	return file.channel_id ? 'In a channel' : 'Not attached';
}

/** The reason of a blocked hash as shown ("no reason given" when empty). */
export function reasonText(blocked: Pick<BlockedHash, 'reason'>): string {
	return blocked.reason.trim() || 'No reason given';
}

export type BlockErrors = Partial<Record<'sha256' | 'reason', string>>;

/** The block-a-hash form's mistakes, as the server would find them. */
export function blockErrors(form: { sha256: string; reason: string }): BlockErrors {
	const errors: BlockErrors = {};
	if (!form.sha256.trim()) errors.sha256 = 'Enter a SHA-256.';
	else if (!isSha256(form.sha256)) errors.sha256 = 'A SHA-256 is 64 hexadecimal digits.';
	if ([...form.reason.trim()].length > REASON_MAX)
		errors.reason = `A reason is at most ${REASON_MAX} characters.`;
	return errors;
}

export function blockRequest(form: {
	sha256: string;
	reason: string;
}): Schemas['BlockHashRequest'] {
	return { sha256: form.sha256.trim().toLowerCase(), reason: form.reason.trim() };
}
