/**
 * The one WebSocket of the app (docs/realtime.md): authenticates with its first frame,
 * sends heartbeats, reconnects with exponential backoff and jitter, and publishes the
 * server's events on a typed bus. Components never touch the socket: they subscribe with
 * `on(type, handler)` (which returns the unsubscribe function) and send through
 * `signal()`. After every `ready` that follows a lost connection, `onResume` listeners
 * run so the chat state can catch up on what it missed.
 */
import type { AccessTokenSource } from '$api/client';
import { socketUrl } from './socket-url';
import { backoffDelay } from './backoff';
import { ActionError, NO_ANSWER, PendingRequests, type Ack } from './requests';
import {
	CloseCode,
	type ClientAction,
	type ClientSignal,
	type ServerEvent,
	type ServerEventMap,
	type ServerEventType
} from './events';

export type RealtimeStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'stopped';

export interface SocketLike {
	readyState: number;
	onopen: ((event: Event) => void) | null;
	onmessage: ((event: MessageEvent) => void) | null;
	onclose: ((event: CloseEvent) => void) | null;
	onerror: ((event: Event) => void) | null;
	send(data: string): void;
	close(code?: number, reason?: string): void;
}

export interface RealtimeOptions {
	/** `ws(s)://host/ws`; defaults to this page's origin. */
	url?: string;
	tokens: Pick<AccessTokenSource, 'accessToken' | 'refreshAfterRejection'>;
	createSocket?: (url: string) => SocketLike;
	random?: () => number;
}

type Handler<K extends ServerEventType> = (event: ServerEventMap[K]) => void;

const OPEN = 1;
/** How long an action waits for its answer. */
const ACTION_TIMEOUT_MS = 15_000;
/** Close code the client uses when it gives up on a silent connection. */
const CLIENT_HEARTBEAT_TIMEOUT = 4900;

export class Realtime {
	status = $state<RealtimeStatus>('idle');
	/** Reconnect attempts since the last successful `ready`. */
	attempts = $state(0);

	private readonly options: RealtimeOptions;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly handlers = new Map<ServerEventType, Set<Handler<never>>>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly resumeHandlers = new Set<() => void>();
	private socket: SocketLike | null = null;
	private retryTimer: ReturnType<typeof setTimeout> | null = null;
	private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
	private lastFrameAt = 0;
	private everReady = false;
	private lastToken: string | null = null;
	private readonly requests = new PendingRequests();

	constructor(options: RealtimeOptions) {
		this.options = options;
	}

	/** Subscribes to one event type; returns the unsubscribe function. */
	on<K extends ServerEventType>(type: K, handler: Handler<K>): () => void {
		let set = this.handlers.get(type);
		// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
		if (!set) this.handlers.set(type, (set = new Set()));
		set.add(handler as Handler<never>);
		return () => set.delete(handler as Handler<never>);
	}

	/** Runs after a reconnect's `ready` (not the first one): time to catch up. */
	onResume(handler: () => void): () => void {
		this.resumeHandlers.add(handler);
		return () => this.resumeHandlers.delete(handler);
	}

	/** Sends a frame that needs no answer; false when the socket is not ready. */
	signal(frame: ClientSignal | { type: 'mark_read'; channel_id: string; message_id: string }) {
		if (this.status !== 'open' || this.socket?.readyState !== OPEN) return false;
		this.socket.send(JSON.stringify(frame));
		return true;
	}

	/**
	 * Sends an action with a nonce and resolves to its `ack`; rejects with
	 * {@link ActionError} on the server's `error`, or when no answer can come.
	 */
	request(frame: ClientAction): Promise<Ack> {
		if (this.status !== 'open' || this.socket?.readyState !== OPEN) {
			return Promise.reject(new ActionError(NO_ANSWER, 'Not connected to the server.'));
		}
		const nonce = this.requests.nonce();
		const answer = this.requests.wait(nonce, ACTION_TIMEOUT_MS);
		this.socket.send(JSON.stringify({ ...frame, nonce }));
		return answer;
	}

	start(): void {
		if (this.status !== 'idle' && this.status !== 'stopped') return;
		this.status = 'connecting';
		void this.connect();
	}

