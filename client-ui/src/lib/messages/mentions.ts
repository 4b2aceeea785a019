/**
 * @mention autocomplete in the composer: finding the `@query` being typed at the caret,
 * ranking people for it, and putting the chosen username in its place.
 */
export interface MentionCandidate {
	id: string;
	username: string;
	name: string;
}

export interface MentionQuery {
	/** Index of the `@`. */
	start: number;
	query: string;
}

/** The `@query` that ends at the caret, if the caret is in one. */
export function mentionAt(text: string, caret: number): MentionQuery | null {
	const before = text.slice(0, caret);
	const match = /(^|\s)@([\p{L}\p{N}_.-]{0,32})$/u.exec(before);
	if (!match) return null;
	return { start: caret - match[2]!.length - 1, query: match[2]! };
}

/** People whose username or name starts with (then contains) the query; at most `limit`. */
export function rankMentions(
	people: readonly MentionCandidate[],
	query: string,
	limit = 8
): MentionCandidate[] {
	const q = query.toLowerCase();
	const score = (p: MentionCandidate) => {
		const username = p.username.toLowerCase();
		const name = p.name.toLowerCase();
		if (username.startsWith(q)) return 0;
		if (name.startsWith(q) || name.split(/\s+/).some((w) => w.startsWith(q))) return 1;
		if (username.includes(q) || name.includes(q)) return 2;
		return -1;
	};
	return people
		.map((p) => ({ p, s: score(p) }))
		.filter(({ s }) => s >= 0)
		.sort((a, b) => a.s - b.s || a.p.username.localeCompare(b.p.username))
		.slice(0, limit)
		.map(({ p }) => p);
}

/** The text with the mention replaced by `@username `, and the caret after it. */
export function insertMention(
	text: string,
	mention: MentionQuery,
	username: string
): { text: string; caret: number } {
	const end = mention.start + 1 + mention.query.length;
	const inserted = `@${username} `;
	return {
		text: text.slice(0, mention.start) + inserted + text.slice(end).replace(/^ /, ''),
		caret: mention.start + inserted.length
	};
}
