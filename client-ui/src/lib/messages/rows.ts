/**
 * Turns a channel's messages into the rows the list shows: date separators, the
 * "new messages" separator after the last read message, and grouping of consecutive
 * messages by the same author (within a few minutes, and not when one is a reply).
 */
import type { Message } from './merge';

export type Row =
	| { kind: 'date'; key: string; label: string }
	| { kind: 'unread'; key: string }
	| { kind: 'message'; key: string; message: Message; grouped: boolean };

const GROUP_WINDOW_MS = 7 * 60 * 1000;

export interface RowOptions {
	/** Messages after this ID (and not by `selfId`) are new to the reader. */
	lastReadId?: string | null;
	selfId?: string | null;
	locale?: string;
	now?: Date;
}

export function dayKey(date: Date): string {
	return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

export function dayLabel(date: Date, now: Date = new Date(), locale?: string): string {
	const yesterday = new Date(now);
	yesterday.setDate(now.getDate() - 1);
	if (dayKey(date) === dayKey(now)) return 'Today';
	if (dayKey(date) === dayKey(yesterday)) return 'Yesterday';
	return new Intl.DateTimeFormat(locale, {
		weekday: 'long',
		year: 'numeric',
		month: 'long',
		day: 'numeric'
	}).format(date);
}

export function buildRows(messages: readonly Message[], options: RowOptions = {}): Row[] {
	const rows: Row[] = [];
	const now = options.now ?? new Date();
	let previous: Message | null = null;
	let previousDay = '';
	let unreadPlaced = !options.lastReadId;
	for (const message of messages) {
		const created = new Date(message.created_at);
		const day = dayKey(created);
		let breaks = false;
		if (day !== previousDay) {
			rows.push({
				kind: 'date',
				key: `date-${day}`,
				label: dayLabel(created, now, options.locale)
			});
			previousDay = day;
			breaks = true;
		}
		if (
			!unreadPlaced &&
			message.id > options.lastReadId! &&
			message.author?.id !== options.selfId
		) {
			rows.push({ kind: 'unread', key: 'unread' });
			unreadPlaced = true;
			breaks = true;
		}
		const grouped =
			!breaks &&
			previous !== null &&
			!message.reply_to_id &&
			previous.author?.id === message.author?.id &&
			created.getTime() - new Date(previous.created_at).getTime() < GROUP_WINDOW_MS;
		rows.push({ kind: 'message', key: message.id, message, grouped });
		previous = message;
	}
	return rows;
}

export interface MessagePositions {
	/** `aria-setsize` for every message row: the loaded count, or -1 when more exist. */
	setSize: number;
	/** `aria-posinset` by message row key: 1-based, counting messages, not separators. */
	positions: Map<string, number>;
}

/**
 * Where each message sits among the loaded ones, for screen readers: the list renders
 * only the rows near the view, so each row states its position and the list's size
 * (WAI-ARIA, `aria-posinset`/`aria-setsize`). The size is unknown (-1) while older or
 * newer messages can still be loaded.
 */
export function messagePositions(rows: readonly Row[], more: boolean): MessagePositions {
	const positions = new Map<string, number>();
	for (const row of rows) {
		if (row.kind === 'message') positions.set(row.key, positions.size + 1);
	}
	return { setSize: more ? -1 : positions.size, positions };
}
