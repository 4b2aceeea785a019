/**
 * A list read page by page: "Load more" asks for the items past the last one shown (the
 * `before` or `after` cursor of the server's lists). Holds what a list view shows while
 * it loads or after it failed; only the newest request's answer counts.
 */
import { untrack } from 'svelte';

export class PagedList<T extends { id: string }> {
	/** Null until the first page arrives. */
	items = $state.raw<T[] | null>(null);
	hasMore = $state(false);
	loading = $state(false);
	error = $state<string | null>(null);
	#generation = 0;

	/** `describeError` turns a failure into the sentence shown (the API's `errorMessage`). */
	constructor(
		/** Fetches the page past `cursor` (the last item's ID), or the first one. */
		private readonly fetchPage: (cursor: string | undefined) => Promise<T[]>,
		private readonly pageSize: number,
		private readonly describeError: (error: unknown) => string
	) {}

	/** The first page again, or (with `more`) the page after the last item shown. */
	async load(more = false): Promise<void> {
		const mine = ++this.#generation;
		this.loading = true;
		this.error = null;
		try {
			// Untracked: an effect that loads re-runs for what it means to, not for the
			// filters the request reads.
			const page = await untrack(() => this.fetchPage(more ? this.items?.at(-1)?.id : undefined));
			if (mine !== this.#generation) return;
			this.items = more ? [...(this.items ?? []), ...page] : page;
			this.hasMore = page.length === this.pageSize;
		} catch (error) {
			if (mine === this.#generation) this.error = this.describeError(error);
		} finally {
			if (mine === this.#generation) this.loading = false;
		}
	}

	/** Forgets the items (before a new search), so the view shows it is loading. */
	clear(): void {
		this.items = null;
		this.hasMore = false;
	}

	/** Changes the items shown (a live update, an action's answer) without a request. */
	update(change: (items: T[]) => T[]): void {
		if (this.items) this.items = change(this.items);
	}
}
