/**
 * Splits a search snippet into plain and matched parts. The server gives `[start, end)`
 * ranges in characters (Unicode scalar values), so the snippet is indexed by code point,
 * not by UTF-16 unit.
 */
export interface SnippetPart {
	text: string;
	match: boolean;
}

export function snippetParts(
	snippet: string,
	ranges: readonly (readonly number[])[]
): SnippetPart[] {
	const chars = Array.from(snippet);
	const parts: SnippetPart[] = [];
	let at = 0;
	const sorted = ranges
		.filter((r) => r.length === 2 && r[0]! < r[1]!)
		.toSorted((a, b) => a[0]! - b[0]!);
	for (const [rawStart, rawEnd] of sorted) {
		const start = Math.max(at, Math.min(rawStart!, chars.length));
		const end = Math.min(rawEnd!, chars.length);
		if (end <= start) continue;
		if (start > at) parts.push({ text: chars.slice(at, start).join(''), match: false });
		parts.push({ text: chars.slice(start, end).join(''), match: true });
		at = end;
	}
	if (at < chars.length) parts.push({ text: chars.slice(at).join(''), match: false });
	return parts;
}
