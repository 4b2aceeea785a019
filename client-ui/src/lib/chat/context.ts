import { getContext, setContext } from 'svelte';
import type { Chat } from './chat.svelte';

const KEY = Symbol('chat');

export function provideChat(chat: Chat): void {
	setContext(KEY, chat);
}

/** The signed-in user's chat state, provided by `ChatProvider` around the app. */
export function useChat(): Chat {
	const chat = getContext<Chat | undefined>(KEY);
	if (!chat) throw new Error('useChat() outside ChatProvider');
	return chat;
}
