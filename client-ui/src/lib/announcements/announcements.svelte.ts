/**
 * The instance-wide announcements the signed-in person should see (ADM-7). The list is
 * fetched at start and after every `ready` of the WebSocket (the first one and each
 * reconnect, so nothing posted or withdrawn while offline is missed), then kept live by
 * `announcement_created` and `announcement_removed` (withdrawn by an administrator, or
 * dismissed on another of the person's devices). An announcement leaves the list when
 * its expiry passes: one timer, set for the soonest expiry, and no polling.
 */
import { SvelteSet } from 'svelte/reactivity';
import { unwrap, type Api } from '$api/client';
import { ApiError } from '$api/errors';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import {
	newestFirst,
	nextExpiryDelay,
	unexpired,
	withAnnouncement,
	withoutAnnouncement,
	type Announcement
} from './list';

/** Where announcements come from and where dismissals go (the server, or a test's fake). */
export interface AnnouncementSource {
	list(): Promise<Announcement[]>;
	dismiss(id: string): Promise<void>;
}

/** The server's `/api/announcements`. */
export function apiSource(api: Api): AnnouncementSource {
	return {
		list: () => unwrap(api.GET('/api/announcements')),
		async dismiss(id) {
			try {
				await unwrap(api.POST('/api/announcements/{id}/dismiss', { params: { path: { id } } }));
			} catch (error) {
				// Withdrawn meanwhile: there is nothing left to hide.
				if (error instanceof ApiError && error.status === 404) return;
				throw error;
			}
		}
	};
}

/** A live change, replayed onto a list fetched while it happened. */
type Change = { created: Announcement } | { removed: string };

export class Announcements {
	/** Newest first; none of them expired. */
	list = $state.raw<Announcement[]>([]);
	/** Whether a fetch has succeeded yet. */
	loaded = $state(false);
	/** IDs whose dismissal is on its way to the server. */
	readonly dismissing = new SvelteSet<string>();

	private readonly source: AnnouncementSource;
	/** Live changes since the latest fetch started; null while none is running. */
	private changes: Change[] | null = null;
	private fetches = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private stopped = false;

	constructor(source: AnnouncementSource) {
		this.source = source;
	}

	/** Fetches the list and follows the events; returns the function that stops. */
	start(realtime: Pick<Realtime, 'on'>): () => void {
		this.stopped = false;
		const stops = [
			// Every `ready`, the first and each after a reconnect: catch up on what was missed.
			realtime.on('ready', () => void this.load().catch(() => {})),
			realtime.on('announcement_created', ({ announcement }) => this.created(announcement)),
			realtime.on('announcement_removed', ({ announcement_id }) => this.removed(announcement_id))
		];
		void this.load().catch(() => {});
		return () => {
			for (const stop of stops) stop();
			this.stop();
		};
	}

	/**
	 * Fetches the list. Events that arrive while the request runs are applied to its answer
	 * too; an answer overtaken by a newer request is dropped. A failure keeps what is shown.
	 */
	async load(): Promise<void> {
		const fetch = ++this.fetches;
		this.changes = [];
		let fetched: Announcement[];
		try {
			fetched = await this.source.list();
		} catch (error) {
			if (fetch === this.fetches) this.changes = null;
			throw error;
		}
		if (fetch !== this.fetches || this.stopped) return;
		const changes = this.changes ?? [];
		this.changes = null;
		const now = Date.now();
		let list = newestFirst(unexpired(fetched, now));
		for (const change of changes) {
			list =
				'created' in change
					? withAnnouncement(list, change.created, now)
					: withoutAnnouncement(list, change.removed);
		}
		this.show(list);
		this.loaded = true;
	}

	/** `announcement_created`: shown at once (unless already expired). */
	created(announcement: Announcement): void {
		if (this.stopped) return;
		this.changes?.push({ created: announcement });
		this.show(withAnnouncement(this.list, announcement, Date.now()));
	}

	/** `announcement_removed`, or dismissed here: gone at once. */
	removed(id: string): void {
		if (this.stopped) return;
		this.changes?.push({ removed: id });
		this.show(withoutAnnouncement(this.list, id));
	}

	/** Hides it on all of the person's devices: the server first, then here. */
	async dismiss(id: string): Promise<void> {
		this.dismissing.add(id);
		try {
			await this.source.dismiss(id);
			this.removed(id);
		} finally {
			this.dismissing.delete(id);
		}
	}

	stop(): void {
		this.stopped = true;
		this.fetches += 1;
		this.changes = null;
		this.clearTimer();
	}

	private show(list: Announcement[]): void {
		this.list = list;
		this.clearTimer();
		const delay = nextExpiryDelay(list, Date.now());
		if (delay === null) return;
		this.timer = setTimeout(() => {
			this.timer = null;
			// A long wait is cut to what a timer allows: then this only sets the next one.
			this.show(unexpired(this.list, Date.now()));
		}, delay);
	}

	private clearTimer(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}
}
