/**
 * What concerns the signed-in user among new messages — direct messages to them and
 * mentions of them (by name or @everyone/@here/@channel, as the server computed) —
 * kept as a short feed for the desktop bar. {@link DesktopNotifier} fills it from the
 * chat's own real-time connection and announces each item with an OS notification.
 */
import type { Schemas } from '$api/client';
import { messageSummary } from '$lib/files/types';

type MessageView = Schemas['MessageView'];

export interface ActivityItem {
	id: string;
	channelId: string;
	author: string;
	content: string;
	kind: 'dm' | 'mention';
	at: string;
}

/** How many items the feed keeps. */
export const FEED_SIZE = 20;
/** Notification bodies are cut to this many characters. */
export const NOTIFICATION_BODY_MAX = 200;

/** The feed item for `message` if it concerns `selfId`, otherwise null. */
export function activityFor(
	message: MessageView,
	selfId: string,
	inDm: boolean
): ActivityItem | null {
	const author = message.author;
	if (!author || author.id === selfId) return null;
	const mentioned =
		message.mentions_everyone || message.mentions_here || message.mentions.includes(selfId);
	const kind = inDm ? 'dm' : mentioned ? 'mention' : null;
	if (!kind) return null;
	return {
		id: message.id,
		channelId: message.channel_id,
		author: author.display_name || author.username,
		// A message of files alone reads "📎 photo.png".
		content: messageSummary(message),
		kind,
		at: message.created_at
	};
}

/** The OS notification's title and body for a feed item. */
export function notificationFor(item: ActivityItem): { title: string; body: string } {
	return {
		title: item.kind === 'dm' ? item.author : `${item.author} mentioned you`,
		body: item.content.slice(0, NOTIFICATION_BODY_MAX)
	};
}

/** The latest items, newest first. */
export class ActivityFeed {
	items = $state<ActivityItem[]>([]);

	/** Adds an item unless it is already there; says whether it was new. */
	add(item: ActivityItem): boolean {
		if (this.items.some((existing) => existing.id === item.id)) return false;
		this.items = [item, ...this.items].slice(0, FEED_SIZE);
		return true;
	}

	clear(): void {
		this.items = [];
	}
}

/** The app's one feed: written by the notifier (inside the chat), read by the desktop bar. */
export const activityFeed = new ActivityFeed();
