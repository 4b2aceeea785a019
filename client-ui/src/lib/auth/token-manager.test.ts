import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '$api/errors';
import { TokenManager, tokenSetFrom, type LockFn } from './token-manager';
import { LocalStorageTokenStore, MemoryTokenStore, type TokenSet } from './token-store';

const MINUTE = 60_000;

function pair(n: number, expiresAt: number): TokenSet {
	return {
		sessionId: 's1',
		accessToken: `access-${n}`,
		accessTokenExpiresAt: expiresAt,
		refreshToken: `refresh-${n}`
	};
}

/** A cross-tab lock shared by several managers, like navigator.locks. */
function sharedLock(): LockFn {
	let tail: Promise<unknown> = Promise.resolve();
	return (_name, task) => {
		const run = tail.then(task, task);
		tail = run.catch(() => {});
		return run;
	};
}

describe('TokenManager', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
	});
	afterEach(() => vi.useRealTimers());

	it('shares one refresh among concurrent callers', async () => {
		const store = new MemoryTokenStore();
		let n = 1;
		const refresh = vi.fn(async (token: string) => {
			expect(token).toBe(`refresh-${n}`);
			n += 1;
			return pair(n, Date.now() + 15 * MINUTE);
		});
		const manager = new TokenManager({ store, refresh });
		await manager.begin(pair(1, Date.now() + 30_000)); // inside the refresh margin

		const tokens = await Promise.all([
			manager.accessToken(),
			manager.accessToken(),
			manager.refreshAfterRejection('access-1')
		]);
		expect(tokens).toEqual(['access-2', 'access-2', 'access-2']);
		expect(refresh).toHaveBeenCalledOnce();
		expect(await store.load()).toMatchObject({ refreshToken: 'refresh-2' });
	});

	it('returns a fresh token without refreshing', async () => {
		const refresh = vi.fn();
		const manager = new TokenManager({ store: new MemoryTokenStore(), refresh });
		await manager.begin(pair(1, Date.now() + 10 * MINUTE));
		expect(await manager.accessToken()).toBe('access-1');
		expect(refresh).not.toHaveBeenCalled();
	});

	it('refreshes on its own shortly before expiry', async () => {
		const refresh = vi.fn(async () => pair(2, Date.now() + 15 * MINUTE));
		const manager = new TokenManager({ store: new MemoryTokenStore(), refresh, marginMs: MINUTE });
		await manager.begin(pair(1, Date.now() + 15 * MINUTE));
		await vi.advanceTimersByTimeAsync(13 * MINUTE);
		expect(refresh).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(MINUTE + 1);
		expect(refresh).toHaveBeenCalledOnce();
		expect(await manager.accessToken()).toBe('access-2');
		manager.dispose();
	});

	it('lets two tabs share one refresh through the store and lock', async () => {
		const storage = new Map<string, string>();
		const fakeStorage = {
			getItem: (k: string) => storage.get(k) ?? null,
			setItem: (k: string, v: string) => void storage.set(k, v),
			removeItem: (k: string) => void storage.delete(k)
		} as unknown as Storage;
		const lock = sharedLock();
		const spent = new Set<string>();
		const refresh = vi.fn(async (token: string) => {
			if (spent.has(token))
				throw new ApiError(401, { code: 'refresh_token_reused', message: 'reused' });
			spent.add(token);
			return pair(Number(token.split('-')[1]) + 1, Date.now() + 15 * MINUTE);
		});
		const tabA = new TokenManager({
			store: new LocalStorageTokenStore(fakeStorage),
			refresh,
			lock
		});
		const tabB = new TokenManager({
			store: new LocalStorageTokenStore(fakeStorage),
			refresh,
			lock
		});
		await tabA.begin(pair(1, Date.now() + 30_000));
		await tabB.restore();

		const [a, b] = await Promise.all([
			tabA.refreshAfterRejection('access-1'),
			tabB.refreshAfterRejection('access-1')
		]);
		expect(a).toBe('access-2');
		expect(b).toBe('access-2');
		expect(refresh).toHaveBeenCalledOnce();
		tabA.dispose();
		tabB.dispose();
	});

	it('ends the session when the refresh token is refused', async () => {
		const store = new MemoryTokenStore();
		const refresh = vi.fn(async () => {
			throw new ApiError(401, { code: 'invalid_refresh_token', message: 'sign in again' });
		});
		const manager = new TokenManager({ store, refresh });
		const ended = vi.fn();
		manager.onSessionEnd(ended);
		await manager.begin(pair(1, Date.now() + 1000));
		expect(await manager.accessToken()).toBeNull();
		expect(ended).toHaveBeenCalledWith('expired');
		expect(await store.load()).toBeNull();
		expect(manager.signedIn).toBe(false);
	});

	it('keeps the session when the server cannot be reached, and retries later', async () => {
		let fail = true;
		const refresh = vi.fn(async () => {
			if (fail) throw ApiError.network();
			return pair(2, Date.now() + 15 * MINUTE);
		});
		const manager = new TokenManager({ store: new MemoryTokenStore(), refresh, retryMs: 5000 });
		await manager.begin(pair(1, Date.now() + 1000));
		await expect(manager.accessToken()).rejects.toMatchObject({ code: 'network' });
		expect(manager.signedIn).toBe(true);
		fail = false;
		await vi.advanceTimersByTimeAsync(5001);
		expect(refresh).toHaveBeenCalledTimes(2);
		expect(await manager.accessToken()).toBe('access-2');
		manager.dispose();
	});

	it('restores a stored session without refreshing while the access token is fresh', async () => {
		const store = new MemoryTokenStore();
		await store.save(pair(4, Date.now() + 10 * MINUTE));
		const refresh = vi.fn();
		const manager = new TokenManager({ store, refresh });
		expect(await manager.restore()).toBe(true);
		expect(await manager.accessToken()).toBe('access-4');
		expect(refresh).not.toHaveBeenCalled();
		manager.dispose();
	});

	it('restores nothing from an empty store', async () => {
		const manager = new TokenManager({ store: new MemoryTokenStore(), refresh: vi.fn() });
		expect(await manager.restore()).toBe(false);
		expect(await manager.accessToken()).toBeNull();
	});

	it('times expiry on the local clock from expires_in', () => {
		const set = tokenSetFrom(
			{ session_id: 's', access_token: 'a', refresh_token: 'r', expires_in: 900 },
			1_000
		);
		expect(set).toEqual({
			sessionId: 's',
			accessToken: 'a',
			refreshToken: 'r',
			accessTokenExpiresAt: 901_000
		});
	});
});

