import { describe, expect, it } from 'vitest';
import { ApiError } from '$api/errors';
import {
	categoryLabel,
	feedbackErrorMessage,
	feedbackMessageError,
	feedbackPage
} from './feedback';

describe('feedback helpers', () => {
	it('sends the bare path, at most 200 characters', () => {
		expect(feedbackPage('/c/1/2?x=1#y')).toBe('/c/1/2');
		expect(feedbackPage('')).toBe('/');
		expect(feedbackPage('/' + 'a'.repeat(300))).toHaveLength(200);
	});

	it('checks the message', () => {
		expect(feedbackMessageError('  ')).toMatch(/Write/);
		expect(feedbackMessageError('ok')).toBeNull();
		expect(feedbackMessageError('x'.repeat(4001))).toMatch(/limit is 4,000/);
	});

	it('explains the hourly limit', () => {
		expect(
			feedbackErrorMessage(
				new ApiError(429, { code: 'rate_limited', message: 'x', retry_after: 600 })
			)
		).toBe('You have sent a lot of feedback in the last hour. Try again in about 10 minutes.');
		expect(
			feedbackErrorMessage(
				new ApiError(429, { code: 'rate_limited', message: 'x', retry_after: 5 })
			)
		).toMatch(/in 5 seconds/);
	});

	it('labels categories', () => {
		expect(categoryLabel('bug')).toBe('Bug');
		expect(categoryLabel('new')).toBe('new');
	});
});
