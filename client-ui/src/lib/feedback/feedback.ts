/** Feedback to the server's operators (`POST /api/feedback`), and its admin list. */
import { ApiError, errorMessage } from '$api/errors';
import type { Schemas } from '$api/client';

export type Feedback = Schemas['FeedbackView'];
export type FeedbackCategory = 'bug' | 'idea' | 'other';

export const FEEDBACK_MAX = 4000;
export const FEEDBACK_PAGE_MAX = 200;

export const FEEDBACK_CATEGORIES: { value: FeedbackCategory; label: string }[] = [
	{ value: 'bug', label: 'Something is broken' },
	{ value: 'idea', label: 'An idea' },
	{ value: 'other', label: 'Something else' }
];

/** The short name of a category, for the admin list. */
export function categoryLabel(category: string): string {
	return { bug: 'Bug', idea: 'Idea', other: 'Other' }[category] ?? category;
}

/** The app path sent with feedback: no query or hash, at most 200 characters. */
export function feedbackPage(path: string): string {
	const bare = path.split(/[?#]/)[0] || '/';
	return bare.slice(0, FEEDBACK_PAGE_MAX);
}

/** Characters as the server counts them (code points). */
export function feedbackLength(text: string): number {
	return Array.from(text).length;
}

/** Why the message cannot be sent yet, or null. */
export function feedbackMessageError(text: string): string | null {
	if (!text.trim()) return 'Write what you would like to tell us.';
	const length = feedbackLength(text.trim());
	if (length > FEEDBACK_MAX) {
		return `That is ${length.toLocaleString('en')} characters; the limit is ${FEEDBACK_MAX.toLocaleString('en')}.`;
	}
	return null;
}

/** A sentence for a refused send (field errors are shown beside their field instead). */
export function feedbackErrorMessage(error: unknown): string {
	if (error instanceof ApiError && error.status === 429) {
		const wait = error.retryAfter;
		const when =
			wait == null
				? 'later'
				: wait < 90
					? `in ${wait} seconds`
					: `in about ${Math.ceil(wait / 60)} minutes`;
		return `You have sent a lot of feedback in the last hour. Try again ${when}.`;
	}
	return errorMessage(error);
}
