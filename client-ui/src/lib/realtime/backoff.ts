/**
 * Reconnect delays: exponential growth from `base` up to `max`, with "full jitter"
 * (a random delay between half and all of the step) so that many clients dropped at
 * once by a restarting server do not all come back in the same instant.
 */
export interface BackoffOptions {
	base?: number;
	max?: number;
	random?: () => number;
}

export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
	const base = options.base ?? 500;
	const max = options.max ?? 30_000;
	const random = options.random ?? Math.random;
	const step = Math.min(max, base * 2 ** Math.max(0, attempt));
	return Math.round(step / 2 + (random() * step) / 2);
}
