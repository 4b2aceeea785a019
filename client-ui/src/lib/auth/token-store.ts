/**
 * Where a signed-in session's tokens are kept between page loads. The web client uses
 * localStorage; the desktop app will provide an OS-keyring store with the same shape.
 */

/** A session's tokens. Times are milliseconds since the epoch on this device's clock. */
export interface TokenSet {
	sessionId: string;
	accessToken: string;
	accessTokenExpiresAt: number;
	refreshToken: string;
}

export interface TokenStore {
	load(): Promise<TokenSet | null>;
	save(tokens: TokenSet): Promise<void>;
	clear(): Promise<void>;
	/**
	 * Reports changes made elsewhere (another tab): new tokens after a refresh there, or
	 * null after a sign-out. Returns the unsubscribe function.
	 */
	subscribe?(listener: (tokens: TokenSet | null) => void): () => void;
}

export const TOKEN_STORAGE_KEY = 'chatalot.session';

/**
 * localStorage, shared by every tab of this origin. The access token is stored beside
 * the refresh token so that tabs can hand each other a freshly refreshed pair instead of
 * each spending the (single-use) refresh token.
 */
export class LocalStorageTokenStore implements TokenStore {
	constructor(
		private readonly storage: Storage = globalThis.localStorage,
		private readonly key: string = TOKEN_STORAGE_KEY
	) {}

	async load(): Promise<TokenSet | null> {
		return parseTokenSet(this.storage.getItem(this.key));
	}

	async save(tokens: TokenSet): Promise<void> {
		this.storage.setItem(this.key, JSON.stringify(tokens));
	}

	async clear(): Promise<void> {
		this.storage.removeItem(this.key);
	}

	subscribe(listener: (tokens: TokenSet | null) => void): () => void {
		const onStorage = (event: StorageEvent) => {
			if (event.storageArea === this.storage && (event.key === this.key || event.key === null)) {
				listener(parseTokenSet(event.newValue));
			}
		};
		window.addEventListener('storage', onStorage);
		return () => window.removeEventListener('storage', onStorage);
	}
}

/** Keeps tokens for the life of the page only (tests, or a "don't remember me" mode). */
export class MemoryTokenStore implements TokenStore {
	private tokens: TokenSet | null = null;
	async load() {
		return this.tokens;
	}
	async save(tokens: TokenSet) {
		this.tokens = tokens;
	}
	async clear() {
		this.tokens = null;
	}
}

export function parseTokenSet(raw: string | null): TokenSet | null {
	if (!raw) return null;
	try {
		const value = JSON.parse(raw);
		if (
			typeof value?.sessionId === 'string' &&
			typeof value.accessToken === 'string' &&
			typeof value.accessTokenExpiresAt === 'number' &&
			typeof value.refreshToken === 'string'
		) {
			return value as TokenSet;
		}
	} catch {
		// Corrupt or foreign value: treat as signed out.
	}
	return null;
}
