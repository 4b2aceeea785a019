/**
 * Keeps the session's access token valid. Refresh tokens are single-use and presenting
 * a spent one ends the session (theft detection), so refreshing is single-flight: one
 * refresh at a time in this tab, and under a Web Lock across tabs; a tab that finds a
 * fresher pair in the store (another tab refreshed) adopts it instead of refreshing.
 */
import { ApiError } from '$api/errors';
import type { AccessTokenSource } from '$api/client';
import type { TokenSet, TokenStore } from './token-store';

/** Trades a refresh token for a new pair; throws ApiError (401 when the session is over). */
export type RefreshFn = (refreshToken: string) => Promise<TokenSet>;

/** Runs `task` while holding the named lock (exclusive across tabs where supported). */
export type LockFn = <T>(name: string, task: () => Promise<T>) => Promise<T>;

export type SessionEndReason = 'expired' | 'signed-out-elsewhere';

export const webLock: LockFn = <T>(name: string, task: () => Promise<T>) => {
	const locks = globalThis.navigator?.locks;
	// Web Locks exist in secure contexts only; without them tabs still reconcile through
	// the store before refreshing, which closes most of the window.
	return locks ? (locks.request(name, task) as Promise<T>) : task();
};

export interface TokenManagerOptions {
	store: TokenStore;
	refresh: RefreshFn;
	lock?: LockFn;
	now?: () => number;
	/** Refresh this long before the access token expires. */
	marginMs?: number;
	/** Delay before retrying a refresh that failed for a reason other than 401. */
	retryMs?: number;
}

const LOCK_NAME = 'chatalot-token-refresh';

export class TokenManager implements AccessTokenSource {
	private tokens: TokenSet | null = null;
	private inflight: Promise<TokenSet | null> | null = null;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private unsubscribe: (() => void) | null = null;
	private readonly endListeners = new Set<(reason: SessionEndReason) => void>();
	private readonly startListeners = new Set<() => void>();
	private readonly store: TokenStore;
	private readonly refreshFn: RefreshFn;
	private readonly lock: LockFn;
	private readonly now: () => number;
	private readonly marginMs: number;
	private readonly retryMs: number;

	constructor(options: TokenManagerOptions) {
		this.store = options.store;
		this.refreshFn = options.refresh;
		this.lock = options.lock ?? webLock;
		this.now = options.now ?? Date.now;
		this.marginMs = options.marginMs ?? 60_000;
		this.retryMs = options.retryMs ?? 15_000;
	}

	get signedIn(): boolean {
		return this.tokens !== null;
	}

	get sessionId(): string | null {
		return this.tokens?.sessionId ?? null;
	}

	/** Called when the session ends without the user signing out in this tab. */
	onSessionEnd(listener: (reason: SessionEndReason) => void): () => void {
		this.endListeners.add(listener);
		return () => this.endListeners.delete(listener);
	}

	/** Called when another tab signs in while this one is signed out. */
	onSessionStart(listener: () => void): () => void {
		this.startListeners.add(listener);
		return () => this.startListeners.delete(listener);
	}

	/** Restores the stored session (after a reload); refreshes only when needed. */
	async restore(): Promise<boolean> {
		this.watchStore();
		const stored = await this.store.load();
		if (!stored) return false;
		this.adopt(stored);
		if (!this.isFresh(stored)) await this.refresh(stored.accessToken);
		return this.tokens !== null;
	}

	/** Starts a session with the tokens from sign-in, registration or recovery. */
	async begin(tokens: TokenSet): Promise<void> {
		this.watchStore();
		await this.store.save(tokens);
		this.adopt(tokens);
	}

	/** Forgets the session here and in every tab (the server call is the caller's). */
	async clear(): Promise<void> {
		this.tokens = null;
		this.cancelTimer();
		await this.store.clear();
	}

	async accessToken(): Promise<string | null> {
		const current = this.tokens;
		if (!current) return null;
		if (this.isFresh(current)) return current.accessToken;
		return (await this.refresh(current.accessToken))?.accessToken ?? null;
	}

	async refreshAfterRejection(rejected: string): Promise<string | null> {
		return (await this.refresh(rejected))?.accessToken ?? null;
	}

	/**
	 * Gets a new pair unless someone already did. `stale` is the access token the caller
	 * considers spent; a stored pair with a different, fresh token is adopted as is.
	 * Concurrent callers share one attempt.
	 */
	refresh(stale?: string): Promise<TokenSet | null> {
		this.inflight ??= this.lock(LOCK_NAME, () => this.refreshLocked(stale)).finally(() => {
			this.inflight = null;
		});
		return this.inflight;
	}

	sessionRejected(): void {
		if (!this.tokens) return;
		void this.store.clear();
		this.end('expired');
	}

	dispose(): void {
		this.cancelTimer();
		this.unsubscribe?.();
		this.unsubscribe = null;
	}

	private async refreshLocked(stale: string | undefined): Promise<TokenSet | null> {
		const stored = await this.store.load();
		if (!stored) {
			if (this.tokens) this.end('signed-out-elsewhere');
			return null;
		}
		if (stored.accessToken !== stale && this.isFresh(stored)) {
			this.adopt(stored);
			return stored;
		}
		try {
			const next = await this.refreshFn(stored.refreshToken);
			await this.store.save(next);
			this.adopt(next);
			return next;
		} catch (error) {
			if (error instanceof ApiError && error.status === 401) {
				await this.store.clear();
				this.end('expired');
				return null;
			}
			// Offline or a server fault: keep the session and try again later.
			this.schedule(this.retryMs);
			throw error;
		}
	}

	private isFresh(tokens: TokenSet): boolean {
		return tokens.accessTokenExpiresAt - this.now() > this.marginMs;
	}

	private adopt(tokens: TokenSet): void {
		this.tokens = tokens;
		this.schedule(tokens.accessTokenExpiresAt - this.marginMs - this.now());
	}

	private end(reason: SessionEndReason): void {
		const hadSession = this.tokens !== null;
		this.tokens = null;
		this.cancelTimer();
		if (hadSession) for (const listener of this.endListeners) listener(reason);
	}

	private schedule(delayMs: number): void {
		this.cancelTimer();
		this.timer = setTimeout(
			() => {
				const current = this.tokens;
				if (current) this.refresh(current.accessToken).catch(() => {});
			},
			Math.max(delayMs, 0)
		);
	}

	private cancelTimer(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
	}

	private watchStore(): void {
		if (this.unsubscribe || !this.store.subscribe) return;
		this.unsubscribe = this.store.subscribe((tokens) => {
			if (tokens) {
				const started = this.tokens === null;
				this.adopt(tokens);
				if (started) for (const listener of this.startListeners) listener();
			} else if (this.tokens) {
				this.end('signed-out-elsewhere');
			}
		});
	}
}

/** Converts the server's token answer, timing expiry on this device's clock. */
export function tokenSetFrom(
	tokens: { session_id: string; access_token: string; expires_in: number; refresh_token: string },
	now: number = Date.now()
): TokenSet {
	return {
		sessionId: tokens.session_id,
		accessToken: tokens.access_token,
		accessTokenExpiresAt: now + tokens.expires_in * 1000,
		refreshToken: tokens.refresh_token
	};
}
