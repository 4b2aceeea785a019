/**
 * Display preferences (PROF-3): theme, palette, accent colour, density, time format,
 * motion and link previews. They are applied to <html> (`data-theme`, `data-palette`,
 * `data-accent` with `--accent-custom`, `data-density`, `data-motion`) and cached in
 * localStorage, which `app.html` reads before first paint (same keys and rules) so pages
 * never flash.
 *
 * Signed in, the server is the source of truth (`connect`): its preferences are loaded
 * when the chat starts and at every `ready` of the WebSocket, and `preferences_updated`
 * brings the changes made on the person's other devices. A change made here applies at
 * once and sends only that field; if the server refuses it, it is undone and `syncError`
 * says why. A device whose person never saved preferences on the server (`updated_at`
 * null) sends its own choices once, so that nothing chosen before sync existed is lost.
 */
import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import { errorMessage } from '$api/errors';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import { setTimeFormat } from '$shared/clock.svelte';
import {
	changedFromDefaults,
	DEFAULT_PREFERENCES,
	describeFields,
	FIELDS,
	fromWire,
	normalizeColor,
	pick,
	readStored,
	STORAGE_KEYS,
	storedText,
	SYNCED_USER_STORAGE_KEY,
	textOn,
	UNSYNCED_STORAGE_KEY,
	type Palette,
	type PreferenceField,
	type Preferences,
	type ServerPreferences,
	type ThemePreference,
	type TimeFormat
} from './preferences';

export type { Palette, ThemePreference, TimeFormat } from './preferences';
export type ResolvedTheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = STORAGE_KEYS.theme;
export const MOTION_STORAGE_KEY = STORAGE_KEYS.reduce_motion;
export const LINK_PREVIEWS_STORAGE_KEY = STORAGE_KEYS.link_previews;

export interface ThemeEnvironment {
	storage: Pick<Storage, 'getItem' | 'setItem'>;
	matchMedia: (query: string) => MediaQueryList;
	root: HTMLElement;
}

/** Where the signed-in person's preferences live (the server, or a test's fake). */
export interface PreferencesSource {
	get(): Promise<ServerPreferences>;
	/** Changes the fields given; answers with all of them. */
	update(change: Partial<Preferences>): Promise<ServerPreferences>;
}

export class ThemeStore {
	/** What this device shows: the server's preferences, with the changes on their way. */
	values = $state<Preferences>({ ...DEFAULT_PREFERENCES });
	/** Why the latest change could not be saved (it was undone); null when all is well. */
	syncError = $state<string | null>(null);
	/** Changes sent and not answered yet. */
	saving = $state(0);
	/** Whether the preferences follow a signed-in person's (see `connect`). */
	connected = $state(false);
	/** The open community's theme overrides (COM-1), shown over the person's own. */
	private community: CommunityTheme | null = null;
	private systemDark = $state(false);
	private systemReducedMotion = $state(false);

	resolved: ResolvedTheme = $derived(
		this.values.theme === 'system' ? (this.systemDark ? 'dark' : 'light') : this.values.theme
	);
	motionReduced = $derived(this.values.reduce_motion || this.systemReducedMotion);

	private readonly env: ThemeEnvironment;
	private readonly cleanups: (() => void)[] = [];
	/** The server's latest view, once known. */
	private confirmed: Preferences | null = null;
	/** Fields changed here that the server has not confirmed (kept in storage). */
	private readonly unsynced = new SvelteSet<PreferenceField>();
	/** The latest request sent for each field with one on its way. */
	private readonly inflight = new SvelteMap<PreferenceField, number>();
	private requests = 0;
	private source: PreferencesSource | null = null;
	private userId: string | null = null;
	/** Bumped at every connect and disconnect: answers for an older connection are dropped. */
	private generation = 0;

	constructor(env: ThemeEnvironment) {
		this.env = env;
		this.values = Object.fromEntries(
			FIELDS.map((field) => [field, readStored(field, safeGet(env.storage, STORAGE_KEYS[field]))])
		) as unknown as Preferences;
		for (const field of readUnsynced(safeGet(env.storage, UNSYNCED_STORAGE_KEY))) {
			this.unsynced.add(field);
		}

		this.cleanups.push(
			watchMedia(env.matchMedia('(prefers-color-scheme: dark)'), (m) => {
				this.systemDark = m;
				this.apply();
			}),
			watchMedia(env.matchMedia('(prefers-reduced-motion: reduce)'), (m) => {
				this.systemReducedMotion = m;
				this.apply();
			})
		);
		this.apply();
	}

