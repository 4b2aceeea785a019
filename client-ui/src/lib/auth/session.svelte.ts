/**
 * The signed-in state of the app: server configuration, the current user and the token
 * manager behind the API client. One instance per page (see `$lib/auth`).
 */
import {
	createApi,
	unwrap,
	type Api,
	type AuthConfig,
	type AuthResponse,
	type LoginResponse,
	type Schemas,
	type TwoFactorChallenge,
	type UserProfile
} from '$api/client';
import { ApiError } from '$api/errors';
import { signInStep } from './sign-in';
import { TokenManager, tokenSetFrom, type SessionEndReason } from './token-manager';
import type { TokenStore } from './token-store';

export type SessionStatus = 'starting' | 'signed-out' | 'signed-in';

export interface SessionOptions {
	store: TokenStore;
	baseUrl?: string;
	fetch?: (request: Request) => Promise<Response>;
}

export class Session {
	status = $state<SessionStatus>('starting');
	config = $state<AuthConfig | null>(null);
	/** Why the last session ended without a sign-out here; shown on the sign-in page. */
	endedReason = $state<SessionEndReason | null>(null);
	/** The user signed out here (rather than never having signed in, or being signed out). */
	signedOutByUser = $state(false);
	/** Failure to reach the server during start-up. */
	startError = $state<string | null>(null);
	user = $state<UserProfile | null>(null);
	/**
	 * A recovery code the server has just shown (after registration or recovery). It is
	 * kept in memory only, until the user confirms having saved it.
	 */
	pendingRecoveryCode = $state<string | null>(null);
	/** Why that code was issued. */
	recoveryCodeReason = $state<'registered' | 'recovered'>('registered');

	private loggingOut = false;

	readonly api: Api;
	readonly tokens: TokenManager;
	/** The server's address when it is not the page's own (the desktop app). */
	readonly baseUrl: string | undefined;

	isAdmin = $derived(this.user?.instance_role === 'owner' || this.user?.instance_role === 'admin');
	/** Whether this user may create communities (COMMUNITY_CREATION_MODE). */
	canCreateCommunities = $derived(
		this.isAdmin || this.config?.community_creation_mode === 'anyone'
	);

	constructor(options: SessionOptions) {
		this.baseUrl = options.baseUrl;
		const refreshApi = createApi({ baseUrl: options.baseUrl, fetch: options.fetch });
		this.tokens = new TokenManager({
			store: options.store,
			refresh: async (refreshToken) =>
				tokenSetFrom(
					await unwrap(
						refreshApi.POST('/api/auth/refresh', { body: { refresh_token: refreshToken } })
					)
				)
		});
		this.api = createApi({ baseUrl: options.baseUrl, fetch: options.fetch, tokens: this.tokens });
		this.tokens.onSessionEnd((reason) => this.ended(reason));
		this.tokens.onSessionStart(() => void this.startedElsewhere());
	}

	get sessionId(): string | null {
		return this.tokens.sessionId;
	}

	/** Loads the server configuration and restores a stored session. */
	async start(): Promise<void> {
		this.startError = null;
		try {
			const [config, restored] = await Promise.all([this.loadConfig(), this.tokens.restore()]);
			this.config = config;
			if (restored) {
				this.user = await unwrap(this.api.GET('/api/account/me'));
				this.status = 'signed-in';
				return;
			}
		} catch (error) {
			if (!(error instanceof ApiError) || error.status !== 401) {
				this.startError =
					error instanceof ApiError ? error.message : 'The server could not be reached.';
				return;
			}
		}
		this.status = 'signed-out';
	}

	async loadConfig(): Promise<AuthConfig> {
		const config = await unwrap(this.api.GET('/api/auth/config'));
		this.config = config;
		return config;
	}

	/**
	 * Signs in with a password. Resolves to null once signed in, or to the challenge when
	 * the account has two-factor authentication (then call {@link loginTwoFactor}).
	 */
	async login(username: string, password: string): Promise<TwoFactorChallenge | null> {
		return this.firstFactor(
			await unwrap(this.api.POST('/api/auth/login', { body: { username, password } }))
		);
	}

