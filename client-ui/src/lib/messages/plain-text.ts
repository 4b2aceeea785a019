/**
 * Message text with its markdown markup removed, for one-line places (reply quotes,
 * search snippets) where rendered markdown would not fit and raw markup reads as noise:
 * `**world**` → `world`, `[docs](https://…)` → `docs`, fences, heading and quote marks
 * dropped, lines joined by spaces. Works on any fragment (a snippet may cut a link in
 * half) and keeps a map from the original characters, so highlight ranges still land.
 */

export interface PlainText {
	text: string;
	/** For each character (code point) of the original: its index in `text`, or -1 if dropped. */
	map: number[];
}

const FENCE_LINE = /^[ \t]*(```|~~~).*$/;
const LINE_PREFIX = /^[ \t]{0,3}(#{1,6}[ \t]+|>[ \t]?|[-*+][ \t]+|\d{1,9}[.)][ \t]+)/;
const LINK_TAIL = /^\]\([^)\s]*(?:\s+"[^"]*")?\)/;

export function plainText(source: string): PlainText {
	const chars = Array.from(source);
	const drop = new Array<boolean>(chars.length).fill(false);
	const newline = new Array<boolean>(chars.length).fill(false);

	// Line by line: whole fence lines, then heading, quote and list marks.
	let start = 0;
	while (start <= chars.length) {
		let end = start;
		while (end < chars.length && chars[end] !== '\n') end++;
		const line = chars.slice(start, end).join('');
		if (FENCE_LINE.test(line)) {
			for (let i = start; i <= Math.min(end, chars.length - 1); i++) drop[i] = true;
		} else {
			const prefix = LINE_PREFIX.exec(line);
			if (prefix) for (let i = 0; i < Array.from(prefix[0]).length; i++) drop[start + i] = true;
			if (end < chars.length) newline[end] = true;
		}
		start = end + 1;
	}

	// Inline: link syntax around its text, emphasis and code marks.
	for (let i = 0; i < chars.length; i++) {
		const ch = chars[i]!;
		if (ch === ']') {
			const tail = LINK_TAIL.exec(chars.slice(i, i + 2048).join(''));
			if (tail) {
				const length = Array.from(tail[0]).length;
				for (let j = i; j < i + length; j++) drop[j] = true;
				for (let k = i - 1; k >= 0 && chars[k] !== '\n'; k--) {
					if (chars[k] === '[') {
						drop[k] = true;
						if (k > 0 && chars[k - 1] === '!') drop[k - 1] = true;
						break;
					}
				}
				i += length - 1;
			}
		} else if (ch === '*' || ch === '`') {
			drop[i] = true;
		} else if (ch === '~' && (chars[i + 1] === '~' || chars[i - 1] === '~')) {
			drop[i] = true;
		} else if (ch === '_') {
			// Intraword underscores (snake_case) are not emphasis.
			const inWord = /\w/.test(chars[i - 1] ?? '') && /\w/.test(chars[i + 1] ?? '');
			if (!inWord) drop[i] = true;
		}
	}

	const map: number[] = [];
	let text = '';
	let length = 0;
	for (let i = 0; i < chars.length; i++) {
		if (drop[i]) {
			map.push(-1);
			continue;
		}
		map.push(length);
		text += newline[i] ? ' ' : chars[i];
		length++;
	}
	return { text, map };
}

/** `[start, end)` ranges of the original, moved onto the plain text (dropped ends shrink). */
export function mapRanges(
	plain: PlainText,
	ranges: readonly (readonly number[])[]
): [number, number][] {
	const out: [number, number][] = [];
	for (const [start, end] of ranges) {
		if (start === undefined || end === undefined) continue;
		const kept = plain.map.slice(start, end).filter((i) => i >= 0);
		if (kept.length) out.push([kept[0]!, kept[kept.length - 1]! + 1]);
	}
	return out;
}
