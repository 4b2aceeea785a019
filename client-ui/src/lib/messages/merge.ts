/**
 * Merging pages and live events into a channel's timeline. Message IDs are UUIDv7:
 * their string order is their time order, so a sorted, de-duplicated array by ID is the
 * whole invariant. Whatever arrives twice (a live event and the same message in a
 * catch-up page, or our own send's answer and its echo) is kept once, the newer copy
 * winning when it was edited later.
 */
import type { Schemas } from '$api/client';

export type Message = Schemas['MessageView'];

export function compareIds(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** `existing` and `incoming` merged, sorted by ID, one entry per ID. */
export function mergeMessages(
	existing: readonly Message[],
	incoming: readonly Message[]
): Message[] {
	if (incoming.length === 0) return existing.slice();
	const byId = new Map<string, Message>();
	for (const message of existing) byId.set(message.id, message);
	for (const message of incoming) {
		const known = byId.get(message.id);
		byId.set(message.id, known ? newer(known, message) : message);
	}
	return [...byId.values()].sort((a, b) => compareIds(a.id, b.id));
}

function newer(a: Message, b: Message): Message {
	// Deleting is final: an older copy of the message does not bring its text back.
	if (a.deleted !== b.deleted) return a.deleted ? a : b;
	const editedA = a.edited_at ?? '';
	const editedB = b.edited_at ?? '';
	return editedA > editedB ? a : b;
}

/**
 * A deleted message as history keeps it (a tombstone, shown as "This message was
 * deleted"): its place, author, time and replies stay; nothing of what it said does.
 */
export function tombstone(message: Message): Message {
	if (message.deleted) return message;
	return {
		...message,
		deleted: true,
		content: '',
		forwarded_from: null,
		mentions: [],
		mentions_everyone: false,
		mentions_here: false,
		reactions: [],
		attachments: [],
		pinned: false
	};
}

/** The message with its reaction summary changed by one user's reaction. */
export function withReaction(
	message: Message,
	emoji: string,
	userId: string,
	added: boolean
): Message {
	const reactions = message.reactions.map((r) => ({ ...r, user_ids: [...r.user_ids] }));
	let entry = reactions.find((r) => r.emoji === emoji);
	if (added) {
		if (!entry) reactions.push((entry = { emoji, count: 0, user_ids: [] }));
		if (entry.user_ids.includes(userId)) return message;
		entry.user_ids.push(userId);
		entry.count += 1;
	} else {
		if (!entry || !entry.user_ids.includes(userId)) return message;
		entry.user_ids = entry.user_ids.filter((id) => id !== userId);
		entry.count = Math.max(0, entry.count - 1);
	}
	return { ...message, reactions: reactions.filter((r) => r.count > 0) };
}

/** `messages` without those whose ID is in `ids` (the same array when none goes). */
export function withoutIds(messages: Message[], ids: readonly string[]): Message[] {
	const gone = new Set(ids);
	const kept = messages.filter((m) => !gone.has(m.id));
	return kept.length === messages.length ? messages : kept;
}
