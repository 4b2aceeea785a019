/**
 * Custom (community) emoji: their names, finding them in text and matching them to a
 * `:query`. A custom emoji is written `:name:`; the name is 2–32 of `a-z 0-9 _`, which is
 * all the server accepts, so nothing else is ever looked up or put into markup.
 */
import type { Schemas } from '$api/client';

export type CustomEmoji = Schemas['CustomEmojiView'];

/** The names the server accepts: 2–32 lowercase letters, digits or underscores. */
export const CUSTOM_EMOJI_NAME = /^[a-z0-9_]{2,32}$/;
/** The largest image the server takes (PNG, GIF or WebP). */
export const CUSTOM_EMOJI_MAX_BYTES = 256 * 1024;
export const CUSTOM_EMOJI_TYPES = ['image/png', 'image/gif', 'image/webp'] as const;
/** At most this many per community. */
export const CUSTOM_EMOJI_LIMIT = 50;

/** `:name:` occurrences in text (the global flag: reset `lastIndex` before use). */
const IN_TEXT = /:([a-z0-9_]{2,32}):/g;

export function isCustomEmojiName(name: string): boolean {
	return CUSTOM_EMOJI_NAME.test(name);
}

/** The name in `:name:` (a reaction's emoji), or null for anything else (a Unicode emoji). */
export function customEmojiName(emoji: string): string | null {
	if (emoji.length < 4 || !emoji.startsWith(':') || !emoji.endsWith(':')) return null;
	const name = emoji.slice(1, -1);
	return isCustomEmojiName(name) ? name : null;
}

/** Why a name cannot be used, or null when it can. */
export function customEmojiNameProblem(name: string): string | null {
	if (!name) return 'Give the emoji a name.';
	if (name.length < 2 || name.length > 32) return 'A name is 2 to 32 characters long.';
	if (!isCustomEmojiName(name)) {
		return 'Use only lowercase letters, digits and underscores (no spaces or colons).';
	}
	return null;
}

/** A name suggested by a file's name: `Party Parrot.gif` → `party_parrot`. */
export function suggestCustomEmojiName(fileName: string): string {
	return fileName
		.replace(/\.[^.]*$/, '')
		.toLowerCase()
		.replace(/[^a-z0-9_]+/g, '_')
		.replace(/^_+|_+$/g, '')
		.slice(0, 32);
}

/** Why an image cannot be a custom emoji (checked again by the server), or null. */
export function customEmojiFileProblem(file: { size: number; type: string }): string | null {
	if (file.type && !(CUSTOM_EMOJI_TYPES as readonly string[]).includes(file.type)) {
		return 'Use a PNG, GIF or WebP image.';
	}
	if (file.size > CUSTOM_EMOJI_MAX_BYTES) return 'The image is larger than 256 KB.';
	if (file.size === 0) return 'The file is empty.';
	return null;
}

/** The distinct names written `:name:` in text, known or not (at most 20). */
export function customEmojiNamesIn(text: string): string[] {
	if (!text.includes(':')) return [];
	const names = new Set<string>();
	IN_TEXT.lastIndex = 0;
	for (let match = IN_TEXT.exec(text); match && names.size < 20; match = IN_TEXT.exec(text)) {
		names.add(match[1]!);
		// `:a:b:` names both.
		IN_TEXT.lastIndex = match.index + match[0].length - 1;
	}
	return [...names];
}

/** A piece of text: plain text, or a custom emoji that `known` said exists. */
export type TextPart = { text: string } | { emoji: string };

/**
 * Splits text at the `:name:` of known custom emoji; anything else stays text (unknown
 * names too), and the parts joined give the text back.
 */
export function splitCustomEmoji(text: string, known: (name: string) => boolean): TextPart[] {
	const parts: TextPart[] = [];
	let last = 0;
	IN_TEXT.lastIndex = 0;
	for (let match = IN_TEXT.exec(text); match; match = IN_TEXT.exec(text)) {
		const name = match[1]!;
		if (!known(name)) {
			// `:a:b:` — the second colon may start the next one.
			IN_TEXT.lastIndex = match.index + 1;
			continue;
		}
		if (match.index > last) parts.push({ text: text.slice(last, match.index) });
		parts.push({ emoji: name });
		last = match.index + match[0].length;
	}
	if (last < text.length) parts.push({ text: text.slice(last) });
	return parts;
}

/** The most custom emoji a message may have and still be shown large. */
export const JUMBO_MAX = 10;

/**
 * Whether a message is nothing but known custom emoji (at most {@link JUMBO_MAX}) and
 * spaces, Unicode emoji allowed between them: such messages show the images larger.
 */
export function isOnlyEmoji(text: string, known: (name: string) => boolean): boolean {
	const parts = splitCustomEmoji(text.trim(), known);
	const emoji = parts.filter((p) => 'emoji' in p).length;
	if (emoji === 0 || emoji > JUMBO_MAX) return false;
	return parts.every((p) => 'emoji' in p || UNICODE_EMOJI_OR_SPACE.test(p.text));
}

const UNICODE_EMOJI_OR_SPACE =
	/^(?:\s|\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3)*$/u;

/**
 * Custom emoji matching a `:query` (colons and case ignored), best first: the exact name,
 * names starting with the query, a word of the name (after `_`) starting with it, then
 * the query anywhere; ties by name. At most `limit`.
 */
export function searchCustomEmoji<T extends { name: string }>(
	list: readonly T[],
	query: string,
	limit = Infinity
): T[] {
	const q = query
		.toLowerCase()
		.replace(/^:+|:+$/g, '')
		.trim()
		.replace(/[\s-]+/g, '_');
	if (!q) return [];
	const score = (name: string) => {
		if (name === q) return 0;
		if (name.startsWith(q)) return 1;
		if (name.split('_').some((word) => word.startsWith(q))) return 2;
		if (name.includes(q)) return 3;
		return -1;
	};
	return list
		.map((emoji) => ({ emoji, score: score(emoji.name) }))
		.filter(({ score }) => score >= 0)
		.sort((a, b) => a.score - b.score || compareNames(a.emoji.name, b.emoji.name))
		.slice(0, limit)
		.map(({ emoji }) => emoji);
}

export function compareNames(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
