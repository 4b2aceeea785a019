/**
 * Each community's custom emoji, loaded once when one of its channels (or its settings)
 * is opened, and again after an admin here adds or deletes one, after a reconnect, or
 * when a live message or reaction names one this client does not know yet (the server
 * sends no event for emoji changes). Owned by `Chat`; components
 * reach one community's set through {@link provideCustomEmoji}.
 */
import { getContext, setContext } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { unwrap, type Api } from '$api/client';
import { compareNames, isCustomEmojiName, type CustomEmoji } from './custom';

/**
 * A name not in the list (in a live message or reaction) refetches it: the emoji may have
 * been added since. Each name does so at most once in this time (`10:30:45` has `:30:`).
 */
export const UNKNOWN_RECHECK_MS = 10 * 60_000;
/** An emoji image that fails to load (deleted?) refetches the list at most this often. */
export const FAILED_IMAGE_REFETCH_MS = 60_000;

interface Loaded {
	list: CustomEmoji[];
	byName: Map<string, CustomEmoji>;
	at: number;
}

export interface CustomEmojiOptions {
	api: Api;
	/** The URL of a file's content (null while there is no media token). */
	fileUrl: (fileId: string) => string | null;
	now?: () => number;
}

export class CustomEmojiStore {
	private readonly loaded = new SvelteMap<string, Loaded>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly inFlight = new Map<string, Promise<CustomEmoji[]>>();
	/** When an unknown `community:name` last caused a refetch. */
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly checked = new Map<string, number>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly failedAt = new Map<string, number>();
	private readonly api: Api;
	readonly fileUrl: (fileId: string) => string | null;
	private readonly now: () => number;

	constructor(options: CustomEmojiOptions) {
		this.api = options.api;
		this.fileUrl = options.fileUrl;
		this.now = options.now ?? Date.now;
	}

	/** The community's emoji by name, or undefined until loaded. */
	list(communityId: string): CustomEmoji[] | undefined {
		return this.loaded.get(communityId)?.list;
	}

	find(communityId: string, name: string): CustomEmoji | undefined {
		return this.loaded.get(communityId)?.byName.get(name);
	}

	/** Loads the community's emoji unless they are loaded (or loading). */
	load(communityId: string): Promise<CustomEmoji[]> {
		const known = this.loaded.get(communityId);
		if (known) return Promise.resolve(known.list);
		return this.refresh(communityId);
	}

	/** Fetches the community's emoji again (one request at a time per community). */
	refresh(communityId: string): Promise<CustomEmoji[]> {
		let pending = this.inFlight.get(communityId);
		if (!pending) {
			pending = unwrap(
				this.api.GET('/api/communities/{community_id}/emoji', {
					params: { path: { community_id: communityId } }
				})
			)
				.then((list) => this.set(communityId, list))
				.finally(() => this.inFlight.delete(communityId));
			this.inFlight.set(communityId, pending);
		}
		return pending;
	}

	/**
	 * Someone used these names (`:name:` in a live message, or a reaction) in the
	 * community: any not in the list may have been added since it was loaded, so the list
	 * is fetched again, at most once per name per {@link UNKNOWN_RECHECK_MS}.
	 */
	noticed(communityId: string, names: readonly string[]): void {
		const known = this.loaded.get(communityId);
		if (!known || names.length === 0) return;
		const now = this.now();
		const unknown = names.filter((name) => {
			if (known.byName.has(name) || !isCustomEmojiName(name)) return false;
			const last = this.checked.get(`${communityId}:${name}`);
			return last === undefined || now - last >= UNKNOWN_RECHECK_MS;
		});
		if (unknown.length === 0) return;
		if (this.checked.size > 1000) this.checked.clear();
		for (const name of unknown) this.checked.set(`${communityId}:${name}`, now);
		void this.refresh(communityId).catch(() => {});
	}

