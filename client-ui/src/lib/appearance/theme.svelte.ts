/**
 * Theme and motion preferences, persisted in localStorage and applied to <html> as
 * `data-theme="light|dark"` and `data-motion="reduce|full"`. `app.html` applies the
 * stored theme before first paint (same key and rules) so pages never flash. Display
 * preferences that need no <html> attribute (link previews) are kept here too.
 */
export type ThemePreference = 'system' | 'light' | 'dark';
export type ResolvedTheme = 'light' | 'dark';

export const THEME_STORAGE_KEY = 'chatalot.theme';
export const MOTION_STORAGE_KEY = 'chatalot.reduce-motion';
export const LINK_PREVIEWS_STORAGE_KEY = 'chatalot.link-previews';

const THEMES: readonly ThemePreference[] = ['system', 'light', 'dark'];

export interface ThemeEnvironment {
	storage: Pick<Storage, 'getItem' | 'setItem'>;
	matchMedia: (query: string) => MediaQueryList;
	root: HTMLElement;
}

export class ThemeStore {
	preference = $state<ThemePreference>('system');
	/** Always reduce motion, whatever the system says. */
	reduceMotion = $state(false);
	/** Show previews (title, description, image) of links under messages. */
	linkPreviews = $state(true);
	private systemDark = $state(false);
	private systemReducedMotion = $state(false);

	resolved: ResolvedTheme = $derived(
		this.preference === 'system' ? (this.systemDark ? 'dark' : 'light') : this.preference
	);
	motionReduced = $derived(this.reduceMotion || this.systemReducedMotion);

	private readonly env: ThemeEnvironment;
	private readonly cleanups: (() => void)[] = [];

	constructor(env: ThemeEnvironment) {
		this.env = env;
		const stored = safeGet(env.storage, THEME_STORAGE_KEY);
		if (THEMES.includes(stored as ThemePreference)) this.preference = stored as ThemePreference;
		this.reduceMotion = safeGet(env.storage, MOTION_STORAGE_KEY) === 'true';
		this.linkPreviews = safeGet(env.storage, LINK_PREVIEWS_STORAGE_KEY) !== 'false';

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

	setPreference(preference: ThemePreference): void {
		this.preference = preference;
		safeSet(this.env.storage, THEME_STORAGE_KEY, preference);
		this.apply();
	}

	setReduceMotion(reduce: boolean): void {
		this.reduceMotion = reduce;
		safeSet(this.env.storage, MOTION_STORAGE_KEY, String(reduce));
		this.apply();
	}

	setLinkPreviews(show: boolean): void {
		this.linkPreviews = show;
		safeSet(this.env.storage, LINK_PREVIEWS_STORAGE_KEY, String(show));
	}

	dispose(): void {
		for (const cleanup of this.cleanups) cleanup();
	}

	private apply(): void {
		this.env.root.dataset.theme = this.resolved;
		this.env.root.dataset.motion = this.motionReduced ? 'reduce' : 'full';
		this.env.root.style.colorScheme = this.resolved;
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