describe('LocalStorageTokenStore', () => {
	it('round-trips tokens and ignores corrupt values', async () => {
		localStorage.clear();
		const store = new LocalStorageTokenStore();
		await store.save(pair(1, 123));
		expect(await store.load()).toEqual(pair(1, 123));
		localStorage.setItem('chatalot.session', '{not json');
		expect(await store.load()).toBeNull();
		await store.clear();
		expect(localStorage.getItem('chatalot.session')).toBeNull();
	});

	it('follows sign-in and sign-out in other tabs', async () => {
		const store = new LocalStorageTokenStore();
		localStorage.clear();
		const manager = new TokenManager({ store, refresh: vi.fn() });
		const started = vi.fn();
		const ended = vi.fn();
		manager.onSessionStart(started);
		manager.onSessionEnd(ended);
		expect(await manager.restore()).toBe(false);
		const fresh = pair(3, Date.now() + 10 * 60_000);
		window.dispatchEvent(
			new StorageEvent('storage', {
				key: 'chatalot.session',
				newValue: JSON.stringify(fresh),
				storageArea: localStorage
			})
		);
		expect(started).toHaveBeenCalledOnce();
		localStorage.setItem('chatalot.session', JSON.stringify(fresh));
		expect(await manager.accessToken()).toBe('access-3');
		window.dispatchEvent(
			new StorageEvent('storage', {
				key: 'chatalot.session',
				newValue: null,
				storageArea: localStorage
			})
		);
		expect(ended).toHaveBeenCalledWith('signed-out-elsewhere');
		expect(manager.signedIn).toBe(false);
		manager.dispose();
	});

	it('reports changes made by other tabs', () => {
		const store = new LocalStorageTokenStore();
		const seen: (TokenSet | null)[] = [];
		const stop = store.subscribe((t) => seen.push(t));
		window.dispatchEvent(
			new StorageEvent('storage', {
				key: 'chatalot.session',
				newValue: JSON.stringify(pair(9, 5)),
				storageArea: localStorage
			})
		);
		window.dispatchEvent(
			new StorageEvent('storage', {
				key: 'chatalot.session',
				newValue: null,
				storageArea: localStorage
			})
		);
		window.dispatchEvent(
			new StorageEvent('storage', { key: 'other', newValue: 'x', storageArea: localStorage })
		);
		stop();
		expect(seen).toEqual([pair(9, 5), null]);
	});
});
