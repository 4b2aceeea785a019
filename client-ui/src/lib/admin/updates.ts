// Managed updates for administrators: how the updater's state, releases and jobs read,
// and when the page asks the server again while an update runs.
import type { Schemas } from '$api/client';
import { ApiError, errorMessage, NETWORK_ERROR, UNEXPECTED_RESPONSE } from '$api/errors';

export type UpdatesView = Schemas['UpdatesView'];
export type Release = Schemas['ReleaseView'];
export type UpdateJob = Schemas['UpdateJobView'];
export type UpdateStep = Schemas['UpdateStepView'];

/** How often the page asks for the job's progress while it runs. */
export const POLL_INTERVAL_MS = 2_000;
/** A poll that gets no answer within this long counts as failed (the server is away). */
export const POLL_TIMEOUT_MS = 10_000;

const STEP_LABELS: Record<string, string> = {
	backup: 'Backing up the database',
	pull: 'Downloading the new version',
	stop: 'Stopping the server',
	start: 'Starting the new version',
	health: 'Checking that it is healthy',
	cleanup: 'Cleaning up',
	rollback: 'Rolling back to the previous version',
	restore: 'Restoring the database from the backup'
};

/** "Backing up the database" for `backup`; an unknown step reads as its own name. */
export function stepLabel(step: string): string {
	const known = STEP_LABELS[step];
	if (known) return known;
	const words = step.replace(/[_-]+/g, ' ').trim();
	return words ? words[0]!.toUpperCase() + words.slice(1) : 'Step';
}

/** `sha256:` and the first 12 hex digits: enough to tell images apart at a glance. */
export function shortDigest(digest: string, length = 12): string {
	const colon = digest.indexOf(':');
	const algorithm = colon >= 0 ? digest.slice(0, colon + 1) : '';
	const hash = colon >= 0 ? digest.slice(colon + 1) : digest;
	return hash.length > length ? `${algorithm}${hash.slice(0, length)}…` : digest;
}

export type JobTone = 'info' | 'success' | 'warning' | 'error';

export interface JobStatus {
	tone: JobTone;
	/** One line: what happened. */
	title: string;
	/** What it means, or null when the title says it all. */
	detail: string | null;
}

/** A job's state as people read it. */
export function jobStatus(
	job: Pick<UpdateJob, 'state' | 'to_version' | 'from_version' | 'error'>
): JobStatus {
	const to = job.to_version;
	const previous = job.from_version ? `Version ${job.from_version}` : 'The previous version';
	switch (job.state) {
		case 'running':
			return { tone: 'info', title: `Updating to ${to}…`, detail: null };
		case 'succeeded':
			return {
				tone: 'success',
				title: `Updated to ${to}`,
				detail: job.from_version ? `From version ${job.from_version}.` : null
			};
		case 'rolled_back':
			return {
				tone: 'warning',
				title: `The update to ${to} was rolled back`,
				detail:
					`${job.error ? `${sentence(job.error)} ` : 'The new version did not become healthy. '}` +
					`${previous} runs again, on its data restored from the backup.`
			};
		case 'failed':
			return {
				tone: 'error',
				title: `The update to ${to} failed`,
				detail: job.error ? sentence(job.error) : 'The updater gave no reason.'
			};
		default:
			return {
				tone: 'warning',
				title: `The update to ${to}: ${job.state}`,
				detail: job.error ? sentence(job.error) : null
			};
	}
}

export function isRunning(view: Pick<UpdatesView, 'job'> | null): boolean {
	return view?.job?.state === 'running';
}

/**
 * Whether a failed request looks like the server being away for a moment (it restarts
 * during an update): no answer at all, or a gateway's error instead of the server's own.
 */
export function isTransient(error: unknown): boolean {
	if (!(error instanceof ApiError)) return false;
	if (error.code === NETWORK_ERROR || error.status === 0) return true;
	if (error.status === 502 || error.status === 503 || error.status === 504) return true;
	return error.status >= 500 && error.code === UNEXPECTED_RESPONSE;
}

/** What the page knows and whether it keeps asking. */
export interface UpdatesState {
	view: UpdatesView | null;
	/** A job runs and the last poll got no answer: the server is restarting. */
	restarting: boolean;
	/** A job runs and the server answered without the updater: it is being asked again. */
	waitingForUpdater: boolean;
	/** Why the page could not load (shown instead of the data, or above it). */
	error: string | null;
	/** Whether to ask again in {@link POLL_INTERVAL_MS} (while the tab is visible). */
	poll: boolean;
}

export const INITIAL_STATE: UpdatesState = {
	view: null,
	restarting: false,
	waitingForUpdater: false,
	error: null,
	poll: false
};

/** After an answer: poll on while the job runs, stop when it finished. */
export function afterAnswer(state: UpdatesState, view: UpdatesView): UpdatesState {
	const base = { restarting: false, waitingForUpdater: false, error: null };
	if (isRunning(view)) return { ...base, view, poll: true };
	if (state.poll && view.updater !== 'ready') {
		// Following a job, the server is back but cannot ask the updater (yet): keep the
		// job's last known progress and ask again.
		return {
			...base,
			view: { ...view, job: state.view?.job ?? null },
			waitingForUpdater: true,
			poll: true
		};
	}
	return { ...base, view, poll: false };
}

/**
 * After a failed request: while following a job, a missing answer means the server is
 * restarting, so the page waits and keeps asking; anything else is shown and ends polling.
 */
export function afterFailure(state: UpdatesState, error: unknown): UpdatesState {
	if (state.poll && isTransient(error)) {
		return { ...state, restarting: true, waitingForUpdater: false, error: null, poll: true };
	}
	return {
		...state,
		restarting: false,
		waitingForUpdater: false,
		error: errorMessage(error),
		poll: false
	};
}

/**
 * After `apply` was accepted: follow the job. Its answer normally shows it running; if
 * it does not yet, one more poll tells.
 */
export function afterApply(state: UpdatesState, view: UpdatesView): UpdatesState {
	return { ...afterAnswer(state, view), poll: true };
}

/** The buttons that start something are off while a job runs or is being followed. */
export function busy(state: UpdatesState): boolean {
	return state.poll || isRunning(state.view);
}

/** The sentence for screen readers when the job's status changes; empty without a job. */
export function announcement(state: UpdatesState): string {
	const job = state.view?.job;
	if (!job) return '';
	const status = jobStatus(job);
	if (state.restarting) return `${status.title} The server is restarting.`;
	if (job.state !== 'running')
		return status.detail ? `${status.title}. ${status.detail}` : status.title;
	const last = job.steps.at(-1);
	return last ? `${status.title} ${stepLabel(last.step)}.` : status.title;
}

/**
 * Resolves like `promise`, or fails as unreachable after `ms`: a server going away in the
 * middle of a request must not leave the page waiting for its answer.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
	let timer: ReturnType<typeof setTimeout> | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(ApiError.network()), ms);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Whether a time from the updater can be read as a date (its release feed is free text). */
export function isDate(iso: string | null | undefined): iso is string {
	return !!iso && !Number.isNaN(new Date(iso).getTime());
}

/** The time of day with seconds, for the steps of a job: "14:03:27"; as given if unreadable. */
export function clockTime(iso: string, locale?: string): string {
	if (!isDate(iso)) return iso;
	return new Intl.DateTimeFormat(locale, {
		hour: 'numeric',
		minute: '2-digit',
		second: '2-digit'
	}).format(new Date(iso));
}

function sentence(text: string): string {
	const trimmed = text.trim();
	if (!trimmed) return trimmed;
	const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
	return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}
