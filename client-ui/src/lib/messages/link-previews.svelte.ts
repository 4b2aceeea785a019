/**
 * Link previews (the stateful part): each message's previews, fetched once per message
 * text (an edit fetches again) and kept in memory, a few hundred messages at most. Owned
 * by `Chat` (one per signed-in user); conversation views provide it to their messages
 * with whether previews show there.
 */
import { getContext, setContext } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { ApiError } from '$api/errors';
import type { LinkPreview } from './link-previews';

/** Messages whose previews are kept; the oldest asked for go first. */
export const CACHE_SIZE = 400;
/** Waited out after a 429 without `Retry-After`. */
const DEFAULT_BACKOFF_S = 60;

interface Entry {
	/** The message text the previews belong to. */
	content: string;
	/** Null while loading. */
	previews: LinkPreview[] | null;
}

export interface LinkPreviewCacheOptions {
	/** `GET /api/messages/{id}/link-previews`. */
	fetch: (messageId: string) => Promise<LinkPreview[]>;
	size?: number;
	now?: () => number;
}

export class LinkPreviewCache {
	private readonly entries = new SvelteMap<string, Entry>();
	private readonly fetchPreviews: (messageId: string) => Promise<LinkPreview[]>;
	private readonly size: number;
	private readonly now: () => number;
	/** After a 429: no fetches before this time (the server said how long). */
	private blockedUntil = 0;

	constructor(options: LinkPreviewCacheOptions) {
		this.fetchPreviews = options.fetch;
		this.size = options.size ?? CACHE_SIZE;
		this.now = options.now ?? Date.now;
	}

	/** The previews of a message with this text: undefined until loaded (or not asked). */
	get(messageId: string, content: string): LinkPreview[] | undefined {
		const entry = this.entries.get(messageId);
		return entry && entry.content === content ? (entry.previews ?? undefined) : undefined;
	}

	/**
	 * Fetches a message's previews unless they are loaded or loading for this text. A
	 * refusal shows nothing: a 429 holds every fetch for its `Retry-After`, other failures
	 * are remembered as "no previews" (a lost network is tried again later).
	 */
	load(messageId: string, content: string): Promise<void> {
		const entry = this.entries.get(messageId);
		if (entry && entry.content === content) return Promise.resolve();
		if (this.now() < this.blockedUntil) return Promise.resolve();
		this.put(messageId, { content, previews: null });
		return this.fetchPreviews(messageId).then(
			(previews) => this.settle(messageId, content, previews),
			(error: unknown) => {
				if (error instanceof ApiError && error.status === 429) {
					this.blockedUntil = this.now() + (error.retryAfter ?? DEFAULT_BACKOFF_S) * 1000;
					this.forget(messageId, content);
				} else if (error instanceof ApiError && error.status === 0) {
					this.forget(messageId, content);
				} else {
					this.settle(messageId, content, []);
				}
			}
		);
	}

	/** Forgets everything (sign-out). */
	clear(): void {
		this.entries.clear();
		this.blockedUntil = 0;
	}

	/** The answer, unless the message was edited (or evicted) while it was on its way. */
	private settle(messageId: string, content: string, previews: LinkPreview[]): void {
		const entry = this.entries.get(messageId);
		if (entry && entry.content === content) this.entries.set(messageId, { content, previews });
	}

	private forget(messageId: string, content: string): void {
		if (this.entries.get(messageId)?.content === content) this.entries.delete(messageId);
	}

	private put(messageId: string, entry: Entry): void {
		this.entries.delete(messageId);
		this.entries.set(messageId, entry);
		while (this.entries.size > this.size) {
			const oldest = this.entries.keys().next().value;
			if (oldest === undefined) break;
			this.entries.delete(oldest);
		}
	}
}

/** What a conversation view tells its messages about previews. */
export interface LinkPreviewScope {
	cache: LinkPreviewCache;
	/** The user's setting and the channel's, live. */
	readonly enabled: boolean;
}

/** The context key (exported for component tests). */
export const LINK_PREVIEWS_KEY = Symbol('link-previews');

export function provideLinkPreviews(scope: LinkPreviewScope): void {
	setContext(LINK_PREVIEWS_KEY, scope);
}

/** The conversation's previews, or undefined outside one (no previews). */
export function useLinkPreviews(): LinkPreviewScope | undefined {
	return getContext<LinkPreviewScope | undefined>(LINK_PREVIEWS_KEY);
}
