import { describe, expect, it } from 'vitest';
import {
	customEmojiFileProblem,
	customEmojiName,
	customEmojiNameProblem,
	customEmojiNamesIn,
	isCustomEmojiName,
	isOnlyEmoji,
	searchCustomEmoji,
	splitCustomEmoji,
	suggestCustomEmojiName
} from './custom';

const known = (...names: string[]) => {
	const set = new Set(names);
	return (name: string) => set.has(name);
};

describe('custom emoji names', () => {
	it('accepts 2–32 lowercase letters, digits and underscores only', () => {
		expect(isCustomEmojiName('ok')).toBe(true);
		expect(isCustomEmojiName('party_parrot_2')).toBe(true);
		expect(isCustomEmojiName('a'.repeat(32))).toBe(true);
		expect(isCustomEmojiName('a')).toBe(false);
		expect(isCustomEmojiName('a'.repeat(33))).toBe(false);
		for (const bad of ['Party', 'par ty', 'par-ty', 'p:p', '<b>', 'é_é', 'x"y', '']) {
			expect(isCustomEmojiName(bad), bad).toBe(false);
		}
	});

	it('reads the name of a :name: reaction and nothing else', () => {
		expect(customEmojiName(':blob:')).toBe('blob');
		expect(customEmojiName('👍')).toBeNull();
		expect(customEmojiName(':a:')).toBeNull();
		expect(customEmojiName(':Blob:')).toBeNull();
		expect(customEmojiName(':bl ob:')).toBeNull();
		expect(customEmojiName('blob')).toBeNull();
		expect(customEmojiName('::')).toBeNull();
	});

	it('explains names the server would refuse', () => {
		expect(customEmojiNameProblem('party')).toBeNull();
		expect(customEmojiNameProblem('')).toMatch(/name/);
		expect(customEmojiNameProblem('x')).toMatch(/2 to 32/);
		expect(customEmojiNameProblem('Party')).toMatch(/lowercase/);
		expect(customEmojiNameProblem(':party:')).toMatch(/lowercase/);
	});

	it('suggests a name from a file name', () => {
		expect(suggestCustomEmojiName('Party Parrot.gif')).toBe('party_parrot');
		expect(suggestCustomEmojiName('--cat--.png')).toBe('cat');
		expect(suggestCustomEmojiName('a'.repeat(40) + '.webp')).toHaveLength(32);
	});

	it('checks the image type and size before uploading', () => {
		expect(customEmojiFileProblem({ size: 1000, type: 'image/png' })).toBeNull();
		expect(customEmojiFileProblem({ size: 1000, type: 'image/gif' })).toBeNull();
		expect(customEmojiFileProblem({ size: 1000, type: 'image/webp' })).toBeNull();
		expect(customEmojiFileProblem({ size: 1000, type: 'image/svg+xml' })).toMatch(/PNG, GIF/);
		expect(customEmojiFileProblem({ size: 1000, type: 'image/jpeg' })).toMatch(/PNG, GIF/);
		expect(customEmojiFileProblem({ size: 256 * 1024, type: 'image/png' })).toBeNull();
		expect(customEmojiFileProblem({ size: 256 * 1024 + 1, type: 'image/png' })).toMatch(/256 KB/);
		expect(customEmojiFileProblem({ size: 0, type: 'image/png' })).toMatch(/empty/);
		// An unknown type is left to the server, which looks at the content.
		expect(customEmojiFileProblem({ size: 10, type: '' })).toBeNull();
	});
});

describe('splitting text at custom emoji', () => {
	it('cuts out known names and keeps everything else as text', () => {
		expect(splitCustomEmoji('hi :blob: there', known('blob'))).toEqual([
			{ text: 'hi ' },
			{ emoji: 'blob' },
			{ text: ' there' }
		]);
		expect(splitCustomEmoji(':blob::cat:', known('blob', 'cat'))).toEqual([
			{ emoji: 'blob' },
			{ emoji: 'cat' }
		]);
		expect(splitCustomEmoji('no emoji', known('blob'))).toEqual([{ text: 'no emoji' }]);
		expect(splitCustomEmoji('', known('blob'))).toEqual([]);
	});

	it('leaves unknown and invalid names as text, and finds a known one right after', () => {
		const isKnown = known('cat');
		expect(splitCustomEmoji(':nope: :cat:', isKnown)).toEqual([
			{ text: ':nope: ' },
			{ emoji: 'cat' }
		]);
		// The colon closing an unknown name can open a known one.
		expect(splitCustomEmoji(':nope:cat:', isKnown)).toEqual([{ text: ':nope' }, { emoji: 'cat' }]);
		expect(splitCustomEmoji('10:30:45 :Cat: :c a t:', isKnown)).toEqual([
			{ text: '10:30:45 :Cat: :c a t:' }
		]);
	});

	it('only ever asks about valid names', () => {
		const asked: string[] = [];
		splitCustomEmoji(':ok: :<img src=x>: :"x": :a: :' + 'b'.repeat(33) + ': :fine_1:', (name) => {
			asked.push(name);
			return false;
		});
		expect(asked).toEqual(['ok', 'fine_1']);
		expect(asked.every(isCustomEmojiName)).toBe(true);
	});

	it('joins back into the original text', () => {
		const text = 'a :x1: b ::x1:: :x1 c:x1:';
		const parts = splitCustomEmoji(text, known('x1'));
		expect(parts.map((p) => ('text' in p ? p.text : `:${p.emoji}:`)).join('')).toBe(text);
	});

	it('lists the names a text uses, known or not', () => {
		expect(customEmojiNamesIn('hi :blob: and :cat::blob: at 10:30:45 :Nope:')).toEqual([
			'blob',
			'cat',
			'30'
		]);
		expect(customEmojiNamesIn('plain')).toEqual([]);
	});

	it('tells a message of nothing but emoji', () => {
		const isKnown = known('blob', 'cat');
		expect(isOnlyEmoji(':blob:', isKnown)).toBe(true);
		expect(isOnlyEmoji(' :blob: :cat: ', isKnown)).toBe(true);
		expect(isOnlyEmoji(':blob: 🎉 👍🏽', isKnown)).toBe(true);
		expect(isOnlyEmoji(':blob: hi', isKnown)).toBe(false);
		expect(isOnlyEmoji(':nope:', isKnown)).toBe(false);
		expect(isOnlyEmoji('🎉', isKnown)).toBe(false);
		expect(isOnlyEmoji(':blob:'.repeat(11), isKnown)).toBe(false);
	});
});

describe('searching custom emoji', () => {
	const list = ['party_parrot', 'parrot', 'blob_party', 'cat', 'apart'].map((name) => ({ name }));

	it('ranks the exact name, then prefixes, word prefixes and substrings', () => {
		expect(searchCustomEmoji(list, 'parrot').map((e) => e.name)).toEqual([
			'parrot',
			'party_parrot'
		]);
		expect(searchCustomEmoji(list, 'part').map((e) => e.name)).toEqual([
			'party_parrot',
			'blob_party',
			'apart'
		]);
		expect(searchCustomEmoji(list, ':CAT:').map((e) => e.name)).toEqual(['cat']);
		expect(searchCustomEmoji(list, 'party parrot').map((e) => e.name)).toEqual(['party_parrot']);
		expect(searchCustomEmoji(list, 'zzz')).toEqual([]);
		expect(searchCustomEmoji(list, '')).toEqual([]);
		expect(searchCustomEmoji(list, 'a', 2)).toHaveLength(2);
	});
});
