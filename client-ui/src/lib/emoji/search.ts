/**
 * Finding emoji by name, keyword or shortcode (the picker's search box and the composer's
 * `:shortcode` autocomplete), and the composer's text handling around them.
 */
import type { EmojiEntry, SkinTone } from './types';

/** Lower case, with `_` and `-` as spaces, so `thumbs_up`, `thumbs-up` and "thumbs up" match. */
function normalize(text: string): string {
	return text.toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function words(text: string): string[] {
	return normalize(text).split(' ');
}

/**
 * Lower is better, -1 for no match: an exact shortcode, a shortcode or the name starting
 * with the query, every query word starting a word of the name, shortcodes or keywords,
 * then the query anywhere in a shortcode or the name.
 */
export function scoreEmoji(entry: EmojiEntry, query: string): number {
	const q = normalize(query);
	if (!q) return -1;
	// `+1` and `-1` would be lost to normalisation.
	const raw = query.toLowerCase();
	const codes = entry.shortcodes.map((c) => c.toLowerCase());
	if (codes.includes(raw)) return 0;
	const normalCodes = codes.map(normalize);
	const name = normalize(entry.name);
	if (normalCodes.includes(q) || name === q) return 0;
	if (normalCodes.some((c) => c.startsWith(q))) return 1;
	if (name.startsWith(q)) return 2;
	const known = [...words(entry.name), ...codes.flatMap(words), ...entry.tags.flatMap(words)];
	if (q.split(' ').every((w) => known.some((k) => k.startsWith(w)))) return 3;
	if (normalCodes.some((c) => c.includes(q)) || name.includes(q)) return 4;
	return -1;
}

/** Matching emoji, best first, then in display order; at most `limit`. */
export function searchEmoji(
	entries: readonly EmojiEntry[],
	query: string,
	limit = Infinity
): EmojiEntry[] {
	return entries
		.map((entry) => ({ entry, score: scoreEmoji(entry, query) }))
		.filter(({ score }) => score >= 0)
		.sort((a, b) => a.score - b.score || a.entry.order - b.entry.order)
		.slice(0, limit)
		.map(({ entry }) => entry);
}

/** The emoji in the chosen skin tone, when it has tones. */
export function withTone(entry: EmojiEntry, tone: SkinTone): string {
	return (tone > 0 && entry.skins?.[tone - 1]) || entry.emoji;
}

export interface EmojiQuery {
	/** Index of the `:`. */
	start: number;
	query: string;
}

/** The `:query` (two characters or more) that ends at the caret, if the caret is in one. */
export function emojiQueryAt(text: string, caret: number): EmojiQuery | null {
	const match = /(^|[\s([{])(:([\p{L}\p{N}_+-]{2,32}))$/u.exec(text.slice(0, caret));
	if (!match) return null;
	return { start: caret - match[2]!.length, query: match[3]! };
}

/** A complete `:shortcode:` just typed before the caret. */
export function typedShortcodeAt(text: string, caret: number): EmojiQuery | null {
	const match = /(^|[\s([{])(:([\p{L}\p{N}_+-]{1,32}):)$/u.exec(text.slice(0, caret));
	if (!match) return null;
	return { start: caret - match[2]!.length, query: match[3]! };
}

/** The text with `[start, end)` replaced by `insert`, and the caret after the insertion. */
export function replaceRange(
	text: string,
	start: number,
	end: number,
	insert: string
): { text: string; caret: number } {
	return {
		text: text.slice(0, start) + insert + text.slice(end),
		caret: start + insert.length
	};
}

/** The text with the `:query` replaced by the emoji and a space, and the caret after them. */
export function insertEmoji(
	text: string,
	query: EmojiQuery,
	emoji: string
): { text: string; caret: number } {
	const end = query.start + 1 + query.query.length;
	const inserted = `${emoji} `;
	return {
		text: text.slice(0, query.start) + inserted + text.slice(end).replace(/^ /, ''),
		caret: query.start + inserted.length
	};
}
