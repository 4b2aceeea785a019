import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActionError, NO_ANSWER, PendingRequests } from './requests';

describe('PendingRequests', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('resolves an action with its ack and rejects it with its error', async () => {
		const pending = new PendingRequests();
		const a = pending.nonce();
		const b = pending.nonce();
		expect(a).not.toBe(b);
		const first = pending.wait(a, 1000);
		const second = pending.wait(b, 1000);
		expect(pending.settle({ type: 'ack', nonce: a, call: undefined })).toBe(true);
		expect(pending.settle({ type: 'error', nonce: b, code: 'call_full', message: 'full' })).toBe(
			true
		);
		await expect(first).resolves.toMatchObject({ nonce: a });
		await expect(second).rejects.toMatchObject({ code: 'call_full', message: 'full' });
		// Answers nobody waits for go to the event bus.
		expect(pending.settle({ type: 'ack', nonce: 'other' })).toBe(false);
		expect(pending.settle({ type: 'error', code: 'rate_limited', message: 'slow down' })).toBe(
			false
		);
	});

	it('fails actions that get no answer in time or lose their connection', async () => {
		const pending = new PendingRequests();
		const late = pending.wait(pending.nonce(), 1000);
		const cut = pending.wait(pending.nonce(), 1000);
		pending.failAll();
		await expect(cut).rejects.toBeInstanceOf(ActionError);
		await expect(late).rejects.toMatchObject({ code: NO_ANSWER });
		const silent = pending.wait(pending.nonce(), 1000);
		vi.advanceTimersByTime(1000);
		await expect(silent).rejects.toMatchObject({ code: NO_ANSWER });
	});
});