	/** The second step: a code from the authenticator app, or a backup code. */
	async loginTwoFactor(challenge: TwoFactorChallenge, code: string): Promise<void> {
		await this.begin(
			await unwrap(
				this.api.POST('/api/auth/login/2fa', {
					body: { challenge_token: challenge.challenge_token, code }
				})
			)
		);
	}

	/**
	 * Trades the ticket the SSO callback handed over for a session, like {@link login}:
	 * null once signed in, or a two-factor challenge.
	 */
	async exchangeSsoTicket(ticket: string): Promise<TwoFactorChallenge | null> {
		const answer = await unwrap(this.api.POST('/api/auth/oidc/exchange', { body: { ticket } }));
		// A first SSO account may have ended first-run setup (with the setup code as invite).
		if (this.config?.setup_required) await this.loadConfig().catch(() => {});
		return this.firstFactor(answer);
	}

	async register(request: Schemas['RegisterRequest']): Promise<void> {
		const answer = await unwrap(this.api.POST('/api/auth/register', { body: request }));
		await this.begin(answer, 'registered');
		// The first account ends first-run setup.
		if (this.config?.setup_required) await this.loadConfig().catch(() => {});
	}

	async recover(request: Schemas['RecoverRequest']): Promise<void> {
		await this.begin(
			await unwrap(this.api.POST('/api/auth/recover', { body: request })),
			'recovered'
		);
	}

	/** Ends the session on the server (best effort) and here. */
	async logout(): Promise<void> {
		// The session may end during the call (a deleted account's tokens are refused);
		// that is this sign-out, not an expiry, and is finished here.
		this.loggingOut = true;
		try {
			await unwrap(this.api.POST('/api/auth/logout'));
		} catch {
			// Signed out locally regardless; the server session expires on its own.
		}
		try {
			await this.tokens.clear();
		} finally {
			this.loggingOut = false;
		}
		this.user = null;
		this.pendingRecoveryCode = null;
		this.endedReason = null;
		this.signedOutByUser = true;
		this.status = 'signed-out';
	}

	/** Re-reads the account, e.g. when the window regains focus. Ends a revoked session. */
	async revalidate(): Promise<void> {
		if (this.status !== 'signed-in') return;
		try {
			this.user = await unwrap(this.api.GET('/api/account/me'));
		} catch (error) {
			if (error instanceof ApiError && error.status === 401) this.ended('expired');
		}
	}

	setUser(user: UserProfile): void {
		this.user = user;
	}

	acknowledgeRecoveryCode(): void {
		this.pendingRecoveryCode = null;
	}

	private async firstFactor(answer: LoginResponse): Promise<TwoFactorChallenge | null> {
		const step = signInStep(answer);
		if (step.kind === 'two-factor') return step.challenge;
		await this.begin(step.auth);
		return null;
	}

	private async begin(
		answer: AuthResponse,
		reason: 'registered' | 'recovered' = 'registered'
	): Promise<void> {
		await this.tokens.begin(tokenSetFrom(answer));
		this.user = answer.user;
		this.pendingRecoveryCode = answer.recovery_code ?? null;
		this.recoveryCodeReason = reason;
		this.endedReason = null;
		this.signedOutByUser = false;
		this.status = 'signed-in';
	}

	/** Another tab signed in: follow it (a recovery code stays with the tab that got it). */
	private async startedElsewhere(): Promise<void> {
		if (this.status !== 'signed-out') return;
		try {
			this.user = await unwrap(this.api.GET('/api/account/me'));
			this.endedReason = null;
			this.signedOutByUser = false;
			this.status = 'signed-in';
		} catch {
			// The session ended again meanwhile; stay signed out.
		}
	}

	private ended(reason: SessionEndReason): void {
		// Also while starting: a stored session the server has revoked.
		if (this.status === 'signed-out' || this.loggingOut) return;
		void this.tokens.clear();
		this.user = null;
		this.pendingRecoveryCode = null;
		this.endedReason = reason;
		this.status = 'signed-out';
	}
}