	stop(): void {
		this.status = 'stopped';
		this.clearTimers();
		this.requests.failAll();
		const socket = this.socket;
		this.socket = null;
		if (socket) {
			socket.onclose = null;
			socket.close(1000, 'bye');
		}
	}

	/** Reconnects now instead of waiting for the backoff (e.g. the browser came online). */
	retryNow(): void {
		if (this.status !== 'reconnecting' || this.socket) return;
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.retryTimer = null;
		void this.connect();
	}

	private async connect(): Promise<void> {
		const token = await this.options.tokens.accessToken();
		if (this.status === 'stopped') return;
		if (!token) {
			this.stop();
			return;
		}
		this.lastToken = token;
		const socket = (this.options.createSocket ?? defaultSocket)(this.options.url ?? defaultUrl());
		this.socket = socket;
		socket.onopen = () => socket.send(JSON.stringify({ type: 'authenticate', token }));
		socket.onmessage = (event) => this.receive(event.data);
		socket.onclose = (event) => this.closed(socket, event.code);
		socket.onerror = () => {
			// A close event follows; reconnecting is handled there.
		};
	}

	private receive(data: unknown): void {
		this.lastFrameAt = Date.now();
		if (typeof data !== 'string') return;
		let event: ServerEvent;
		try {
			event = JSON.parse(data) as ServerEvent;
		} catch {
			return;
		}
		if (event.type === 'ready') {
			const resumed = this.everReady;
			this.everReady = true;
			this.attempts = 0;
			this.status = 'open';
			this.startHeartbeat(event.heartbeat_interval_ms);
			this.emit(event);
			if (resumed) for (const handler of this.resumeHandlers) handler();
			return;
		}
		if ((event.type === 'ack' || event.type === 'error') && this.requests.settle(event)) return;
		this.emit(event);
	}

	private emit(event: ServerEvent): void {
		const set = this.handlers.get(event.type);
		if (!set) return;
		for (const handler of set) {
			try {
				(handler as (event: ServerEvent) => void)(event);
			} catch (error) {
				console.warn('realtime handler failed', event.type, error);
			}
		}
	}

	private closed(socket: SocketLike, code: number): void {
		if (socket !== this.socket) return;
		this.socket = null;
		this.clearTimers();
		this.requests.failAll();
		if (this.status === 'stopped') return;
		if (code === CloseCode.sessionEnded) {
			// The server has stopped delivering to this session. The tab signs out at its
			// next request, exactly as with REST (a reload still explains why).
			this.status = 'stopped';
			return;
		}
		this.status = 'reconnecting';
		if (code === CloseCode.authenticationFailed && this.lastToken) {
			// Usually an access token that expired while we were away: refresh it first.
			const rejected = this.lastToken;
			this.lastToken = null;
			void this.options.tokens.refreshAfterRejection(rejected).then((fresh) => {
				if (!fresh) this.stop();
				else this.schedule();
			});
			return;
		}
		this.schedule(code === CloseCode.tooManyConnections ? 4 : 0);
	}

	private schedule(extraAttempts = 0): void {
		const delay = backoffDelay(this.attempts + extraAttempts, { random: this.options.random });
		this.attempts += 1;
		this.retryTimer = setTimeout(() => {
			this.retryTimer = null;
			void this.connect();
		}, delay);
	}

	private startHeartbeat(intervalMs: number): void {
		if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
		const interval = Math.max(1000, intervalMs);
		this.heartbeatTimer = setInterval(() => {
			const socket = this.socket;
			if (!socket) return;
			if (Date.now() - this.lastFrameAt > interval * 2) {
				// Nothing heard, not even a pong: the connection is dead without knowing it.
				socket.onclose = null;
				socket.close(CLIENT_HEARTBEAT_TIMEOUT, 'heartbeat');
				this.closed(socket, CLIENT_HEARTBEAT_TIMEOUT);
				return;
			}
			if (socket.readyState === OPEN) socket.send(JSON.stringify({ type: 'ping' }));
		}, interval);
	}

	private clearTimers(): void {
		if (this.retryTimer) clearTimeout(this.retryTimer);
		if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
		this.retryTimer = null;
		this.heartbeatTimer = null;
	}
}

function defaultUrl(): string {
	return socketUrl(globalThis.location.origin);
}

function defaultSocket(url: string): SocketLike {
	return new WebSocket(url);
}
