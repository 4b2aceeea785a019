/**
 * The signed-in user's own presence: the one they chose, and "idle" while they are away
 * from a presence of "online" ({@link IdleTracker}). A choice of idle, do not disturb or
 * invisible is never overridden.
 *
 * Presence is per user on the server, shared by all their devices: when another device
 * makes the user idle while this one is in use, this one makes them online again.
 */
import type { Schemas } from '$api/client';

export type ChosenPresence = Schemas['ChosenPresence'];
type PresenceStatus = Schemas['PresenceStatus'];

export class SelfPresence {
	/** What the user chose (online until they choose otherwise). */
	chosen = $state<ChosenPresence>('online');
	/** Idle because the user left, not by choice. */
	away = $state(false);
	private readonly send: (status: ChosenPresence) => Promise<void>;

	constructor(send: (status: ChosenPresence) => Promise<void>) {
		this.send = send;
	}

	/** What the server is told (and others see, but for invisible). */
	get current(): ChosenPresence {
		return this.away ? 'idle' : this.chosen;
	}

	async choose(status: ChosenPresence): Promise<void> {
		this.chosen = status;
		this.away = false;
		await this.send(status);
	}

	/** No input for a while: idle, if the user is simply online. */
	left(): void {
		if (this.chosen !== 'online' || this.away) return;
		this.away = true;
		this.tell('idle');
	}

	/** Input again after {@link left}. */
	returned(): void {
		if (!this.away) return;
		this.away = false;
		this.tell(this.chosen);
	}

	/**
	 * The server announced the user's own presence (set here or on another device).
	 * `inUse`: this device had input lately (within the idle delay). Idle while the user
	 * is in use here and chose online is another device's automatic idle: online again.
	 */
	announced(status: PresenceStatus, inUse: boolean): void {
		if (status !== 'idle' || !inUse || this.chosen !== 'online' || this.away) return;
		this.tell('online');
	}

	/** After a (re)connection, which the server greets as online: anything else again. */
	connected(): void {
		if (this.current !== 'online') this.tell(this.current);
	}

	private tell(status: ChosenPresence): void {
		// The next change tries again; presence is not worth an error message.
		void this.send(status).catch(() => {});
	}
}
