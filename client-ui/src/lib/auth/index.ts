import { Session } from './session.svelte';
import { LocalStorageTokenStore } from './token-store';

export { Session } from './session.svelte';
export type { TokenSet, TokenStore } from './token-store';

let instance: Session | null = null;

/** The page's session, created on first use (the app runs in the browser only). */
export function getSession(): Session {
	instance ??= new Session({ store: new LocalStorageTokenStore() });
	return instance;
}
