// The email outbox for administrators: how each message's state reads.
import type { Schemas } from '$api/client';

export type OutboxEntry = Schemas['OutboxEntryView'];
export type OutboxStatus = Schemas['OutboxStatus'];
export type OutboxFilter = OutboxStatus | 'all';

export const OUTBOX_FILTERS: { value: OutboxFilter; label: string }[] = [
	{ value: 'all', label: 'All' },
	{ value: 'pending', label: 'Waiting' },
	{ value: 'failed', label: 'Given up' },
	{ value: 'sent', label: 'Sent' }
];

export function statusLabel(entry: Pick<OutboxEntry, 'status' | 'attempts'>): string {
	switch (entry.status) {
		case 'sent':
			return 'Sent';
		case 'failed':
			return 'Given up';
		case 'pending':
			return entry.attempts === 0 ? 'Waiting' : 'Retrying';
	}
}

export function statusTone(
	entry: Pick<OutboxEntry, 'status' | 'attempts'>
): 'success' | 'warning' | 'danger' {
	if (entry.status === 'sent') return 'success';
	if (entry.status === 'failed') return 'danger';
	return entry.attempts === 0 ? 'success' : 'warning';
}

/** "Invite", "Update", "Cancellation" for calendar mail; otherwise nothing. */
export function kindLabel(entry: Pick<OutboxEntry, 'calendar_method'>): string | null {
	switch (entry.calendar_method) {
		case 'REQUEST':
			return 'Calendar invite';
		case 'CANCEL':
			return 'Calendar cancellation';
		default:
			return null;
	}
}

/** Whether an administrator may send it again (everything not yet sent). */
export function canRetry(entry: Pick<OutboxEntry, 'status'>): boolean {
	return entry.status !== 'sent';
}

export function attemptsText(attempts: number): string {
	if (attempts === 0) return 'not tried yet';
	return attempts === 1 ? '1 attempt' : `${attempts} attempts`;
}
