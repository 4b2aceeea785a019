/**
 * Builds the emoji set from emojibase-data (CLDR names and keywords, GitHub shortcodes).
 * Only reached through `loadEmoji()`'s dynamic import, so the ~0.8 MB of JSON stays out
 * of the main bundle.
 */
import compactJson from 'emojibase-data/en/compact.json';
import messagesJson from 'emojibase-data/en/messages.json';
import githubJson from 'emojibase-data/en/shortcodes/github.json';
import type { EmojiData, EmojiEntry, EmojiGroup } from './types';

interface CompactEmoji {
	hexcode: string;
	label: string;
	unicode: string;
	group?: number;
	order?: number;
	tags?: string[];
	skins?: CompactEmoji[];
}

/** The group of skin tone swatches and hair parts, which are not emoji on their own. */
const COMPONENT_GROUP = 2;
const TONE_MODIFIERS = ['1F3FB', '1F3FC', '1F3FD', '1F3FE', '1F3FF'];
const GROUP_ICONS = ['😀', '👋', '', '🐻', '🍔', '✈️', '⚽', '💡', '🔣', '🏁'];

/**
 * Unicode's fully-qualified form: emojibase adds U+FE0F even after characters that are
 * emoji by default (👍), which would make a second, separate "👍" reaction.
 */
export function fullyQualified(unicode: string): string {
	return unicode.replace(/(\p{Emoji_Presentation})\uFE0F/gu, '$1');
}

/** The five single-tone variants (light to dark) of an emoji that has skins. */
function toneVariants(skins: CompactEmoji[] | undefined): string[] | undefined {
	if (!skins) return undefined;
	const variants = TONE_MODIFIERS.map((modifier) => {
		// Multi-person emoji list every combination; keep the one with a single tone.
		const found = skins.find((skin) => {
			const tones = skin.hexcode.split('-').filter((part) => TONE_MODIFIERS.includes(part));
			return tones.length > 0 && tones.every((tone) => tone === modifier);
		});
		return found && fullyQualified(found.unicode);
	});
	return variants.every((v) => v !== undefined) ? (variants as string[]) : undefined;
}

export function buildEmojiData(
	compact: readonly CompactEmoji[],
	shortcodes: Record<string, string | string[]>,
	groupNames: readonly { order: number; message: string }[]
): EmojiData {
	const entries: EmojiEntry[] = compact
		.filter((e) => e.group !== undefined && e.group !== COMPONENT_GROUP)
		.map((e) => {
			const codes = shortcodes[e.hexcode] ?? [];
			return {
				emoji: fullyQualified(e.unicode),
				name: e.label,
				shortcodes: Array.isArray(codes) ? codes : [codes],
				tags: e.tags ?? [],
				group: e.group!,
				order: e.order ?? Number.MAX_SAFE_INTEGER,
				skins: toneVariants(e.skins)
			};
		})
		.sort((a, b) => a.order - b.order);

	const groups: EmojiGroup[] = groupNames
		.filter((g) => g.order !== COMPONENT_GROUP)
		.map((g) => ({
			id: g.order,
			name: g.message.charAt(0).toUpperCase() + g.message.slice(1),
			icon: GROUP_ICONS[g.order] ?? '',
			entries: entries.filter((e) => e.group === g.order)
		}));

	// Names of every variant, for recently used emoji and reactions picked elsewhere.
	const names = new Map<string, string>();
	for (const e of compact) {
		names.set(fullyQualified(e.unicode), e.label);
		for (const skin of e.skins ?? []) names.set(fullyQualified(skin.unicode), skin.label);
	}
	const byShortcode = new Map<string, EmojiEntry>();
	for (const e of entries) for (const code of e.shortcodes) byShortcode.set(code, e);

	return { entries, groups, names, byShortcode };
}

export const emojiData: EmojiData = buildEmojiData(
	compactJson as CompactEmoji[],
	githubJson as Record<string, string | string[]>,
	messagesJson.groups
);
