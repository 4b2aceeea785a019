/**
 * One channel's loaded history: a window of consecutive messages, the latest page first,
 * older (and newer) pages on demand, live events merged in, and the catch-up after a
 * reconnect (docs/realtime.md: fetch `after=<last seen ID>` until a page comes back
 * short, then drop duplicates by ID).
 *
 * The window is usually "live": it ends at the channel's newest message and live
 * messages are appended. After a jump to an older message (`jumpTo`), or once older
 * pages pushed the newest ones out, it is "detached" (`hasNewer`): live messages are
 * left out rather than appended after a gap, and `loadNewer` pages forward until the
 * window joins the present again.
 */
import { unwrap, type Api } from '$api/client';
import { withAuthor, type Author } from '$lib/people/updates';
import {
	compareIds,
	mergeMessages,
	tombstone,
	withoutIds,
	withReaction,
	type Message
} from './merge';

export const PAGE_SIZE = 50;
const CATCH_UP_PAGE = 100;
/**
 * Most messages kept per channel: paging further drops the far end of the window, so a
 * long reading session costs bounded memory (and the list bounded layout work).
 */
export const MAX_MESSAGES = 400;

type Query = { before?: string; after?: string; around?: string; limit: number };

export class Timeline {
	/** Oldest first, consecutive; replaced, never mutated, so `$state.raw` is enough. */
	messages = $state.raw<Message[]>([]);
	loaded = $state(false);
	hasOlder = $state(true);
	/** The window ends before the channel's newest message (see the module comment). */
	hasNewer = $state(false);
	loadingOlder = $state(false);
	loadingNewer = $state(false);
	error = $state<string | null>(null);
	/** Bumped whenever the window is replaced (a jump), not merely extended. */
	generation = $state(0);
	/**
	 * The reader's last request to see a message (`id`) or the present (`id: null`); the
	 * list scrolls there once per `seq`. Set together with the window it needs, and
	 * cleared once shown (`focused`): a jump is a one-time navigation, which the channel's
	 * next opening does not repeat.
	 */
	focus = $state.raw<{ id: string | null; seq: number } | null>(null);
	private focusSeq = 0;

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
		const generation = this.generation;
		const page = await this.page({ limit: PAGE_SIZE });
		// A jump replaced the window meanwhile.
		if (generation !== this.generation) return;
		this.messages = mergeMessages(this.messages, page);
		this.hasOlder = page.length === PAGE_SIZE;
		this.error = null;
		this.loaded = true;
	}

	async loadOlder(): Promise<void> {
		const oldest = this.messages[0]?.id;
		if (!this.loaded || !this.hasOlder || this.loadingOlder || !oldest) return;
		const generation = this.generation;
		this.loadingOlder = true;
		try {
			const page = await this.page({ before: oldest, limit: PAGE_SIZE });
			if (generation !== this.generation) return;
			let messages = mergeMessages(this.messages, page);
			this.hasOlder = page.length === PAGE_SIZE;
			if (messages.length > MAX_MESSAGES) {
				messages = messages.slice(0, MAX_MESSAGES);
				this.hasNewer = true;
			}
			this.messages = messages;
		} finally {
			this.loadingOlder = false;
		}
	}

	/** The next page after the window; a short page means the window reached the present. */
	async loadNewer(): Promise<void> {
		const newest = this.lastId;
		if (!this.loaded || !this.hasNewer || this.loadingNewer || !newest) return;
		const generation = this.generation;
		this.loadingNewer = true;
		try {
			const page = await this.page({ after: newest, limit: PAGE_SIZE });
			if (generation !== this.generation) return;
			let messages = mergeMessages(this.messages, page);
			if (messages.length > MAX_MESSAGES) {
				messages = messages.slice(-MAX_MESSAGES);
				this.hasOlder = true;
			}
			this.messages = messages;
			if (page.length < PAGE_SIZE) await this.join();
		} finally {
			this.loadingNewer = false;
		}
	}

	/**
	 * Loads the page around `messageId` unless it is loaded already. Returns false when
	 * the message cannot be read (deleted, or not in this channel).
	 */
	async jumpTo(messageId: string): Promise<boolean> {
		if (this.loaded && this.find(messageId)) {
			this.focusOn(messageId);
			return true;
		}
		const generation = (this.generation += 1);
		this.loading ??= Promise.resolve();
		let page: Message[];
		try {
			page = await this.page({ around: messageId, limit: PAGE_SIZE });
		} catch {
			if (generation === this.generation && !this.loaded) {
				this.loading = null;
				await this.load();
			}
			return false;
		}
		if (generation !== this.generation) return false;
		// The server sends half a page before the message and the rest after it.
		const before = page.filter((m) => compareIds(m.id, messageId) < 0).length;
		const after = page.filter((m) => compareIds(m.id, messageId) > 0).length;
		this.replace(page, before === PAGE_SIZE / 2, after === PAGE_SIZE - PAGE_SIZE / 2 - 1);
		this.focusOn(messageId);
		if (!this.hasNewer) await this.join();
		return true;
	}

	/**
	 * Opening the channel (or its own link) with no message to show: the present, even
	 * when an earlier visit jumped into older history and left the window there.
	 */
	async open(): Promise<void> {
		if (!this.loaded) {
			this.focus = null;
			return this.load();
		}
		await this.jumpToPresent();
	}

	/** Back from a detached window to the latest page. */
	async jumpToPresent(): Promise<void> {
		if (!this.hasNewer) {
			this.focusOn(null);
			return;
		}
		const generation = (this.generation += 1);
		const page = await this.page({ limit: PAGE_SIZE });
		if (generation !== this.generation) return;
		this.replace(page, page.length === PAGE_SIZE, false);
		this.focusOn(null);
		await this.join();
	}

	private focusOn(id: string | null): void {
		this.focus = { id, seq: (this.focusSeq += 1) };
	}

	/** The list has shown the request `seq`; it is not shown again. */
	focused(seq: number): void {
		if (this.focus?.seq === seq) this.focus = null;
	}

	private replace(page: Message[], hasOlder: boolean, hasNewer: boolean): void {
		this.messages = mergeMessages([], page);
		this.hasOlder = hasOlder;
		this.hasNewer = hasNewer;
		this.error = null;
		this.loaded = true;
	}

	/**
	 * The window has reached the newest message: from now on live messages are appended.
	 * Those that arrived while it was still detached were left out, so fetch them.
	 */
	private async join(): Promise<void> {
		this.hasNewer = false;
		await this.catchUp();
	}

	/** Fetches everything after the last message we have (after a reconnect). */
	async catchUp(): Promise<void> {
		// A detached window has nothing to catch up: paging forward reaches the present.
		if (!this.loaded || this.hasNewer) return;
		let after = this.lastId;
		if (!after) {
			this.loading = null;
			return this.load();
		}
		const generation = this.generation;
		for (;;) {
			const page = await this.page({ after, limit: CATCH_UP_PAGE });
			if (generation !== this.generation) return;
			this.messages = mergeMessages(this.messages, page);
			if (page.length < CATCH_UP_PAGE) return;
			after = page.at(-1)!.id;
		}
	}

	/** Drops the oldest messages beyond the limit (the reader is at the newest ones). */
	trimOlder(): void {
		if (this.messages.length <= MAX_MESSAGES) return;
		this.messages = this.messages.slice(-MAX_MESSAGES);
		this.hasOlder = true;
	}

	/** A message created or updated (live, or the answer to our own request). */
	upsert(message: Message): void {
		if (message.channel_id !== this.channelId || message.thread_id) return;
		// Before the first page arrives, live messages are merged with it when it does.
		if (this.messages.length > 0 && !this.covers(message.id)) return;
		this.messages = mergeMessages(this.messages, [message]);
	}

	/** Whether a message with this ID belongs inside the window (no gap either side). */
	private covers(id: string): boolean {
		const first = this.messages[0]!.id;
		const last = this.messages.at(-1)!.id;
		if (compareIds(id, first) < 0) return !this.hasOlder;
		if (compareIds(id, last) > 0) return !this.hasNewer;
		return true;
	}

	/**
	 * A message deleted (live, or by us): it stays as a tombstone, as history shows it
	 * after a reload, so replies to it still have their place.
	 */
	deleted(messageId: string): void {
		this.patch(messageId, tombstone);
	}

	/** Messages purged for good (`messages_purged`): they leave the window. */
	purged(messageIds: readonly string[]): void {
		this.messages = withoutIds(this.messages, messageIds);
	}

	patch(messageId: string, change: (message: Message) => Message): void {
		const index = this.messages.findIndex((m) => m.id === messageId);
		if (index < 0) return;
		const next = this.messages.slice();
		next[index] = change(next[index]!);
		this.messages = next;
	}

	/** Someone's new name or avatar on their loaded messages (`user_updated`). */
	authorUpdated(user: Author): void {
		const next = withAuthor(this.messages, user);
		if (next !== this.messages) this.messages = next;
	}

	react(messageId: string, emoji: string, userId: string, added: boolean): void {
		this.patch(messageId, (m) => withReaction(m, emoji, userId, added));
	}

	find(messageId: string): Message | undefined {
		return this.messages.find((m) => m.id === messageId);
	}

	/** The newest message by `userId` (for "edit last message" with the up arrow). */
	lastBy(userId: string): Message | undefined {
		if (this.hasNewer) return undefined;
		return this.messages.findLast((m) => m.author?.id === userId && !m.deleted);
	}

	newerThan(id: string | null): Message[] {
		return id ? this.messages.filter((m) => compareIds(m.id, id) > 0) : this.messages;
	}

	private page(query: Query): Promise<Message[]> {
		return unwrap(
			this.api.GET('/api/channels/{channel_id}/messages', {
				params: { path: { channel_id: this.channelId }, query }
			})
		);
	}
}
