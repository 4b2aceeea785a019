/**
 * Notices when the user has left: no keyboard or pointer input for a while (a hidden tab
 * gets none either). The server pushes notifications to users who are away or idle, so
 * a presence left at "online" on an unattended computer would swallow them.
 */

/** Ten minutes without input make a user idle. */
export const IDLE_AFTER_MS = 10 * 60 * 1000;
/** Pointer moves restart the countdown at most this often. */
const RESTART_EVERY_MS = 1000;

const INPUT_EVENTS = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

export interface IdleTrackerOptions {
	/** Called once when the user becomes idle. */
	onidle: () => void;
	/** Called once at the first input after being idle. */
	onactive: () => void;
	idleAfterMs?: number;
}

export class IdleTracker {
	private idle = false;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private restarted = 0;
	/** When the user last did something here (null: not since the tracker was made). */
	private lastInput: number | null = null;
	private readonly idleAfterMs: number;

	constructor(private readonly options: IdleTrackerOptions) {
		this.idleAfterMs = options.idleAfterMs ?? IDLE_AFTER_MS;
	}

	get isIdle(): boolean {
		return this.idle;
	}

	/** Whether the user did something here in the last `ms` (by default, the idle delay). */
	activeWithin(ms = this.idleAfterMs, now = Date.now()): boolean {
		return this.lastInput !== null && now - this.lastInput < ms;
	}

	/** The user did something: back from idle, and the countdown starts again. */
	activity(): void {
		const now = Date.now();
		this.lastInput = now;
		if (this.idle) {
			this.idle = false;
			this.options.onactive();
		} else if (this.timer && now - this.restarted < RESTART_EVERY_MS) {
			return;
		}
		this.restart(now);
	}

	/** Starts counting and listening to the window; returns the function that stops both. */
	start(target: Window = window): () => void {
		const onInput = () => this.activity();
		const onVisibility = () => {
			// Coming back to the tab counts as input; hiding it leaves the countdown running.
			if (target.document.visibilityState === 'visible') this.activity();
		};
		for (const type of INPUT_EVENTS) target.addEventListener(type, onInput, { passive: true });
		target.document.addEventListener('visibilitychange', onVisibility);
		this.restart(Date.now());
		return () => {
			for (const type of INPUT_EVENTS) target.removeEventListener(type, onInput);
			target.document.removeEventListener('visibilitychange', onVisibility);
			this.stop();
		};
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}

	private restart(now: number): void {
		this.stop();
		this.restarted = now;
		this.timer = setTimeout(() => {
			this.timer = null;
			if (this.idle) return;
			this.idle = true;
			this.options.onidle();
		}, this.idleAfterMs);
	}
}
