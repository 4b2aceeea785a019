/**
 * Sends read marks (`POST /api/channels/{id}/read`) at most once per interval per
 * channel, always with the newest message. Reading at the bottom while a burst of live
 * messages arrives thus costs one or two requests, not one per message (the server
 * rate-limits each address).
 */
export type SendReadMark = (channelId: string, messageId: string) => Promise<void>;

/** The default spacing of two read marks for one channel. */
export const READ_MARK_INTERVAL_MS = 1000;

export class ReadMarks {
	private readonly sent = new Map<string, string>();
	private readonly wanted = new Map<string, string>();
	private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();

	constructor(
		private readonly send: SendReadMark,
		private readonly intervalMs = READ_MARK_INTERVAL_MS
	) {}

	/** Whether this mark was sent already or waits to be. */
	has(channelId: string, messageId: string): boolean {
		return this.sent.get(channelId) === messageId || this.wanted.get(channelId) === messageId;
	}

	/** Marks the channel read up to `messageId`: now, or when the interval ends. */
	mark(channelId: string, messageId: string): void {
		this.wanted.set(channelId, messageId);
		if (!this.timers.has(channelId)) this.flush(channelId);
	}

	/**
	 * Messages purged for good: a mark waiting for one of them is dropped (the server
	 * no longer knows the message; the next message read marks the channel again).
	 */
	forget(channelId: string, messageIds: readonly string[]): void {
		const wanted = this.wanted.get(channelId);
		if (wanted && messageIds.includes(wanted)) this.wanted.delete(channelId);
	}

	stop(): void {
		for (const timer of this.timers.values()) clearTimeout(timer);
		this.timers.clear();
		this.wanted.clear();
	}

	private flush(channelId: string): void {
		const messageId = this.wanted.get(channelId);
		this.wanted.delete(channelId);
		if (!messageId || this.sent.get(channelId) === messageId) return;
		this.sent.set(channelId, messageId);
		this.send(channelId, messageId).catch(() => {
			// Not recorded: the next chance to mark it read sends it again.
			if (this.sent.get(channelId) === messageId) this.sent.delete(channelId);
		});
		this.timers.set(
			channelId,
			setTimeout(() => {
				this.timers.delete(channelId);
				this.flush(channelId);
			}, this.intervalMs)
		);
	}
}