	/**
	 * An emoji image did not load: it may have been deleted (its file goes with it), so
	 * the list is fetched again, at most once per {@link FAILED_IMAGE_REFETCH_MS}.
	 */
	imageFailed(communityId: string): void {
		if (!this.loaded.has(communityId)) return;
		const now = this.now();
		const last = this.failedAt.get(communityId);
		if (last !== undefined && now - last < FAILED_IMAGE_REFETCH_MS) return;
		this.failedAt.set(communityId, now);
		void this.refresh(communityId).catch(() => {});
	}

	/** Adds an emoji (community admins): the image goes up as the multipart part `file`. */
	async add(
		communityId: string,
		name: string,
		image: Blob,
		fileName = 'emoji'
	): Promise<CustomEmoji> {
		const form = new FormData();
		form.append('file', image, fileName);
		const added = await unwrap(
			this.api.POST('/api/communities/{community_id}/emoji', {
				params: { path: { community_id: communityId }, query: { name } },
				// The schema names the `file` part; the FormData carrying it goes out as it is.
				body: { file: fileName },
				bodySerializer: () => form
			})
		);
		const list = this.list(communityId) ?? [];
		this.set(communityId, [...list.filter((e) => e.id !== added.id), added]);
		void this.refresh(communityId).catch(() => {});
		return added;
	}

	async remove(communityId: string, emojiId: string): Promise<void> {
		await unwrap(
			this.api.DELETE('/api/communities/{community_id}/emoji/{emoji_id}', {
				params: { path: { community_id: communityId, emoji_id: emojiId } }
			})
		);
		const list = this.list(communityId) ?? [];
		this.set(
			communityId,
			list.filter((e) => e.id !== emojiId)
		);
		void this.refresh(communityId).catch(() => {});
	}

	/** Fetches every loaded list again (after a reconnect: changes may have been missed). */
	refreshAll(): void {
		for (const id of [...this.loaded.keys()]) void this.refresh(id).catch(() => {});
	}

	/** One community's emoji as message rows and pickers use them (null: a DM, none). */
	scope(communityId: string | null): CustomEmojiScope {
		return new CustomEmojiScope(this, communityId);
	}

	private set(communityId: string, list: CustomEmoji[]): CustomEmoji[] {
		const sorted = list
			.filter((e) => isCustomEmojiName(e.name))
			.sort((a, b) => compareNames(a.name, b.name));
		this.loaded.set(communityId, {
			list: sorted,
			// Replaced whole on every change, never mutated.
			// eslint-disable-next-line svelte/prefer-svelte-reactivity
			byName: new Map(sorted.map((e) => [e.name, e])),
			at: this.now()
		});
		return sorted;
	}
}

/** The custom emoji of the conversation's community, read reactively. */
export class CustomEmojiScope {
	constructor(
		private readonly store: CustomEmojiStore | null,
		readonly communityId: string | null
	) {}

	/** The emoji, by name; empty in DMs and until loaded. */
	get list(): CustomEmoji[] {
		return (this.communityId && this.store?.list(this.communityId)) || [];
	}

	/** The image URL of `name`, or null when there is no such emoji (or no media token yet). */
	url(name: string): string | null {
		if (!this.communityId || !this.store || !isCustomEmojiName(name)) return null;
		const emoji = this.store.find(this.communityId, name);
		return emoji ? this.store.fileUrl(emoji.file_id) : null;
	}

	/** One of the images did not load (see {@link CustomEmojiStore.imageFailed}). */
	failed(): void {
		if (this.communityId) this.store?.imageFailed(this.communityId);
	}

	/** Whether `name` is an emoji of this community. */
	has(name: string): boolean {
		return !!this.communityId && !!this.store && !!this.store.find(this.communityId, name);
	}
}

/** A conversation without custom emoji. */
export const NO_CUSTOM_EMOJI = new CustomEmojiScope(null, null);

const KEY = Symbol('custom-emoji');

export function provideCustomEmoji(scope: CustomEmojiScope): void {
	setContext(KEY, scope);
}

/** The conversation's custom emoji; none outside a conversation view. */
export function useCustomEmoji(): CustomEmojiScope {
	return getContext<CustomEmojiScope | undefined>(KEY) ?? NO_CUSTOM_EMOJI;
}
