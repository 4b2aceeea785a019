/**
 * What a message's toolbar needs to offer "Bookmark": provided by the conversation view,
 * so message rows need no extra props through the list.
 */
import { getContext, setContext } from 'svelte';
import type { Message } from '$lib/messages/merge';

export interface BookmarkActions {
	has: (messageId: string) => boolean;
	/** Asks for an optional note, then bookmarks. */
	add: (message: Message) => void;
	remove: (message: Message) => void;
}

const KEY = Symbol('bookmark-actions');

export function provideBookmarkActions(actions: BookmarkActions): void {
	setContext(KEY, actions);
}

/** Undefined outside a conversation view: messages then show no bookmark action. */
export function useBookmarkActions(): BookmarkActions | undefined {
	return getContext<BookmarkActions | undefined>(KEY);
}
