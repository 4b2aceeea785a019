/**
 * A large community's member list shows a page of members at a time and asks the
 * server for the presence of that page only (`watch_presence` with `users`), with a
 * count of everyone online: a whole list would send every viewer an entry per online
 * member (docs/realtime.md, *Presence*).
 */

/** Communities with more members than this show their member list by pages. */
export const WHOLE_LIST_MAX = 500;

/** Rows on one page of a large community's member list. */
export const MEMBER_PAGE_ROWS = 100;

/** Whether a community's member list shows pages instead of everyone. */
export function listsByPage(memberCount: number): boolean {
	return memberCount > WHOLE_LIST_MAX;
}
