/**
 * One channel's loaded history: the latest page first, older pages on demand, live
 * events merged in, and the catch-up after a reconnect (docs/realtime.md: fetch
 * `after=<last seen ID>` until a page comes back short, then drop duplicates by ID).
 */
import { unwrap, type Api } from '$api/client';
import { compareIds, mergeMessages, withReaction, type Message } from './merge';

export const PAGE_SIZE = 50;
const CATCH_UP_PAGE = 100;

export class Timeline {
	/** Oldest first; replaced, never mutated, so `$state.raw` is enough. */
	messages = $state.raw<Message[]>([]);
	loaded = $state(false);
	hasOlder = $state(true);
	loadingOlder = $state(false);
	error = $state<string | null>(null);

	private readonly api: Api;
	readonly channelId: string;
	private loading: Promise<void> | null = null;

	constructor(api: Api, channelId: string) {
		this.api = api;
		this.channelId = channelId;
	}

	get lastId(): string | null {
		return this.messages.at(-1)?.id ?? null;
	}

	/** Loads the latest page once (later calls wait for the same load). */
	load(): Promise<void> {
		this.loading ??= this.fetchLatest().catch((error) => {
			this.loading = null;
			this.error = error instanceof Error ? error.message : 'Messages could not be loaded.';
		});
		return this.loading;
	}

	private async fetchLatest(): Promise<void> {
		const page = await this.page({ limit: PAGE_SIZE });
		this.messages = mergeMessages(this.messages, page);
		this.hasOlder = page.length === PAGE_SIZE;
		this.error = null;
		this.loaded = true;
	}

	async loadOlder(): Promise<void> {
		const oldest = this.messages[0]?.id;
		if (!this.loaded || !this.hasOlder || this.loadingOlder || !oldest) return;
		this.loadingOlder = true;
		try {
			const page = await this.page({ before: oldest, limit: PAGE_SIZE });
			this.messages = mergeMessages(this.messages, page);
			this.hasOlder = page.length === PAGE_SIZE;
		} finally {
			this.loadingOlder = false;
		}
	}

	/** Fetches everything after the last message we have (after a reconnect). */
	async catchUp(): Promise<void> {
		if (!this.loaded) return;
		let after = this.lastId;
		if (!after) {
			this.loading = null;
			return this.load();
		}
		for (;;) {
			const page = await this.page({ after, limit: CATCH_UP_PAGE });
			this.messages = mergeMessages(this.messages, page);
			if (page.length < CATCH_UP_PAGE) return;
			after = page.at(-1)!.id;
		}
	}

	/** A message created or updated (live, or the answer to our own request). */
	upsert(message: Message): void {
		if (message.channel_id !== this.channelId || message.thread_id) return;
		// Before the first page arrives, live messages are merged with it when it does.
		this.messages = mergeMessages(this.messages, [message]);
	}

	remove(messageId: string): void {
		if (!this.messages.some((m) => m.id === messageId)) return;
		this.messages = this.messages.filter((m) => m.id !== messageId);
	}

	patch(messageId: string, change: (message: Message) => Message): void {
		const index = this.messages.findIndex((m) => m.id === messageId);
		if (index < 0) return;
		const next = this.messages.slice();
		next[index] = change(next[index]!);
		this.messages = next;
	}

	react(messageId: string, emoji: string, userId: string, added: boolean): void {
		this.patch(messageId, (m) => withReaction(m, emoji, userId, added));
	}

	find(messageId: string): Message | undefined {
		return this.messages.find((m) => m.id === messageId);
	}

	/** The newest message by `userId` (for "edit last message" with the up arrow). */
	lastBy(userId: string): Message | undefined {
		return this.messages.findLast((m) => m.author?.id === userId && !m.deleted);
	}

	newerThan(id: string | null): Message[] {
		return id ? this.messages.filter((m) => compareIds(m.id, id) > 0) : this.messages;
	}

	private page(query: { before?: string; after?: string; limit: number }): Promise<Message[]> {
		return unwrap(
			this.api.GET('/api/channels/{channel_id}/messages', {
				params: { path: { channel_id: this.channelId }, query }
			})
		);
	}
}
