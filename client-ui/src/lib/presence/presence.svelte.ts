/**
 * Who is online (from `ready`, community presence lists and `presence` events) and who
 * is typing where (a `typing` event shows its author for a few seconds).
 */
import { SvelteMap } from 'svelte/reactivity';
import type { Schemas } from '$api/client';

export type PresenceStatus = Schemas['PresenceStatus'];

/** How long one `typing` event keeps its author listed (the server sends one per 3 s). */
export const TYPING_SHOWN_MS = 6000;

export class PresenceState {
	readonly statuses = new SvelteMap<string, PresenceStatus>();

	set(userId: string, status: PresenceStatus): void {
		this.statuses.set(userId, status);
	}

	of(userId: string): PresenceStatus {
		return this.statuses.get(userId) ?? 'offline';
	}

	isOnline(userId: string): boolean {
		const status = this.of(userId);
		return status !== 'offline' && status !== 'invisible';
	}
}

export class TypingState {
	/** channel ID → (user ID → expiry timer) */
	readonly channels = new SvelteMap<string, SvelteMap<string, ReturnType<typeof setTimeout>>>();

	started(channelId: string, userId: string): void {
		let users = this.channels.get(channelId);
		if (!users) this.channels.set(channelId, (users = new SvelteMap()));
		const previous = users.get(userId);
		if (previous) clearTimeout(previous);
		users.set(
			userId,
			setTimeout(() => this.stopped(channelId, userId), TYPING_SHOWN_MS)
		);
	}

	/** The user's message arrived: they are no longer typing. */
	stopped(channelId: string, userId: string): void {
		const users = this.channels.get(channelId);
		const timer = users?.get(userId);
		if (timer) clearTimeout(timer);
		users?.delete(userId);
	}

	typingIn(channelId: string): string[] {
		return [...(this.channels.get(channelId)?.keys() ?? [])];
	}
}

/** "Ann is typing…", "Ann and Bob are typing…", "Several people are typing…". */
export function typingText(names: readonly string[]): string {
	if (names.length === 0) return '';
	if (names.length === 1) return `${names[0]} is typing…`;
	if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
	if (names.length === 3) return `${names[0]}, ${names[1]} and ${names[2]} are typing…`;
	return 'Several people are typing…';
}
