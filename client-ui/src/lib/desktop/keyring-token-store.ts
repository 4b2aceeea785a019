import type { TokenSet, TokenStore } from '$lib/auth';
import { desktop } from './commands';

/**
 * The desktop app's TokenStore: one server's tokens in the OS keyring, reached only
 * through the app's `session_*` commands. Nothing goes to web storage. One window per
 * app (single instance), so there is no other tab to follow.
 */
export class KeyringTokenStore implements TokenStore {
	constructor(private readonly server: string) {}

	load(): Promise<TokenSet | null> {
		return desktop.sessionLoad(this.server);
	}

	save(tokens: TokenSet): Promise<void> {
		return desktop.sessionSave(this.server, tokens);
	}

	clear(): Promise<void> {
		return desktop.sessionClear(this.server);
	}
}
