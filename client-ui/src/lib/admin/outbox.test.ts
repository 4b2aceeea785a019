import { describe, expect, it } from 'vitest';
import { attemptsText, canRetry, kindLabel, statusLabel, statusTone } from './outbox';

describe('outbox entries', () => {
	it('read by state and attempts', () => {
		expect(statusLabel({ status: 'pending', attempts: 0 })).toBe('Waiting');
		expect(statusLabel({ status: 'pending', attempts: 3 })).toBe('Retrying');
		expect(statusLabel({ status: 'failed', attempts: 12 })).toBe('Given up');
		expect(statusLabel({ status: 'sent', attempts: 1 })).toBe('Sent');
		expect(statusTone({ status: 'pending', attempts: 2 })).toBe('warning');
		expect(statusTone({ status: 'failed', attempts: 12 })).toBe('danger');
		expect(statusTone({ status: 'sent', attempts: 1 })).toBe('success');
	});

	it('name calendar mail and offer a retry only for unsent mail', () => {
		expect(kindLabel({ calendar_method: 'REQUEST' })).toBe('Calendar invite');
		expect(kindLabel({ calendar_method: 'CANCEL' })).toBe('Calendar cancellation');
		expect(kindLabel({ calendar_method: null })).toBeNull();
		expect(canRetry({ status: 'failed' })).toBe(true);
		expect(canRetry({ status: 'pending' })).toBe(true);
		expect(canRetry({ status: 'sent' })).toBe(false);
		expect(attemptsText(0)).toBe('not tried yet');
		expect(attemptsText(1)).toBe('1 attempt');
		expect(attemptsText(4)).toBe('4 attempts');
	});
});
