// Announcements for administrators: the create form's rules (those of the server) and
// how each posted announcement reads in the list.
import type { Schemas } from '$api/client';
import type { PillTone } from '$shared/Pill.svelte';

export type AdminAnnouncement = Schemas['AdminAnnouncementView'];
export type AnnouncementSeverity = Schemas['AnnouncementSeverity'];
export type NewAnnouncement = Schemas['NewAnnouncementRequest'];

export const TITLE_MAX = 120;
export const BODY_MAX = 2000;
/** Rows per page of the list. */
export const PAGE_SIZE = 50;

export const SEVERITIES: { value: AnnouncementSeverity; label: string; hint: string }[] = [
	{ value: 'info', label: 'Information', hint: 'News and notices' },
	{ value: 'warning', label: 'Warning', hint: 'Planned maintenance, something to act on' },
	{ value: 'critical', label: 'Critical', hint: 'An outage or an urgent action' }
];

/** How each severity is coloured in the administrators' list. */
export const SEVERITY_TONES: Record<AnnouncementSeverity, PillTone> = {
	info: 'accent',
	warning: 'warning',
	critical: 'danger'
};

export function severityLabel(severity: AnnouncementSeverity): string {
	return SEVERITIES.find((s) => s.value === severity)?.label ?? severity;
}

export interface AnnouncementForm {
	title: string;
	body: string;
	severity: AnnouncementSeverity;
	/** A `datetime-local` value in the browser's time zone; empty: until withdrawn. */
	expires: string;
}

export const EMPTY_FORM: AnnouncementForm = {
	title: '',
	body: '',
	severity: 'info',
	expires: ''
};

export type FormErrors = Partial<Record<'title' | 'body' | 'expires_at', string>>;

/** Characters as the server counts them (Unicode scalar values, not UTF-16 units). */
export function charCount(text: string): number {
	return [...text].length;
}

/** The server's rule for text: no control character other than tab and newline. */
export function hasControlCharacters(text: string): boolean {
	// eslint-disable-next-line no-control-regex -- exactly what the rule is about
	return /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text);
}

/** A `datetime-local` value as an RFC 3339 UTC time; null when empty or not a time. */
export function expiryToIso(local: string): string | null {
	if (!local.trim()) return null;
	// Without a zone, a date-time string is read in the browser's time zone.
	const time = new Date(local);
	return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

/** `now` as a `datetime-local` value (to the minute), for the field's lower bound. */
export function localInputValue(now: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return (
		`${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}` +
		`T${pad(now.getHours())}:${pad(now.getMinutes())}`
	);
}

/** The form's mistakes, as the server would find them (it stays the authority). */
export function announcementErrors(form: AnnouncementForm, now: number = Date.now()): FormErrors {
	const errors: FormErrors = {};
	const title = form.title.trim();
	if (!title) errors.title = 'Title is required.';
	else if (charCount(title) > TITLE_MAX)
		errors.title = `Title must be at most ${TITLE_MAX} characters.`;
	else if (hasControlCharacters(title)) errors.title = 'Title must not contain control characters.';
	const body = form.body.trim();
	if (charCount(body) > BODY_MAX) errors.body = `Text must be at most ${BODY_MAX} characters.`;
	else if (hasControlCharacters(body))
		errors.body = 'Text must not contain control characters other than tab and newline.';
	if (form.expires.trim()) {
		const iso = expiryToIso(form.expires);
		if (!iso) errors.expires_at = 'Enter a date and time.';
		else if (Date.parse(iso) <= now) errors.expires_at = 'The expiry must be in the future.';
		else if (new Date(iso).getUTCFullYear() > 9999) errors.expires_at = 'Choose an earlier date.';
	}
	return errors;
}

/** The request for a valid form. */
export function requestBody(form: AnnouncementForm): NewAnnouncement {
	return {
		title: form.title.trim(),
		body: form.body.trim(),
		severity: form.severity,
		expires_at: expiryToIso(form.expires)
	};
}

/** Whether it is still showing, as the server would judge it now. */
export function isActive(
	announcement: Pick<AdminAnnouncement, 'active' | 'expires_at'>,
	now: number = Date.now()
): boolean {
	if (!announcement.active) return false;
	return !announcement.expires_at || Date.parse(announcement.expires_at) > now;
}

/** How many people dismissed it ("Dismissed by" comes before). */
export function dismissalsText(count: number): string {
	if (count === 0) return 'nobody';
	return count === 1 ? '1 person' : `${count} people`;
}

/** Who posted it: their name, or that the account is gone (deleted accounts leave none). */
export function authorText(announcement: Pick<AdminAnnouncement, 'created_by_username'>): string {
	return announcement.created_by_username ?? 'a deleted account';
}

/** A created announcement as the list shows it (nobody dismissed it yet). */
export function asListed(
	created: Schemas['AnnouncementView'],
	author: { id: string; username: string }
): AdminAnnouncement {
	return {
		...created,
		created_by: author.id,
		created_by_username: author.username,
		dismissals: 0,
		active: true
	};
}
