/** One emoji as the picker and the autocomplete use it. */
export interface EmojiEntry {
	/** The emoji itself, in its default (yellow) form. */
	emoji: string;
	/** CLDR name, e.g. "grinning face": the accessible name and the main search text. */
	name: string;
	/** GitHub-style shortcodes without colons, e.g. ["+1", "thumbsup"]. */
	shortcodes: string[];
	/** CLDR keywords. */
	tags: string[];
	group: number;
	/** Unicode's recommended display order. */
	order: number;
	/** Light to dark skin tone variants, when the emoji has them. */
	skins?: string[];
}

export interface EmojiGroup {
	id: number;
	name: string;
	/** An emoji that stands for the group on its tab. */
	icon: string;
	entries: EmojiEntry[];
}

export interface EmojiData {
	/** Every emoji, in display order. */
	entries: EmojiEntry[];
	groups: EmojiGroup[];
	/** Name of any emoji, skin tone variants included. */
	names: Map<string, string>;
	byShortcode: Map<string, EmojiEntry>;
}

/** 0 is the default yellow; 1–5 light to dark (Fitzpatrick scale). */
export type SkinTone = 0 | 1 | 2 | 3 | 4 | 5;
