/**
 * The server's rule for text channel names (docs/api.md), mirrored to show the name a
 * channel will get while it is typed: lower case, words joined by single dashes,
 * letters and digits of any script, `-` and `_`. Voice channels keep the name as typed.
 * The server's answer stays the authority.
 */
const WORD_CHARACTER = /[\p{Alphabetic}\p{N}_]/u;

/** The name the server will store, or `null` if it will refuse it. */
export function textChannelName(raw: string): string | null {
	let name = '';
	for (const c of raw.trim()) {
		if (/\s/u.test(c) || c === '-') {
			if (name && !name.endsWith('-')) name += '-';
		} else if (WORD_CHARACTER.test(c)) {
			name += c.toLowerCase();
		} else {
			return null;
		}
	}
	name = name.replace(/-+$/u, '');
	return name && [...name].length <= 64 ? name : null;
}
