import { Session, type SessionOptions } from './session.svelte';
import { BrowserTokenStore } from './token-store';

export { Session } from './session.svelte';
export type { SessionOptions } from './session.svelte';
export type { TokenSet, TokenStore } from './token-store';

let instance: Session | null = null;

/**
 * Sets up the page's session before first use, e.g. the desktop app with its OS-keyring
 * TokenStore and the server's address. The web app needs no call: see getSession().
 */
export function initSession(options: SessionOptions): Session {
	if (instance) throw new Error('the session is already set up');
	instance = new Session(options);
	return instance;
}

/** The page's session; on the web, tokens live in the browser and the server is this origin. */
export function getSession(): Session {
	instance ??= new Session({ store: new BrowserTokenStore() });
	return instance;
}
