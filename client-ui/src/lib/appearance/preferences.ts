/**
 * Display preferences (PROF-3): what they are, their defaults, how a device caches them
 * (localStorage, read before first paint by `app.html`) and how the server's view maps
 * onto them. No state here: the store is `theme.svelte.ts`.
 */
export type ThemePreference = 'system' | 'light' | 'dark';
export type Palette = 'default' | 'ocean' | 'forest' | 'rose' | 'high_contrast';
import type { TimeFormat } from '$shared/clock.svelte';

export type { TimeFormat };

/** The preferences, named as the server names them. */
export interface Preferences {
	theme: ThemePreference;
	palette: Palette;
	/** `#rrggbb`, or null for the palette's own accent. */
	accent: string | null;
	compact: boolean;
	time_format: TimeFormat;
	reduce_motion: boolean;
	link_previews: boolean;
}

export type PreferenceField = keyof Preferences;

/** The server's view: the preferences, and when they last changed (null: never). */
export interface ServerPreferences extends Preferences {
	updated_at: string | null;
}

/** What the server sends (`PreferencesView`), before it is checked. */
export interface WirePreferences {
	theme: string;
	palette: string;
	accent?: string | null;
	compact: boolean;
	time_format: string;
	reduce_motion: boolean;
	link_previews: boolean;
	updated_at?: string | null;
}

export const THEMES: readonly ThemePreference[] = ['system', 'light', 'dark'];
export const PALETTES: readonly Palette[] = ['default', 'ocean', 'forest', 'rose', 'high_contrast'];
export const TIME_FORMATS: readonly TimeFormat[] = ['auto', '12h', '24h'];

export const DEFAULT_PREFERENCES: Readonly<Preferences> = {
	theme: 'system',
	palette: 'default',
	accent: null,
	compact: false,
	time_format: 'auto',
	reduce_motion: false,
	link_previews: true
};

export const FIELDS = Object.keys(DEFAULT_PREFERENCES) as PreferenceField[];

/** What each field is called in messages ("Your … could not be saved"). */
export const FIELD_NAMES: Record<PreferenceField, string> = {
	theme: 'theme',
	palette: 'palette',
	accent: 'accent colour',
	compact: 'compact mode',
	time_format: 'time format',
	reduce_motion: 'motion setting',
	link_previews: 'link preview setting'
};

const HEX_COLOR = /^#[0-9a-f]{6}$/i;

/** `#rrggbb` in lower case, or null for anything else. */
export function normalizeColor(raw: string | null | undefined): string | null {
	return raw && HEX_COLOR.test(raw) ? raw.toLowerCase() : null;
}

function oneOf<T extends string>(allowed: readonly T[], raw: unknown, fallback: T): T {
	return allowed.includes(raw as T) ? (raw as T) : fallback;
}

/** The server's view, with anything this client does not know replaced by the default. */
export function fromWire(view: WirePreferences): ServerPreferences {
	const d = DEFAULT_PREFERENCES;
	return {
		theme: oneOf(THEMES, view.theme, d.theme),
		palette: oneOf(PALETTES, view.palette, d.palette),
		accent: normalizeColor(view.accent),
		compact: view.compact === true,
		time_format: oneOf(TIME_FORMATS, view.time_format, d.time_format),
		reduce_motion: view.reduce_motion === true,
		link_previews: view.link_previews !== false,
		updated_at: view.updated_at ?? null
	};
}

/** The localStorage keys (the first three predate server sync; `app.html` reads them all). */
export const STORAGE_KEYS: Record<PreferenceField, string> = {
	theme: 'chatalot.theme',
	palette: 'chatalot.palette',
	accent: 'chatalot.accent',
	compact: 'chatalot.compact',
	time_format: 'chatalot.time-format',
	reduce_motion: 'chatalot.reduce-motion',
	link_previews: 'chatalot.link-previews'
};

/** Fields changed here that the server has not confirmed yet (survives a reload). */
export const UNSYNCED_STORAGE_KEY = 'chatalot.preferences.unsynced';
/** The account whose preferences this device's cache holds. */
export const SYNCED_USER_STORAGE_KEY = 'chatalot.preferences.user';

/** Reads one field from its stored text (null: never stored). */
export function readStored<K extends PreferenceField>(
	field: K,
	raw: string | null
): Preferences[K] {
	const d = DEFAULT_PREFERENCES;
	const value: Preferences[PreferenceField] = {
		theme: () => oneOf(THEMES, raw, d.theme),
		palette: () => oneOf(PALETTES, raw, d.palette),
		accent: () => normalizeColor(raw),
		compact: () => raw === 'true',
		time_format: () => oneOf(TIME_FORMATS, raw, d.time_format),
		reduce_motion: () => raw === 'true',
		link_previews: () => raw !== 'false'
	}[field]();
	return value as Preferences[K];
}

/** The text a field is stored as (`readStored` reads it back). */
export function storedText(value: Preferences[PreferenceField]): string {
	return value === null ? '' : String(value);
}

/** The fields where this device differs from the defaults. */
export function changedFromDefaults(preferences: Preferences): PreferenceField[] {
	return FIELDS.filter((field) => preferences[field] !== DEFAULT_PREFERENCES[field]);
}

/** The fields of `preferences` named in `fields` (a PATCH body). */
export function pick(
	preferences: Preferences,
	fields: Iterable<PreferenceField>
): Partial<Preferences> {
	const out: Partial<Preferences> = {};
	for (const field of fields) (out as Record<string, unknown>)[field] = preferences[field];
	return out;
}

/** "theme", "theme and palette", "theme, palette and accent colour". */
export function describeFields(fields: readonly PreferenceField[]): string {
	const names = fields.map((field) => FIELD_NAMES[field]);
	if (names.length <= 1) return names[0] ?? 'preferences';
	return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** Relative luminance (WCAG) of `#rrggbb`. */
function luminance(hex: string): number {
	const [r, g, b] = [1, 3, 5].map((i) => {
		const c = parseInt(hex.slice(i, i + 2), 16) / 255;
		return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrastRatio(a: string, b: string): number {
	const [x, y] = [luminance(a), luminance(b)];
	return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

/** The text colour that reads best on a background of `accent` (white, or near-black). */
export function textOn(accent: string): '#ffffff' | '#111111' {
	return contrastRatio('#ffffff', accent) >= contrastRatio('#111111', accent)
		? '#ffffff'
		: '#111111';
}
