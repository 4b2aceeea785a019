/**
 * An open thread: its root and replies (oldest first), loaded with
 * `GET /api/messages/{id}/thread?after=…` page by page, and kept current by live
 * messages whose `thread_id` is the root (merged and de-duplicated like a timeline).
 */
import { unwrap, type Api } from '$api/client';
import { withAuthor, type Author } from '$lib/people/updates';
import { mergeMessages, tombstone, withoutIds, type Message } from './merge';

const PAGE = 100;

export class Thread {
	replies = $state.raw<Message[]>([]);
	loaded = $state(false);
	error = $state<string | null>(null);

	readonly rootId: string;
	private readonly api: Api;

	constructor(api: Api, rootId: string) {
		this.api = api;
		this.rootId = rootId;
	}

	/** Loads (or, after a reconnect, continues) the replies until a page comes back short. */
	async load(): Promise<void> {
		try {
			let after = this.replies.at(-1)?.id;
			for (;;) {
				const page = await unwrap(
					this.api.GET('/api/messages/{message_id}/thread', {
						params: { path: { message_id: this.rootId }, query: { after, limit: PAGE } }
					})
				);
				this.replies = mergeMessages(this.replies, page);
				if (page.length < PAGE) break;
				after = page.at(-1)!.id;
			}
			this.loaded = true;
			this.error = null;
		} catch (error) {
			this.error = error instanceof Error ? error.message : 'The thread could not be loaded.';
		}
	}

	add(message: Message): void {
		if (message.thread_id !== this.rootId) return;
		this.replies = mergeMessages(this.replies, [message]);
	}

	/** Someone's new name or avatar on the loaded replies (`user_updated`). */
	authorUpdated(user: Author): void {
		const next = withAuthor(this.replies, user);
		if (next !== this.replies) this.replies = next;
	}

	/** Replies purged for good (`messages_purged`). */
	purged(messageIds: readonly string[]): void {
		this.replies = withoutIds(this.replies, messageIds);
	}

	/** A reply deleted: a tombstone, as the thread shows it when loaded again. */
	deleted(messageId: string): void {
		const index = this.replies.findIndex((m) => m.id === messageId);
		if (index < 0) return;
		const next = this.replies.slice();
		next[index] = tombstone(next[index]!);
		this.replies = next;
	}
}
