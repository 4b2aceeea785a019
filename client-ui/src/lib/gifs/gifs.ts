/**
 * GIF search (Giphy, through the server) and how a posted GIF is shown: a message that
 * is nothing but a link to Giphy's CDN is drawn as the image. Any other remote image
 * stays a link (see markdown.ts).
 */
import { ApiError, errorMessage } from '$api/errors';
import { unwrap, type Api, type Schemas } from '$api/client';

export type Gif = Schemas['GifView'];
export type GifPage = Schemas['GifPageView'];

/** The longest search the server takes. */
export const GIF_QUERY_MAX = 100;
/** GIFs per page of results. */
export const GIF_PAGE_SIZE = 24;
/** Typing pauses this long before searching. */
export const GIF_DEBOUNCE_MS = 300;

/** Hosts of Giphy's CDN whose links are drawn as images. */
const GIF_HOSTS = new Set(['media.giphy.com', 'i.giphy.com']);

/**
 * The image address when the whole message is one https link to Giphy's CDN, else null.
 * No credentials, no port, a path; anything else is not drawn.
 */
export function gifImageUrl(content: string): string | null {
	const text = content.trim();
	if (!text.startsWith('https://') || /\s/.test(text) || text.length > 2000) return null;
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		return null;
	}
	if (url.protocol !== 'https:' || !GIF_HOSTS.has(url.hostname)) return null;
	if (url.username || url.password || url.port || url.pathname.length < 2) return null;
	return url.href;
}

/** The search as sent: trimmed, at most {@link GIF_QUERY_MAX} characters; '' is trending. */
export function gifQuery(text: string): string {
	return Array.from(text.trim()).slice(0, GIF_QUERY_MAX).join('').trim();
}

/** A sentence for a failed search. */
export function gifErrorMessage(error: unknown): string {
	if (error instanceof ApiError) {
		if (error.status === 429 || error.code === 'rate_limited') {
			return error.retryAfter
				? `Too many searches, try again in ${error.retryAfter} s.`
				: 'Too many searches, try again in a moment.';
		}
		if (error.status === 503 || error.code === 'gifs_unavailable') {
			return 'GIF search is not answering. Try again later.';
		}
		if (error.code === 'gifs_disabled') return 'GIF search is turned off on this server.';
	}
	return errorMessage(error);
}

/** Calls `run` once calls have paused for `ms`; `cancel` drops a waiting call. */
export function debounce<A extends unknown[]>(
	run: (...args: A) => void,
	ms: number
): { call: (...args: A) => void; cancel: () => void } {
	let timer: ReturnType<typeof setTimeout> | undefined;
	return {
		call(...args: A) {
			clearTimeout(timer);
			timer = setTimeout(() => {
				timer = undefined;
				run(...args);
			}, ms);
		},
		cancel() {
			clearTimeout(timer);
			timer = undefined;
		}
	};
}

/** Where the arrow keys move in a grid of `count` items, `columns` wide; null: not a move. */
export function gridMove(
	key: string,
	current: number,
	count: number,
	columns: number
): number | null {
	const moves: Record<string, number> = {
		ArrowRight: current + 1,
		ArrowLeft: current - 1,
		ArrowDown: current + columns,
		ArrowUp: current - columns,
		Home: 0,
		End: count - 1
	};
	const next = moves[key];
	if (next === undefined || count === 0) return null;
	return Math.max(0, Math.min(count - 1, next));
}

/** Searches GIFs ('' for trending), a page at `offset`. */
export type GifSearch = (query: string, offset: number) => Promise<GifPage>;

/** GIF search through the server's `GET /api/gifs`. */
export function gifSearch(api: Api): GifSearch {
	return (query, offset) =>
		unwrap(
			api.GET('/api/gifs', {
				params: {
					query: { q: query || undefined, limit: GIF_PAGE_SIZE, offset: offset || undefined }
				}
			})
		);
}
