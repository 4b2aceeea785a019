/**
 * Errors from the Chatalot API. The server answers every failure with JSON
 * `{code, message, field?, retry_after?}`; the UI reacts to `code` and shows `message`.
 */
import { whenAgain } from '$shared/format';
import type { components } from './schema';

export type ErrorBody = components['schemas']['ErrorBody'];

/** Codes the client produces itself, for failures that never reached the server. */
export const NETWORK_ERROR = 'network';
export const UNEXPECTED_RESPONSE = 'unexpected_response';

export class ApiError extends Error {
	readonly status: number;
	readonly code: string;
	readonly field: string | null;
	/** Seconds to wait before retrying (429 answers). */
	readonly retryAfter: number | null;

	constructor(status: number, body: ErrorBody) {
		super(body.message);
		this.name = 'ApiError';
		this.status = status;
		this.code = body.code;
		this.field = body.field ?? null;
		this.retryAfter = body.retry_after ?? null;
	}

	static network(): ApiError {
		return new ApiError(0, {
			code: NETWORK_ERROR,
			message: 'Cannot reach the server. Check your connection and try again.'
		});
	}

	/** Builds the error for a failed response from whatever body the client parsed. */
	static fromBody(status: number, body: unknown, retryAfterHeader?: string | null): ApiError {
		if (isErrorBody(body)) {
			const retryAfter = body.retry_after ?? parseRetryAfter(retryAfterHeader);
			return new ApiError(status, { ...body, retry_after: retryAfter });
		}
		return new ApiError(status, {
			code: UNEXPECTED_RESPONSE,
			message:
				status >= 500
					? 'The server ran into a problem. Please try again in a moment.'
					: `The server answered with an unexpected error (HTTP ${status}).`,
			retry_after: parseRetryAfter(retryAfterHeader)
		});
	}
}

export function isErrorBody(value: unknown): value is ErrorBody {
	return (
		typeof value === 'object' &&
		value !== null &&
		typeof (value as ErrorBody).code === 'string' &&
		typeof (value as ErrorBody).message === 'string'
	);
}

function parseRetryAfter(header: string | null | undefined): number | null {
	if (!header) return null;
	const seconds = Number(header);
	return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

/** A sentence for people, for any thrown value. */
export function errorMessage(error: unknown): string {
	if (error instanceof ApiError) {
		if (error.code === 'timed_out' && error.retryAfter) {
			const end = new Date(Date.now() + error.retryAfter * 1000);
			return `You are timed out here. You can post again ${whenAgain(end)}.`;
		}
		if (error.status === 429 && error.retryAfter) {
			const unit = error.retryAfter === 1 ? 'second' : 'seconds';
			return `${capitalise(error.message)}. Try again in ${error.retryAfter} ${unit}.`;
		}
		return capitalise(error.message);
	}
	return 'Something went wrong. Please try again.';
}

/**
 * Splits an error between the form's fields and the form as a whole: an error naming
 * one of `fields` (or whose code `codeFields` ties to one) is shown beside that field,
 * anything else above the form.
 */
export function formErrors<F extends string>(
	error: unknown,
	fields: readonly F[],
	codeFields: Partial<Record<string, F>> = {}
): { field: Partial<Record<F, string>>; form: string | null } {
	if (error instanceof ApiError) {
		const field = error.field ?? codeFields[error.code] ?? null;
		if (field && (fields as readonly string[]).includes(field)) {
			return { field: { [field]: errorMessage(error) } as Partial<Record<F, string>>, form: null };
		}
	}
	return { field: {}, form: errorMessage(error) };
}

function capitalise(text: string): string {
	return text.length ? text[0]!.toUpperCase() + text.slice(1) : text;
}
