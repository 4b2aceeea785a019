/**
 * The media token: `<img>`, `<video>`, `<audio>` and download links cannot send the
 * bearer header, so file URLs carry `?token=` instead. The server hands out the same
 * token text for hours (so URLs stay cacheable); the store fetches one after sign-in and
 * again a few minutes before it expires, and builds every file URL.
 */
import type { MediaToken } from './types';

/** Fetch a new token this long before the current one expires. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** Never refresh sooner than this after the last try (also the retry delay after a failure). */
export const MIN_REFRESH_MS = 30_000;
/** setTimeout's limit (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The content, the small preview of an image, or the content as a download (media too). */
export type FileVariant = 'content' | 'thumbnail' | 'download';

/**
 * The URL of a file's content or thumbnail on the server at `baseUrl` (an origin, the
 * page's own on the web, the chosen server in the desktop app), readable with `token`.
 */
export function mediaUrl(
	baseUrl: string,
	fileId: string,
	token: string,
	variant: FileVariant = 'content'
): string {
	const base = baseUrl.replace(/\/+$/, '');
	const suffix = variant === 'thumbnail' ? '/thumbnail' : '';
	const url = `${base}/api/files/${encodeURIComponent(fileId)}${suffix}?token=${encodeURIComponent(token)}`;
	// `download` attributes are ignored across origins (the desktop app): ask the server.
	return variant === 'download' ? `${url}&download=true` : url;
}

/** How long to wait before fetching the next token, for one expiring at `expiresAt`. */
export function refreshDelay(expiresAt: string, now: number): number {
	const expires = Date.parse(expiresAt);
	if (Number.isNaN(expires)) return MIN_REFRESH_MS;
	return Math.min(MAX_TIMER_MS, Math.max(MIN_REFRESH_MS, expires - now - REFRESH_MARGIN_MS));
}

export interface MediaTokensOptions {
	/** `GET /api/account/media-token`. */
	fetchToken: () => Promise<MediaToken>;
	/** The server's origin. */
	baseUrl: string;
	now?: () => number;
}

export class MediaTokens {
	/** The token in use, or null until the first one arrived. */
	current = $state.raw<MediaToken | null>(null);

	readonly baseUrl: string;
	private readonly fetchToken: () => Promise<MediaToken>;
	private readonly now: () => number;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private inFlight: Promise<void> | null = null;
	private lastTry = -Infinity;
	private running = false;
	private readonly cleanups: (() => void)[] = [];

	constructor(options: MediaTokensOptions) {
		this.fetchToken = options.fetchToken;
		this.baseUrl = options.baseUrl;
		this.now = options.now ?? Date.now;
	}

	/** Fetches the first token and keeps it fresh, also after sleep or a lost network. */
	start(): void {
		if (this.running) return;
		this.running = true;
		void this.refresh();
		if (typeof window === 'undefined') return;
		const wake = () => {
			if (document.visibilityState === 'visible') this.ensureFresh();
		};
		const online = () => this.ensureFresh();
		document.addEventListener('visibilitychange', wake);
		window.addEventListener('online', online);
		this.cleanups.push(
			() => document.removeEventListener('visibilitychange', wake),
			() => window.removeEventListener('online', online)
		);
	}

	stop(): void {
		this.running = false;
		this.clearTimer();
		for (const cleanup of this.cleanups.splice(0)) cleanup();
		this.current = null;
	}

	/** The URL of a file's content (null until there is a token). */
	fileUrl(fileId: string): string | null {
		const token = this.current?.token;
		return token ? mediaUrl(this.baseUrl, fileId, token) : null;
	}

	/** The URL of an image's thumbnail (the original until the thumbnail is made). */
	thumbnailUrl(fileId: string): string | null {
		const token = this.current?.token;
		return token ? mediaUrl(this.baseUrl, fileId, token, 'thumbnail') : null;
	}

	/** The URL that downloads a file, images and videos included (null until there is a token). */
	downloadUrl(fileId: string): string | null {
		const token = this.current?.token;
		return token ? mediaUrl(this.baseUrl, fileId, token, 'download') : null;
	}

	/** Refreshes now when there is no token or it expires within the margin. */
	ensureFresh(): void {
		if (!this.running) return;
		const expires = this.current ? Date.parse(this.current.expires_at) : NaN;
		if (Number.isNaN(expires) || expires - this.now() <= REFRESH_MARGIN_MS) void this.refresh();
	}

	/**
	 * A file failed to load: the token may have lapsed (a laptop that slept through the
	 * refresh). Fetches a new one, at most once per {@link MIN_REFRESH_MS}.
	 */
	failed(): void {
		if (!this.running || this.now() - this.lastTry < MIN_REFRESH_MS) return;
		void this.refresh();
	}

	/** Fetches a token now (one request at a time) and schedules the next. */
	refresh(): Promise<void> {
		this.inFlight ??= this.fetchAndSchedule().finally(() => (this.inFlight = null));
		return this.inFlight;
	}

	private async fetchAndSchedule(): Promise<void> {
		this.clearTimer();
		this.lastTry = this.now();
		let delay = MIN_REFRESH_MS;
		try {
			const token = await this.fetchToken();
			if (!this.running) return;
			// The same text within a window: keep the object, so no URL changes.
			if (token.token !== this.current?.token || token.expires_at !== this.current.expires_at) {
				this.current = token;
			}
			delay = refreshDelay(token.expires_at, this.now());
		} catch {
			// Offline or the server is away: try again shortly; URLs keep the old token.
		}
		if (this.running) this.timer = setTimeout(() => void this.refresh(), delay);
	}

	private clearTimer(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
	}
}
