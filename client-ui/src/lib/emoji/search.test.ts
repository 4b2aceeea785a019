import { describe, expect, it } from 'vitest';
import { buildEmojiData, emojiData, fullyQualified } from './dataset';
import {
	emojiQueryAt,
	insertEmoji,
	replaceRange,
	searchEmoji,
	typedShortcodeAt,
	withTone
} from './search';
import type { EmojiEntry } from './types';

function entry(
	emoji: string,
	name: string,
	shortcodes: string[],
	order: number,
	tags: string[] = []
) {
	return { emoji, name, shortcodes, tags, group: 0, order } satisfies EmojiEntry;
}

const SMILE = entry('😄', 'grinning face with smiling eyes', ['smile'], 3, ['happy']);
const SMIRK = entry('😏', 'smirking face', ['smirk'], 40);
const SMILEY = entry('😃', 'grinning face with big eyes', ['smiley'], 2);
const CAT = entry('😸', 'grinning cat with smiling eyes', ['smile_cat'], 120);
const UP = entry('👍', 'thumbs up', ['+1', 'thumbsup'], 200);
const FACEPALM = entry('🤦', 'person facepalming', ['facepalm'], 300, ['disbelief']);
const ENTRIES = [SMILEY, SMILE, SMIRK, CAT, UP, FACEPALM];

describe('searchEmoji', () => {
	it('ranks an exact shortcode first, then shortcode prefixes in display order', () => {
		expect(searchEmoji(ENTRIES, 'smile')).toEqual([SMILE, SMILEY, CAT]);
		expect(searchEmoji(ENTRIES, 'smi')).toEqual([SMILEY, SMILE, SMIRK, CAT]);
	});

	it('finds names and keywords by word prefixes, in any order', () => {
		expect(searchEmoji(ENTRIES, 'happy')).toEqual([SMILE]);
		expect(searchEmoji(ENTRIES, 'eyes smil')).toEqual([SMILEY, SMILE, CAT]);
		expect(searchEmoji(ENTRIES, 'Thumbs Up')).toEqual([UP]);
		expect(searchEmoji(ENTRIES, 'thumbs_up')).toEqual([UP]);
	});

	it('falls back to substrings, and keeps +1 intact', () => {
		expect(searchEmoji(ENTRIES, 'palm')).toEqual([FACEPALM]);
		expect(searchEmoji(ENTRIES, '+1')).toEqual([UP]);
	});

	it('finds nothing for an empty or unknown query, and respects the limit', () => {
		expect(searchEmoji(ENTRIES, '  ')).toEqual([]);
		expect(searchEmoji(ENTRIES, 'zebra')).toEqual([]);
		expect(searchEmoji(ENTRIES, 'smi', 2)).toEqual([SMILEY, SMILE]);
	});
});

describe('composer text', () => {
	it('finds a :query of two characters or more at the caret', () => {
		expect(emojiQueryAt('Party :ta', 9)).toEqual({ start: 6, query: 'ta' });
		expect(emojiQueryAt(':+1', 3)).toEqual({ start: 0, query: '+1' });
		expect(emojiQueryAt('Party :t', 8)).toBeNull();
		// Not inside words, times or links.
		expect(emojiQueryAt('note:ta', 7)).toBeNull();
		expect(emojiQueryAt('at 12:30', 8)).toBeNull();
		expect(emojiQueryAt('https://x', 9)).toBeNull();
		// Only what ends at the caret.
		expect(emojiQueryAt(':tada and more', 14)).toBeNull();
	});

	it('finds a complete :shortcode: just typed', () => {
		expect(typedShortcodeAt('Party :tada:', 12)).toEqual({ start: 6, query: 'tada' });
		expect(typedShortcodeAt('Party :tada: x', 14)).toBeNull();
		expect(typedShortcodeAt('a::', 3)).toBeNull();
	});

	it('inserts an emoji with one space after it', () => {
		expect(insertEmoji('Party :ta now', { start: 6, query: 'ta' }, '🎉')).toEqual({
			text: 'Party 🎉 now',
			caret: 9
		});
		expect(replaceRange('ab', 1, 1, '🎉')).toEqual({ text: 'a🎉b', caret: 3 });
	});
});

describe('emoji data', () => {
	it('has groups, shortcodes, names of tone variants and the tones themselves', () => {
		expect(emojiData.groups.map((g) => g.name)).toContain('Smileys & emotion');
		expect(emojiData.groups.some((g) => g.name === 'Components')).toBe(false);
		expect(emojiData.byShortcode.get('tada')?.emoji).toBe('🎉');
		expect(emojiData.byShortcode.get('+1')?.name).toBe('thumbs up');
		// Fully qualified, as the quick reactions are: no U+FE0F after 👍, one after ❤.
		expect(emojiData.byShortcode.get('+1')?.emoji).toBe('👍');
		expect(emojiData.byShortcode.get('heart')?.emoji).toBe('❤️');
		expect(fullyQualified('☺️')).toBe('☺️');
		const wave = emojiData.byShortcode.get('wave')!;
		expect(withTone(wave, 0)).toBe('👋');
		expect(withTone(wave, 5)).toBe('👋🏿');
		expect(emojiData.names.get('👋🏿')).toBe('waving hand: dark skin tone');
		expect(withTone(emojiData.byShortcode.get('tada')!, 3)).toBe('🎉');
	});

	it('finds common emoji by name in the real set', () => {
		expect(searchEmoji(emojiData.entries, 'tada', 1)[0]?.emoji).toBe('🎉');
		expect(searchEmoji(emojiData.entries, 'party popper', 1)[0]?.emoji).toBe('🎉');
		expect(searchEmoji(emojiData.entries, 'smile', 1)[0]?.emoji).toBe('😄');
	});

	it('keeps a single-tone variant only when all five exist', () => {
		const data = buildEmojiData(
			[
				{
					hexcode: '1F91D',
					label: 'handshake',
					unicode: '🤝',
					group: 1,
					order: 1,
					skins: [
						{ hexcode: '1FAF1-1F3FB-200D-1FAF2-1F3FC', label: 'mixed', unicode: 'mixed' },
						...['1F3FB', '1F3FC', '1F3FD', '1F3FE', '1F3FF'].map((tone, i) => ({
							hexcode: `1F91D-${tone}`,
							label: `handshake ${i}`,
							unicode: `🤝${i}`
						}))
					]
				},
				{ hexcode: '1F3FB', label: 'light skin tone', unicode: '🏻', group: 2, order: 2 }
			],
			{ '1F91D': 'handshake' },
			[
				{ order: 1, message: 'people & body' },
				{ order: 2, message: 'components' }
			]
		);
		expect(data.entries.map((e) => e.emoji)).toEqual(['🤝']);
		expect(data.entries[0]?.skins).toEqual(['🤝0', '🤝1', '🤝2', '🤝3', '🤝4']);
		expect(data.groups).toHaveLength(1);
	});
});
