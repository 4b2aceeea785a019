/**
 * Incoming webhooks and bot accounts: the pure parts of their settings pages (which
 * channels one may add webhooks to, which of one's bots may still join a community, the
 * examples the help text shows, and checks that mirror the server's).
 */
import type { Schemas } from '$api/client';
import type { Community, GroupWithChannels } from '$lib/communities/directory.svelte';
import { managesGroup } from '$lib/communities/group-admin';
import { lengthBetween, required, username, type Rule } from '$shared/validation';

export type Webhook = Schemas['WebhookView'];
export type Bot = Schemas['BotView'];

/** A webhook's name, also the display name of the messages posted through it. */
export const WEBHOOK_NAME_MAX = 64;
export const BOT_DISPLAY_NAME_MAX = 64;

export const webhookName: Rule = (value) =>
	required('Name')(value) ?? lengthBetween('Name', 1, WEBHOOK_NAME_MAX)(value);

export const botUsername: Rule = (value) => required('Username')(value) ?? username(value.trim());

export const botDisplayName: Rule = (value) =>
	required('Display name')(value) ?? lengthBetween('Display name', 1, BOT_DISPLAY_NAME_MAX)(value);

export interface ChannelChoice {
	id: string;
	name: string;
}

export interface ChannelChoiceGroup {
	id: string;
	name: string;
	channels: ChannelChoice[];
}

/**
 * The text channels whose webhooks the viewer may manage, by group: every group's for
 * community admins and owners, their own groups' for a group's admins (the server's
 * "may edit the channel"). Voice channels take no messages; archived ones no new ones.
 */
export function webhookChannels(
	role: Community['my_role'],
	structure: readonly GroupWithChannels[]
): ChannelChoiceGroup[] {
	return structure
		.filter(({ group }) => managesGroup(role, group))
		.map(({ group, channels }) => ({
			id: group.id,
			name: group.name,
			channels: channels
				.filter((channel) => channel.kind !== 'voice' && !channel.archived)
				.map((channel) => ({ id: channel.id, name: channel.name }))
		}))
		.filter((group) => group.channels.length > 0);
}

/** `choice` while it is still offered, else the first channel offered (or null). */
export function keepChoice(
	groups: readonly ChannelChoiceGroup[],
	choice: string | null
): string | null {
	const all = groups.flatMap((group) => group.channels);
	if (choice && all.some((channel) => channel.id === choice)) return choice;
	return all[0]?.id ?? null;
}

/** My bots that are not in the community yet, by display name. */
export function addableBots(mine: readonly Bot[], members: readonly Bot[]): Bot[] {
	const inside = new Set(members.map((bot) => bot.id));
	return mine
		.filter((bot) => !inside.has(bot.id))
		.toSorted((a, b) => a.display_name.localeCompare(b.display_name));
}

/** Replaces the item with the same ID (or adds it first when new). */
export function upsert<T extends { id: string }>(list: readonly T[], item: T): T[] {
	return list.some((entry) => entry.id === item.id)
		? list.map((entry) => (entry.id === item.id ? item : entry))
		: [item, ...list];
}

/**
 * The server's address for people to use: its public URL when configured, else where
 * the app talks to it (the desktop app's pages are not the server's).
 */
export function serverOrigin(publicUrl: string | null | undefined, baseUrl?: string): string {
	return (publicUrl || baseUrl || location.origin).replace(/\/+$/, '');
}

/** A URL from the server made absolute (without a public URL set, it sends a path). */
export function absoluteUrl(url: string, origin: string): string {
	try {
		return new URL(url, origin + '/').href;
	} catch {
		return url;
	}
}

/** Quotes a word for a POSIX shell, so a pasted example runs as shown. */
export function shellQuote(text: string): string {
	return /^[A-Za-z0-9_./:@%+=,-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`;
}

/** How to post through a webhook with curl (`<url>` until there is one to show). */
export function webhookCurl(url: string | null): string {
	return [
		'curl -X POST -H',
		shellQuote('Content-Type: application/json'),
		'-d',
		shellQuote('{"content":"Hello"}'),
		url ? shellQuote(url) : '<url>'
	].join(' ');
}

/** How a bot posts a message with its token (placeholders for what is not known). */
export function botCurl(origin: string, token: string | null = null): string {
	return [
		'curl -X POST -H',
		shellQuote(`Authorization: Bearer ${token ?? '<token>'}`),
		'-H',
		shellQuote('Content-Type: application/json'),
		'-d',
		shellQuote('{"content":"Hello"}'),
		`${origin.replace(/\/+$/, '')}/api/channels/<channel_id>/messages`
	].join(' ');
}
