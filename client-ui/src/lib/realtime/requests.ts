/**
 * Actions sent over the WebSocket with a `nonce`, each waiting for its `ack` or `error`
 * (docs/realtime.md, "Actions"). A lost connection or a silent server fails them.
 */
import type { ServerEventMap } from './events';

export type Ack = ServerEventMap['ack'];

/** The server refused an action (`error` frame), or it never got an answer. */
export class ActionError extends Error {
	readonly code: string;

	constructor(code: string, message: string) {
		super(message);
		this.name = 'ActionError';
		this.code = code;
	}
}

/** Code of an action that got no answer: the connection dropped or stayed silent. */
export const NO_ANSWER = 'no_answer';

interface Waiting {
	resolve: (ack: Ack) => void;
	reject: (error: ActionError) => void;
	timer: ReturnType<typeof setTimeout>;
}

export class PendingRequests {
	private counter = 0;

	private readonly waiting = new Map<string, Waiting>();

	/** A nonce unique within this page (actions of other tabs travel on other sockets). */
	nonce(): string {
		this.counter += 1;
		return `a${this.counter}`;
	}

	wait(nonce: string, timeoutMs: number): Promise<Ack> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiting.delete(nonce);
				reject(new ActionError(NO_ANSWER, 'The server did not answer. Try again.'));
			}, timeoutMs);
			this.waiting.set(nonce, { resolve, reject, timer });
		});
	}

	/** Settles the action an `ack` or `error` answers; false when none waits for it. */
	settle(event: ({ type: 'ack' } & Ack) | ({ type: 'error' } & ServerEventMap['error'])): boolean {
		if (!event.nonce) return false;
		const waiting = this.waiting.get(event.nonce);
		if (!waiting) return false;
		this.waiting.delete(event.nonce);
		clearTimeout(waiting.timer);
		if (event.type === 'ack') waiting.resolve(event);
		else waiting.reject(new ActionError(event.code, event.message));
		return true;
	}

	/** The connection is gone: nothing in flight will be answered. */
	failAll(): void {
		for (const [nonce, waiting] of this.waiting) {
			clearTimeout(waiting.timer);
			waiting.reject(new ActionError(NO_ANSWER, 'The connection to the server was lost.'));
			this.waiting.delete(nonce);
		}
	}
}
