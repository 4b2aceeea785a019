/**
 * The signed-in user's bookmarks (private, with an optional note). The list is fetched
 * at start, after a reconnect, when the panel opens and when the server says it changed
 * (`bookmarks_updated`, from any of the user's devices), and changed locally after each
 * successful request.
 */
import { ApiError } from '$api/errors';
import { unwrap, type Api, type Schemas } from '$api/client';
import type { Message } from '$lib/messages/merge';

export type Bookmark = Schemas['BookmarkView'];

/** The server's largest page. */
const PAGE_SIZE = 100;

export class Bookmarks {
	/** Newest first, as the server lists them. */
	list = $state.raw<Bookmark[]>([]);
	loaded = $state(false);
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- rebuilt from the list, never mutated
	private readonly byMessage = $derived(new Map(this.list.map((b) => [b.message.id, b])));

	constructor(private readonly api: Api) {}

	has(messageId: string): boolean {
		return this.byMessage.has(messageId);
	}

	get(messageId: string): Bookmark | undefined {
		return this.byMessage.get(messageId);
	}

	/**
	 * Loads every bookmark, a page at a time: the whole list is needed to mark bookmarked
	 * messages wherever they appear, while each request stays small for the server.
	 */
	async load(): Promise<void> {
		const all: Bookmark[] = [];
		let cursor: string | undefined;
		do {
			const page = await unwrap(
				this.api.GET('/api/bookmarks', { params: { query: { cursor, limit: PAGE_SIZE } } })
			);
			all.push(...page.bookmarks);
			cursor = page.next_cursor ?? undefined;
		} while (cursor);
		this.list = all;
		this.loaded = true;
	}

	/** Bookmarks the message, or changes the note of its bookmark; a blank note is none. */
	async save(message: Message, note: string): Promise<void> {
		const trimmed = note.trim() || null;
		await unwrap(
			this.api.PUT('/api/messages/{message_id}/bookmark', {
				params: { path: { message_id: message.id } },
				body: { note: trimmed }
			})
		);
		const existing = this.get(message.id);
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a timestamp, not state
		const now = new Date().toISOString();
		this.list = existing
			? this.list.map((b) => (b === existing ? { ...b, message, note: trimmed } : b))
			: [{ message, note: trimmed, created_at: now }, ...this.list];
	}

	async remove(messageId: string): Promise<void> {
		try {
			await unwrap(
				this.api.DELETE('/api/messages/{message_id}/bookmark', {
					params: { path: { message_id: messageId } }
				})
			);
		} catch (failure) {
			// Already gone (removed in another tab): the outcome the user asked for.
			if (!(failure instanceof ApiError && failure.status === 404)) throw failure;
		}
		this.list = this.list.filter((b) => b.message.id !== messageId);
	}
}
