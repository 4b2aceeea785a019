/**
 * The announcements a person sees, as plain list operations: newest first, one entry per
 * ID, and nothing past its expiry. The store (`announcements.svelte.ts`) keeps the list;
 * these decide what it holds.
 */
import type { Schemas } from '$api/client';

export type Announcement = Schemas['AnnouncementView'];
export type Severity = Announcement['severity'];

/** The longest a timer may wait (setTimeout's limit is about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Whether it has expired by `now` (milliseconds since the epoch). */
export function isExpired(announcement: Pick<Announcement, 'expires_at'>, now: number): boolean {
	return !!announcement.expires_at && Date.parse(announcement.expires_at) <= now;
}

/** Newest first (by creation time, then ID, so the order is stable). */
export function newestFirst(list: readonly Announcement[]): Announcement[] {
	return [...list].sort(
		(a, b) =>
			Date.parse(b.created_at) - Date.parse(a.created_at) ||
			(a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
	);
}

/** The list with `announcement` added or replaced, unless it has already expired. */
export function withAnnouncement(
	list: readonly Announcement[],
	announcement: Announcement,
	now: number
): Announcement[] {
	const others = list.filter((a) => a.id !== announcement.id);
	if (isExpired(announcement, now)) return others;
	return newestFirst([...others, announcement]);
}

/** The list without the announcement `id` (the same list when it was not there). */
export function withoutAnnouncement(list: readonly Announcement[], id: string): Announcement[] {
	return list.some((a) => a.id === id) ? list.filter((a) => a.id !== id) : [...list];
}

/** The announcements still showing at `now`. */
export function unexpired(list: readonly Announcement[], now: number): Announcement[] {
	return list.filter((a) => !isExpired(a, now));
}

/**
 * Milliseconds until the next announcement in the list expires (at least 0, at most what
 * a timer can wait), or null when none of them expires.
 */
export function nextExpiryDelay(list: readonly Announcement[], now: number): number | null {
	let soonest: number | null = null;
	for (const a of list) {
		if (!a.expires_at) continue;
		const at = Date.parse(a.expires_at);
		if (Number.isNaN(at)) continue;
		if (soonest === null || at < soonest) soonest = at;
	}
	if (soonest === null) return null;
	return Math.min(Math.max(0, soonest - now), MAX_TIMER_MS);
}

/** Critical announcements interrupt (`alert`); the others wait their turn (`status`). */
export function bannerRole(severity: Severity): 'alert' | 'status' {
	return severity === 'critical' ? 'alert' : 'status';
}

export const SEVERITY_LABELS: Record<Severity, string> = {
	info: 'Information',
	warning: 'Warning',
	critical: 'Critical'
};

/** The dismiss button's accessible name. */
export function dismissLabel(announcement: Pick<Announcement, 'title'>): string {
	return `Dismiss announcement: ${announcement.title}`;
}
