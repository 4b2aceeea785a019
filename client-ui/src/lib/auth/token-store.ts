/**
 * Where a signed-in session's tokens are kept between page loads. The web client uses
 * IndexedDB plus localStorage (BrowserTokenStore); the desktop app provides an OS-keyring
 * store with the same shape.
 */
import { createStore, del, get, set } from 'idb-keyval';

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

/** The key-value operations BrowserTokenStore needs (idb-keyval's, or fakes in tests). */
export interface KeyValueStore {
	get(key: string): Promise<unknown>;
	set(key: string, value: unknown): Promise<void>;
	del(key: string): Promise<void>;
}

/** An IndexedDB key-value store of its own, or null where IndexedDB is missing. */
export function indexedDbKeyValueStore(): KeyValueStore | null {
	if (typeof indexedDB === 'undefined') return null;
	const store = createStore('chatalot-session', 'tokens');
	return {
		get: (key) => get(key, store),
		set: (key, value) => set(key, value, store),
		del: (key) => del(key, store)
	};
}

/**
 * The web client's store. IndexedDB holds the authoritative copy because Chrome's
 * localStorage is not consistent across renderer processes: a tab that takes the refresh
 * lock right after another tab saved a new pair may still read the spent refresh token
 * from localStorage, and spending it twice ends the session. An IndexedDB write
 * transaction that has completed (save() awaits it, inside the lock) is seen by every
 * later transaction in every tab. localStorage keeps a copy so that other tabs hear of
 * sign-ins, sign-outs and new pairs through `storage` events, and serves as the fallback
 * where IndexedDB is missing or fails, or holds nothing yet (a session saved by an older
 * version). In IndexedDB, null marks a sign-out, so a stale localStorage copy cannot
 * bring the session back.
 */
export class BrowserTokenStore implements TokenStore {
	private readonly local: LocalStorageTokenStore;

	constructor(
		private readonly db: KeyValueStore | null = indexedDbKeyValueStore(),
		storage: Storage = globalThis.localStorage,
		private readonly key: string = TOKEN_STORAGE_KEY
	) {
		this.local = new LocalStorageTokenStore(storage, key);
	}

	async load(): Promise<TokenSet | null> {
		const stored = await this.db?.get(this.key).catch(() => undefined);
		if (stored === null) return null;
		if (typeof stored === 'string') return parseTokenSet(stored);
		return this.local.load();
	}

	async save(tokens: TokenSet): Promise<void> {
		// If IndexedDB cannot take the new pair, remove its old one so that loads fall
		// back to localStorage instead of returning a spent refresh token.
		await this.db
			?.set(this.key, JSON.stringify(tokens))
			.catch(() => this.db?.del(this.key))
			.catch(() => {});
		await this.local.save(tokens);
	}

	async clear(): Promise<void> {
		await this.db
			?.set(this.key, null)
			.catch(() => this.db?.del(this.key))
			.catch(() => {});
		await this.local.clear();
	}

	subscribe(listener: (tokens: TokenSet | null) => void): () => void {
		return this.local.subscribe(listener);
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
