/**
 * Unread and mention counts per channel, from `GET /api/unread`, moved by live messages
 * and by reading. The last read ID also places the "new messages" separator.
 */
import { SvelteMap } from 'svelte/reactivity';
import { unwrap, type Api } from '$api/client';
import { mentionsReader } from '$lib/notifications/rules';
import type { Message } from './merge';

export interface UnreadEntry {
	unread: number;
	mentions: number;
	lastReadId: string | null;
	/** The channel's community; null for direct messages (or not known yet). */
	communityId: string | null;
}

/** Whether a channel's unread messages show (muted channels and those at "nothing" do not). */
export type UnreadShown = (channelId: string, communityId: string | null) => boolean;

const NOTHING: UnreadEntry = { unread: 0, mentions: 0, lastReadId: null, communityId: null };

export class UnreadCounts {
	readonly channels = new SvelteMap<string, UnreadEntry>();
	private readonly api: Api;
	private readonly shows: UnreadShown;

	constructor(api: Api, shows: UnreadShown = () => true) {
		this.api = api;
		this.shows = shows;
	}

	async refresh(): Promise<void> {
		const list = await unwrap(this.api.GET('/api/unread'));
		this.channels.clear();
		for (const entry of list) {
			this.channels.set(entry.channel_id, {
				unread: entry.unread_count,
				mentions: entry.mention_count,
				lastReadId: entry.last_read_id ?? null,
				communityId: entry.community_id ?? null
			});
		}
	}

	get(channelId: string): UnreadEntry {
		return (
			this.channels.get(channelId) ?? {
				unread: 0,
				mentions: 0,
				lastReadId: null,
				communityId: null
			}
		);
	}

	/**
	 * The counts to show for a channel: none when it is muted or set to notify of nothing
	 * (its last read ID stays, for the "new messages" separator).
	 */
	shown(channelId: string, communityId: string | null = null): UnreadEntry {
		const entry = this.get(channelId);
		if (this.shows(channelId, entry.communityId ?? communityId)) return entry;
		return { ...NOTHING, lastReadId: entry.lastReadId, communityId: entry.communityId };
	}

	/** Whether the channel belongs to a community (so it is not a direct message). */
	inCommunity(channelId: string): boolean {
		return this.channels.get(channelId)?.communityId != null;
	}

	/** Records where a channel created since the last refresh belongs. */
	place(channelId: string, communityId: string | null): void {
		const entry = this.get(channelId);
		if (entry.communityId === communityId) return;
		this.channels.set(channelId, { ...entry, communityId });
	}

	/**
	 * Counts a message someone else wrote in a channel the user is not reading now.
	 * It counts as a mention when it names the user, or uses @everyone, @channel or @here
	 * (`mentions_here`: which reaches whoever receives it live) where `everyone` says
	 * those count (they do not where suppressed).
	 */
	received(
		message: Message,
		selfId: string,
		communityId: string | null = null,
		everyone = true
	): void {
		const entry = this.get(message.channel_id);
		const mentioned = mentionsReader(message, selfId, !everyone);
		this.channels.set(message.channel_id, {
			...entry,
			communityId: entry.communityId ?? communityId,
			unread: entry.unread + 1,
			mentions: entry.mentions + (mentioned ? 1 : 0)
		});
	}

	/** The user has read up to `messageId` here (or on another device). */
	read(channelId: string, messageId: string): void {
		const entry = this.get(channelId);
		if (entry.lastReadId && entry.lastReadId >= messageId && entry.unread === 0) return;
		this.channels.set(channelId, { ...entry, unread: 0, mentions: 0, lastReadId: messageId });
	}

	/** Unread messages in these direct conversations (what the Home icon shows). */
	directTotal(channelIds: Iterable<string>): number {
		let unread = 0;
		for (const id of channelIds) unread += this.shown(id).unread;
		return unread;
	}

	/** The counts of every channel of one community (what its rail icon shows). */
	communityTotal(communityId: string): { unread: number; mentions: number } {
		let unread = 0;
		let mentions = 0;
		for (const [id, entry] of this.channels) {
			if (entry.communityId !== communityId || !this.shows(id, communityId)) continue;
			unread += entry.unread;
			mentions += entry.mentions;
		}
		return { unread, mentions };
	}
}