	get preference(): ThemePreference {
		return this.values.theme;
	}
	get palette(): Palette {
		return this.values.palette;
	}
	get accent(): string | null {
		return this.values.accent;
	}
	get compact(): boolean {
		return this.values.compact;
	}
	get timeFormat(): TimeFormat {
		return this.values.time_format;
	}
	/** Always reduce motion, whatever the system says. */
	get reduceMotion(): boolean {
		return this.values.reduce_motion;
	}
	/** Show previews (title, description, image) of links under messages. */
	get linkPreviews(): boolean {
		return this.values.link_previews;
	}

	setPreference(theme: ThemePreference): Promise<void> {
		return this.change({ theme });
	}
	setPalette(palette: Palette): Promise<void> {
		return this.change({ palette });
	}
	/** `#rrggbb`, or null for the palette's own accent. */
	setAccent(accent: string | null): Promise<void> {
		return this.change({ accent: accent === null ? null : normalizeColor(accent) });
	}
	setCompact(compact: boolean): Promise<void> {
		return this.change({ compact });
	}
	setTimeFormat(format: TimeFormat): Promise<void> {
		return this.change({ time_format: format });
	}
	setReduceMotion(reduce: boolean): Promise<void> {
		return this.change({ reduce_motion: reduce });
	}
	setLinkPreviews(show: boolean): Promise<void> {
		return this.change({ link_previews: show });
	}

	/**
	 * Follows the signed-in person's preferences on the server: loads them now and at every
	 * `ready` (the first and each reconnect), and applies `preferences_updated`. Returns the
	 * function that stops (signed out: the device keeps its cache).
	 */
	connect(source: PreferencesSource, realtime: Pick<Realtime, 'on'>, userId: string): () => void {
		const generation = ++this.generation;
		this.source = source;
		this.connected = true;
		this.userId = userId;
		this.inflight.clear();
		this.confirmed = null;
		this.syncError = null;
		// Unsaved changes of another account on this device are not this person's to keep.
		if (this.cacheOwner() !== null && this.cacheOwner() !== userId) this.clearUnsynced();
		const stops = [
			realtime.on('ready', () => void this.load().catch(() => {})),
			realtime.on('preferences_updated', ({ preferences }) =>
				this.applyServer(fromWire(preferences))
			)
		];
		void this.load().catch(() => {});
		return () => {
			for (const stop of stops) stop();
			if (this.generation !== generation) return;
			this.generation += 1;
			this.source = null;
			this.connected = false;
			this.userId = null;
			this.inflight.clear();
			this.saving = 0;
		};
	}

	/**
	 * Fetches the server's preferences and applies them, except for the changes made here
	 * that it has not confirmed yet: those are sent (again) instead. A failure keeps what
	 * is shown.
	 */
	async load(): Promise<void> {
		const source = this.source;
		if (!source) return;
		const generation = this.generation;
		const view = await source.get();
		if (generation !== this.generation) return;
		// Never saved on the server: this device's own choices become the person's, unless
		// they are another account's (a shared device).
		const owner = this.cacheOwner();
		const own =
			view.updated_at === null && (owner === null || owner === this.userId)
				? changedFromDefaults(this.values)
				: [];
		const push = FIELDS.filter(
			(field) => (this.unsynced.has(field) || own.includes(field)) && !this.inflight.has(field)
		);
		for (const field of push) this.unsynced.add(field);
		this.saveUnsynced();
		this.applyServer(view);
		if (push.length > 0) await this.send(push, null);
	}

	/** Takes the server's view (an answer, or its event), except for unconfirmed changes. */
	applyServer(view: ServerPreferences): void {
		if (!this.source) return;
		const preferences = pick(view, FIELDS) as Preferences;
		this.confirmed = preferences;
		if (this.userId) safeSet(this.env.storage, SYNCED_USER_STORAGE_KEY, this.userId);
		for (const field of FIELDS) {
			if (this.inflight.has(field) || this.unsynced.has(field)) continue;
			this.setLocal(field, preferences[field]);
		}
		this.apply();
	}

	dispose(): void {
		for (const cleanup of this.cleanups) cleanup();
	}

	/** Applies a change here at once, then saves it on the server (when signed in). */
	private async change(change: Partial<Preferences>): Promise<void> {
		const fields = Object.keys(change) as PreferenceField[];
		const before = pick(this.values, fields);
		for (const field of fields) {
			this.setLocal(field, change[field] as Preferences[typeof field]);
			this.unsynced.add(field);
		}
		this.saveUnsynced();
		this.apply();
		this.syncError = null;
		await this.send(fields, before);
	}

