import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$api/errors';
import { TokenManager, type LockFn } from './token-manager';
import {
	BrowserTokenStore,
	indexedDbKeyValueStore,
	TOKEN_STORAGE_KEY,
	type KeyValueStore,
	type TokenSet
} from './token-store';

function pair(n: number): TokenSet {
	return {
		sessionId: 's1',
		accessToken: `access-${n}`,
		accessTokenExpiresAt: 1000 * n,
		refreshToken: `refresh-${n}`
	};
}

/** One tab's view of localStorage, which other tabs' writes do not reach. */
function tabStorage(initial: TokenSet): Storage {
	const items = new Map([[TOKEN_STORAGE_KEY, JSON.stringify(initial)]]);
	return {
		getItem: (k: string) => items.get(k) ?? null,
		setItem: (k: string, v: string) => void items.set(k, v),
		removeItem: (k: string) => void items.delete(k)
	} as unknown as Storage;
}

/** A cross-tab lock, like navigator.locks. */
function sharedLock(): LockFn {
	let tail: Promise<unknown> = Promise.resolve();
	return (_name, task) => {
		const run = tail.then(task, task);
		tail = run.catch(() => {});
		return run;
	};
}

const broken: KeyValueStore = {
	get: () => Promise.reject(new Error('IndexedDB failed')),
	set: () => Promise.reject(new Error('IndexedDB failed')),
	del: () => Promise.reject(new Error('IndexedDB failed'))
};

describe('BrowserTokenStore', () => {
	let db: KeyValueStore;
	beforeEach(async () => {
		localStorage.clear();
		db = indexedDbKeyValueStore()!;
		await db.del(TOKEN_STORAGE_KEY);
	});

	it('saves to IndexedDB and localStorage', async () => {
		await new BrowserTokenStore(db).save(pair(1));
		expect(await db.get(TOKEN_STORAGE_KEY)).toBe(JSON.stringify(pair(1)));
		expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBe(JSON.stringify(pair(1)));
		// A second store (another tab) sees the pair.
		expect(await new BrowserTokenStore(indexedDbKeyValueStore()).load()).toEqual(pair(1));
	});

	it('prefers the IndexedDB copy over a stale localStorage copy', async () => {
		const store = new BrowserTokenStore(db);
		await store.save(pair(2));
		// Another tab's view of localStorage that still has the spent pair.
		localStorage.setItem(TOKEN_STORAGE_KEY, JSON.stringify(pair(1)));
		expect(await store.load()).toEqual(pair(2));
	});

	it('uses a localStorage session when IndexedDB has none yet (older version)', async () => {
		localStorage.setItem(TOKEN_STORAGE_KEY, JSON.stringify(pair(1)));
		expect(await new BrowserTokenStore(db).load()).toEqual(pair(1));
	});

	it('falls back to localStorage when IndexedDB is missing or fails', async () => {
		for (const store of [new BrowserTokenStore(null), new BrowserTokenStore(broken)]) {
			localStorage.clear();
			expect(await store.load()).toBeNull();
			await store.save(pair(3));
			expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBe(JSON.stringify(pair(3)));
			expect(await store.load()).toEqual(pair(3));
			await store.clear();
			expect(await store.load()).toBeNull();
		}
	});

	it('drops the IndexedDB copy when a save there fails, so it cannot shadow the new pair', async () => {
		await new BrowserTokenStore(db).save(pair(1));
		const failingSet: KeyValueStore = { ...db, set: () => Promise.reject(new Error('full')) };
		const store = new BrowserTokenStore(failingSet);
		await store.save(pair(2));
		expect(await store.load()).toEqual(pair(2));
	});

	it('clear clears both, and a stale localStorage copy does not bring the session back', async () => {
		const store = new BrowserTokenStore(db);
		await store.save(pair(1));
		await store.clear();
		expect(localStorage.getItem(TOKEN_STORAGE_KEY)).toBeNull();
		expect(await db.get(TOKEN_STORAGE_KEY)).toBeNull();
		expect(await store.load()).toBeNull();
		localStorage.setItem(TOKEN_STORAGE_KEY, JSON.stringify(pair(1)));
		expect(await store.load()).toBeNull();
	});
});

describe('two tabs refreshing with BrowserTokenStore', () => {
	it('spend the refresh token once even when localStorage lags between tabs', async () => {
		localStorage.clear();
		const db = indexedDbKeyValueStore()!;
		const start = { ...pair(1), accessTokenExpiresAt: Date.now() + 30_000 };
		await db.set(TOKEN_STORAGE_KEY, JSON.stringify(start));
		const spent = new Set<string>();
		const refresh = vi.fn(async (token: string) => {
			if (spent.has(token))
				throw new ApiError(401, { code: 'refresh_token_reused', message: 'reused' });
			spent.add(token);
			return { ...pair(2), accessTokenExpiresAt: Date.now() + 15 * 60_000 };
		});
		const lock = sharedLock();
		const tab = (storage: Storage) =>
			new TokenManager({ store: new BrowserTokenStore(db, storage), refresh, lock });
		const tabA = tab(tabStorage(start));
		const tabB = tab(tabStorage(start));
		await tabA.restore();
		await tabB.restore();

		const tokens = await Promise.all([
			tabA.refreshAfterRejection('access-1'),
			tabB.refreshAfterRejection('access-1')
		]);
		expect(tokens).toEqual(['access-2', 'access-2']);
		expect(refresh).toHaveBeenCalledOnce();
		tabA.dispose();
		tabB.dispose();
	});
});
