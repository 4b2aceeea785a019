/**
 * Turns the chat's `message_created` events into activity items and OS notifications
 * (desktop app only). It rides on the chat's WebSocket: no second connection.
 */
import {
	isPermissionGranted,
	requestPermission,
	sendNotification
} from '@tauri-apps/plugin-notification';
import type { Schemas } from '$api/client';
import { activityFor, notificationFor, type ActivityFeed } from './activity.svelte';

type MessageView = Schemas['MessageView'];

/** What the notifier needs from the chat (see `DesktopNotifications.svelte`). */
export interface NotifierSource {
	selfId: string;
	isDm(channelId: string): boolean;
	/** A channel of one of the user's communities (so certainly not a DM). */
	isCommunityChannel(channelId: string): boolean;
	refreshDms(): Promise<void>;
	/** The user's notification settings let this message notify (levels, mutes, DND). */
	allows?(message: MessageView, inDm: boolean): boolean;
	onMessage(handler: (message: MessageView) => void): () => void;
}

export type Notify = (title: string, body: string) => Promise<void>;

export class DesktopNotifier {
	constructor(
		private readonly source: NotifierSource,
		private readonly feed: ActivityFeed,
		private readonly notify: Notify = osNotification,
		private readonly windowFocused: () => boolean = () => document.hasFocus()
	) {}

	/** Starts listening; returns the function that stops it. */
	start(): () => void {
		return this.source.onMessage((message) => void this.consider(message));
	}

	async consider(message: MessageView): Promise<void> {
		const { source } = this;
		if (!message.author || message.author.id === source.selfId) return;
		let inDm = source.isDm(message.channel_id);
		if (!inDm && !source.isCommunityChannel(message.channel_id)) {
			// A conversation someone just started with us: learn about it first.
			await source.refreshDms().catch(() => {});
			inDm = source.isDm(message.channel_id);
		}
		const item = activityFor(message, source.selfId, inDm);
		if (!item || !this.feed.add(item) || this.windowFocused()) return;
		if (source.allows && !source.allows(message, inDm)) return;
		const { title, body } = notificationFor(item);
		await this.notify(title, body);
	}
}

/** An OS notification through the Tauri notification plugin, asking permission once. */
export async function osNotification(title: string, body: string): Promise<void> {
	try {
		let granted = await isPermissionGranted();
		if (!granted) granted = (await requestPermission()) === 'granted';
		if (granted) sendNotification({ title, body });
	} catch {
		// No notification service (e.g. a headless session): the feed still shows it.
	}
}
