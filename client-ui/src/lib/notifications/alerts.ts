/**
 * In-app notifications: a new message that notifies the user (see `rules.ts`) and is not
 * in the conversation on screen plays a sound, and while the page is hidden shows a
 * browser notification (title the author, body where; never the message text).
 */
import type { Schemas } from '$api/client';
import { notifyReason, type NotificationSettings, type NotifyReason } from './rules';

type MessageView = Schemas['MessageView'];

/** What the alerts need to know about the chat (see `InAppNotifications.svelte`). */
export interface AlertSource {
	selfId: string;
	settings(): NotificationSettings;
	/** The presence the user chose. */
	presence(): string;
	/** The channel's community; null for direct messages. */
	communityOf(channelId: string): string | null;
	channelName(channelId: string): string | null;
	/** The conversation on screen with the page visible, if any. */
	reading(): string | null;
	pageHidden(): boolean;
	open(path: string): void;
}

export interface AlertOutputs {
	sound(): void;
	/** Shows a browser notification; false when not possible. */
	notify(notice: { title: string; body: string; tag: string; onclick: () => void }): boolean;
	/** Browser notifications are wanted here (not in the desktop app, which has its own). */
	browserNotifications: boolean;
}

/** A notification's body: where, and why. */
export function alertBody(reason: NotifyReason, channelName: string | null): string {
	const where = channelName ? `#${channelName}` : 'a channel';
	switch (reason) {
		case 'dm':
			return 'sent you a direct message';
		case 'mention':
			return `mentioned you in ${where}`;
		case 'reply':
			return `replied to you in ${where}`;
		case 'keyword':
			return `used one of your keywords in ${where}`;
		case 'message':
			return `in ${where}`;
	}
}

export class InAppAlerts {
	constructor(
		private readonly source: AlertSource,
		private readonly outputs: AlertOutputs
	) {}

	/** Decides about one new message; says what it did. */
	consider(message: MessageView): 'none' | 'sound' | 'notified' {
		const { source, outputs } = this;
		const channelId = message.channel_id;
		if (source.reading() === channelId) return 'none';
		const settings = source.settings();
		const communityId = source.communityOf(channelId);
		const reason = notifyReason(message, {
			selfId: source.selfId,
			settings,
			place: { channelId, communityId },
			now: Date.now(),
			presence: source.presence()
		});
		if (!reason) return 'none';
		if (settings.sounds) outputs.sound();
		if (!settings.desktop || !outputs.browserNotifications || !source.pageHidden()) {
			return settings.sounds ? 'sound' : 'none';
		}
		const author = message.author;
		const path = communityId ? `/c/${communityId}/${channelId}` : `/dm/${channelId}`;
		const shown = outputs.notify({
			title: author?.display_name || author?.username || 'Chatalot',
			body: alertBody(reason, communityId ? source.channelName(channelId) : null),
			tag: channelId,
			onclick: () => source.open(path)
		});
		return shown ? 'notified' : settings.sounds ? 'sound' : 'none';
	}
}
