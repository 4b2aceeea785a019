import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReadMarks } from './read-marks';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('ReadMarks', () => {
	it('sends the first mark at once and a burst as one more, with the newest message', async () => {
		const send = vi.fn(async () => {});
		const marks = new ReadMarks(send, 1000);
		marks.mark('c1', 'm001');
		expect(send.mock.calls).toEqual([['c1', 'm001']]);

		for (let i = 2; i <= 50; i++) marks.mark('c1', `m${String(i).padStart(3, '0')}`);
		expect(send).toHaveBeenCalledTimes(1);
		expect(marks.has('c1', 'm050')).toBe(true);

		await vi.advanceTimersByTimeAsync(1000);
		expect(send.mock.calls).toEqual([
			['c1', 'm001'],
			['c1', 'm050']
		]);
		// Nothing new: the interval ends quietly.
		await vi.advanceTimersByTimeAsync(5000);
		expect(send).toHaveBeenCalledTimes(2);
	});

	it('drops a waiting mark whose message was purged, and only that one', async () => {
		const send = vi.fn(async () => {});
		const marks = new ReadMarks(send, 1000);
		marks.mark('c1', 'a');
		marks.mark('c1', 'b');
		marks.mark('c2', 'x');
		marks.mark('c2', 'y');
		marks.forget('c1', ['b']);
		marks.forget('c2', ['other']);
		await vi.advanceTimersByTimeAsync(1000);
		expect(send.mock.calls).toEqual([
			['c1', 'a'],
			['c2', 'x'],
			['c2', 'y']
		]);
	});

	it('keeps channels apart and never sends the same mark twice', async () => {
		const send = vi.fn(async () => {});
		const marks = new ReadMarks(send, 1000);
		marks.mark('c1', 'a');
		marks.mark('c2', 'b');
		await vi.advanceTimersByTimeAsync(1000);
		marks.mark('c1', 'a');
		expect(send.mock.calls).toEqual([
			['c1', 'a'],
			['c2', 'b']
		]);
	});

	it('sends a failed mark again at the next chance', async () => {
		const send = vi.fn().mockRejectedValueOnce(new Error('offline')).mockResolvedValue(undefined);
		const marks = new ReadMarks(send, 1000);
		marks.mark('c1', 'a');
		await vi.advanceTimersByTimeAsync(1000);
		expect(marks.has('c1', 'a')).toBe(false);
		marks.mark('c1', 'a');
		expect(send).toHaveBeenCalledTimes(2);
	});

	it('stops pending marks', async () => {
		const send = vi.fn(async () => {});
		const marks = new ReadMarks(send, 1000);
		marks.mark('c1', 'a');
		marks.mark('c1', 'b');
		marks.stop();
		await vi.advanceTimersByTimeAsync(5000);
		expect(send).toHaveBeenCalledTimes(1);
	});
});