	/**
	 * Sends the fields' current values. When the server refuses, a change made here
	 * (`before` given) is undone, back to the server's value or else what was shown before;
	 * choices sent by `load` stay, to be sent again at the next `ready`.
	 */
	private async send(
		fields: PreferenceField[],
		before: Partial<Preferences> | null
	): Promise<void> {
		const source = this.source;
		if (!source) return;
		const generation = this.generation;
		const request = ++this.requests;
		for (const field of fields) this.inflight.set(field, request);
		this.saving += 1;
		let view: ServerPreferences;
		try {
			view = await source.update(pick(this.values, fields));
		} catch (error) {
			if (generation !== this.generation) return;
			this.saving -= 1;
			// Fields changed again since are the newer request's business.
			const own = fields.filter((field) => this.settle(field, request));
			if (before === null || own.length === 0) return;
			for (const field of own) {
				this.unsynced.delete(field);
				this.setLocal(field, (this.confirmed ?? before)[field] as Preferences[typeof field]);
			}
			this.saveUnsynced();
			this.apply();
			this.syncError = `Your ${describeFields(own)} could not be saved, so it was put back. ${errorMessage(error)}`;
			return;
		}
		if (generation !== this.generation) return;
		this.saving -= 1;
		for (const field of fields) {
			if (this.settle(field, request)) this.unsynced.delete(field);
		}
		this.saveUnsynced();
		this.applyServer(view);
	}

	/** Ends the field's request if `request` is its latest; tells whether it was. */
	private settle(field: PreferenceField, request: number): boolean {
		if (this.inflight.get(field) !== request) return false;
		this.inflight.delete(field);
		return true;
	}

	private setLocal<K extends PreferenceField>(field: K, value: Preferences[K]): void {
		if (this.values[field] === value) return;
		this.values[field] = value;
		safeSet(this.env.storage, STORAGE_KEYS[field], storedText(value));
	}

	private cacheOwner(): string | null {
		return safeGet(this.env.storage, SYNCED_USER_STORAGE_KEY);
	}

	private clearUnsynced(): void {
		this.unsynced.clear();
		this.saveUnsynced();
	}

	private saveUnsynced(): void {
		safeSet(this.env.storage, UNSYNCED_STORAGE_KEY, JSON.stringify([...this.unsynced]));
	}

	/** Shows a community's theme while it is open; null goes back to the person's own. */
	setCommunityTheme(theme: CommunityTheme | null): void {
		this.community = theme && (theme.palette || theme.accent) ? { ...theme } : null;
		this.apply();
	}

	private apply(): void {
		const root = this.env.root;
		const shown = shownColours(this.values, this.community);
		root.dataset.theme = this.resolved;
		root.dataset.palette = shown.palette;
		root.dataset.density = this.values.compact ? 'compact' : 'comfortable';
		root.dataset.motion = this.motionReduced ? 'reduce' : 'full';
		root.style.colorScheme = this.resolved;
		const accent = shown.accent;
		if (accent) {
			root.dataset.accent = 'custom';
			root.style.setProperty('--accent-custom', accent);
			root.style.setProperty('--accent-custom-text', textOn(accent));
		} else {
			delete root.dataset.accent;
			root.style.removeProperty('--accent-custom');
			root.style.removeProperty('--accent-custom-text');
		}
		setTimeFormat(this.values.time_format);
	}
}

/** A community's theme overrides, as the API sends them. */
export interface CommunityTheme {
	palette?: Palette | null;
	accent?: string | null;
}

/**
 * The palette and accent to show: the community's overrides over the person's own,
 * except that someone who chose high contrast keeps it (and their accent) everywhere.
 */
export function shownColours(
	own: Pick<Preferences, 'palette' | 'accent'>,
	community: CommunityTheme | null
): { palette: Palette; accent: string | null } {
	if (!community || own.palette === 'high_contrast') {
		return { palette: own.palette, accent: own.accent };
	}
	return {
		palette: community.palette ?? own.palette,
		accent: normalizeColor(community.accent) ?? own.accent
	};
}

function readUnsynced(raw: string | null): PreferenceField[] {
	try {
		const parsed: unknown = JSON.parse(raw ?? '[]');
		return Array.isArray(parsed) ? FIELDS.filter((field) => parsed.includes(field)) : [];
	} catch {
		return [];
	}
}

function watchMedia(query: MediaQueryList, onChange: (matches: boolean) => void): () => void {
	onChange(query.matches);
	const listener = (event: MediaQueryListEvent) => onChange(event.matches);
	query.addEventListener('change', listener);
	return () => query.removeEventListener('change', listener);
}

// Storage can throw (disabled cookies, quota); preferences then last for the page only.
function safeGet(storage: ThemeEnvironment['storage'], key: string): string | null {
	try {
		return storage.getItem(key);
	} catch {
		return null;
	}
}

function safeSet(storage: ThemeEnvironment['storage'], key: string, value: string): void {
	try {
		storage.setItem(key, value);
	} catch {
		// Ignored: see safeGet.
	}
}

let instance: ThemeStore | null = null;

export function getTheme(): ThemeStore {
	instance ??= new ThemeStore({
		storage: localStorage,
		matchMedia: (query) => window.matchMedia(query),
		root: document.documentElement
	});
	return instance;
}
