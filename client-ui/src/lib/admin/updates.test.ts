import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '$api/errors';
import {
	afterAnswer,
	afterApply,
	afterFailure,
	announcement,
	busy,
	clockTime,
	INITIAL_STATE,
	isDate,
	isTransient,
	jobStatus,
	shortDigest,
	stepLabel,
	withTimeout,
	type UpdateJob,
	type UpdatesState,
	type UpdatesView
} from './updates';

function job(overrides: Partial<UpdateJob> = {}): UpdateJob {
	return {
		id: 7,
		from_version: '1.2.0',
		to_version: '1.3.0',
		state: 'running',
		started_at: '2026-12-05T12:00:00Z',
		finished_at: null,
		backup: null,
		error: null,
		steps: [],
		...overrides
	};
}

function view(overrides: Partial<UpdatesView> = {}): UpdatesView {
	return {
		running_version: '1.2.0',
		updater: 'ready',
		updater_error: null,
		feed_configured: true,
		checked_at: null,
		check_error: null,
		available: [],
		job: null,
		...overrides
	};
}

const following: UpdatesState = { ...INITIAL_STATE, view: view({ job: job() }), poll: true };
const network = ApiError.network();
const badGateway = ApiError.fromBody(502, '<html>Bad gateway</html>');

describe('update steps and images', () => {
	it('name every step the updater reports, and unknown ones by their own name', () => {
		expect(stepLabel('backup')).toBe('Backing up the database');
		expect(stepLabel('pull')).toBe('Downloading the new version');
		expect(stepLabel('stop')).toBe('Stopping the server');
		expect(stepLabel('start')).toBe('Starting the new version');
		expect(stepLabel('health')).toBe('Checking that it is healthy');
		expect(stepLabel('cleanup')).toBe('Cleaning up');
		expect(stepLabel('rollback')).toBe('Rolling back to the previous version');
		expect(stepLabel('restore')).toBe('Restoring the database from the backup');
		expect(stepLabel('verify_image')).toBe('Verify image');
		expect(stepLabel('')).toBe('Step');
	});

	it('shorten digests to the algorithm and 12 hex digits, leaving short ones alone', () => {
		const digest = `sha256:${'0123456789abcdef'.repeat(4)}`;
		expect(shortDigest(digest)).toBe('sha256:0123456789ab…');
		expect(shortDigest('sha256:abc')).toBe('sha256:abc');
		expect(shortDigest('0123456789abcdef')).toBe('0123456789ab…');
	});

	it('read times defensively: the release feed is free text', () => {
		expect(isDate('2026-12-05T12:00:00Z')).toBe(true);
		expect(isDate('next Tuesday')).toBe(false);
		expect(isDate(null)).toBe(false);
		expect(clockTime('2026-12-05T12:03:07Z', 'en-GB')).toMatch(/^\d{2}:\d{2}:07$/);
		expect(clockTime('soon')).toBe('soon');
	});
});

describe('job status', () => {
	it('says what each state means, with the reason of a rollback or failure', () => {
		expect(jobStatus(job())).toEqual({ tone: 'info', title: 'Updating to 1.3.0…', detail: null });
		expect(jobStatus(job({ state: 'succeeded' }))).toEqual({
			tone: 'success',
			title: 'Updated to 1.3.0',
			detail: 'From version 1.2.0.'
		});
		expect(
			jobStatus(job({ state: 'rolled_back', error: 'health check failed after 120 s' }))
		).toEqual({
			tone: 'warning',
			title: 'The update to 1.3.0 was rolled back',
			detail:
				'Health check failed after 120 s. Version 1.2.0 runs again, on its data restored from the backup.'
		});
		expect(jobStatus(job({ state: 'rolled_back', from_version: null })).detail).toBe(
			'The new version did not become healthy. The previous version runs again, on its data restored from the backup.'
		);
		expect(jobStatus(job({ state: 'failed', error: 'pull: manifest unknown' }))).toEqual({
			tone: 'error',
			title: 'The update to 1.3.0 failed',
			detail: 'Pull: manifest unknown.'
		});
		expect(jobStatus(job({ state: 'failed' })).detail).toBe('The updater gave no reason.');
		expect(jobStatus(job({ state: 'paused' })).title).toBe('The update to 1.3.0: paused');
	});

	it('announce the latest step while running, the restart, and the result', () => {
		const steps = [
			{ at: '2026-12-05T12:00:01Z', step: 'backup', detail: '/data/backups/x.tar' },
			{ at: '2026-12-05T12:00:09Z', step: 'pull', detail: 'sha256:…' }
		];
		expect(announcement(INITIAL_STATE)).toBe('');
		expect(announcement({ ...following, view: view({ job: job({ steps }) }) })).toBe(
			'Updating to 1.3.0… Downloading the new version.'
		);
		expect(announcement({ ...following, restarting: true })).toBe(
			'Updating to 1.3.0… The server is restarting.'
		);
		expect(
			announcement({ ...INITIAL_STATE, view: view({ job: job({ state: 'succeeded' }) }) })
		).toBe('Updated to 1.3.0. From version 1.2.0.');
	});
});

describe('following an update', () => {
	it('polls while the job runs and stops once it finished', () => {
		const started = afterAnswer(INITIAL_STATE, view({ job: job() }));
		expect(started.poll).toBe(true);
		expect(busy(started)).toBe(true);
		const done = afterAnswer(started, view({ job: job({ state: 'succeeded' }) }));
		expect(done.poll).toBe(false);
		expect(busy(done)).toBe(false);
		expect(afterAnswer(INITIAL_STATE, view()).poll).toBe(false);
	});

	it('takes a missing answer during a job for the restart and keeps polling', () => {
		const away = afterFailure(following, network);
		expect(away).toMatchObject({ restarting: true, poll: true, error: null });
		// The job's last known progress stays on the page.
		expect(away.view).toBe(following.view);
		expect(afterFailure(away, badGateway)).toMatchObject({ restarting: true, poll: true });
		// Back: the result ends the restart and the polling.
		const back = afterAnswer(
			away,
			view({ running_version: '1.3.0', job: job({ state: 'succeeded' }) })
		);
		expect(back).toMatchObject({ restarting: false, poll: false, error: null });
	});

	it('keeps the job while the restarted server cannot reach the updater yet', () => {
		const waiting = afterAnswer(
			following,
			view({ updater: 'unreachable', updater_error: 'connection refused' })
		);
		expect(waiting).toMatchObject({ waitingForUpdater: true, poll: true });
		expect(waiting.view?.job).toEqual(following.view?.job);
		expect(waiting.view?.updater_error).toBe('connection refused');
		// Not following a job: an unreachable updater is just shown.
		expect(afterAnswer(INITIAL_STATE, view({ updater: 'unreachable' })).poll).toBe(false);
	});

	it('shows real errors and failures outside a job instead of waiting', () => {
		const forbidden = new ApiError(403, { code: 'admin_required', message: 'admins only' });
		expect(afterFailure(following, forbidden)).toMatchObject({
			restarting: false,
			poll: false,
			error: 'Admins only'
		});
		expect(afterFailure(INITIAL_STATE, network)).toMatchObject({
			poll: false,
			error: 'Cannot reach the server. Check your connection and try again.'
		});
	});

	it('tells transient failures from the server’s own errors', () => {
		expect(isTransient(network)).toBe(true);
		expect(isTransient(badGateway)).toBe(true);
		expect(isTransient(ApiError.fromBody(503, { code: 'x', message: 'y' }))).toBe(true);
		expect(isTransient(ApiError.fromBody(500, 'oops'))).toBe(true);
		expect(isTransient(ApiError.fromBody(500, { code: 'internal', message: 'db' }))).toBe(false);
		expect(isTransient(ApiError.fromBody(401, { code: 'invalid_token', message: 'x' }))).toBe(
			false
		);
		expect(isTransient(new Error('boom'))).toBe(false);
	});

	it('follows an accepted update even before its answer shows the job running', () => {
		const accepted = afterApply(INITIAL_STATE, view({ job: job({ state: 'succeeded', id: 6 }) }));
		expect(accepted.poll).toBe(true);
		expect(busy(accepted)).toBe(true);
	});
});

describe('withTimeout', () => {
	it('gives up on an answer that does not come, as if the server were unreachable', async () => {
		vi.useFakeTimers();
		try {
			const never = withTimeout(new Promise(() => {}), 10_000);
			const quick = withTimeout(Promise.resolve('answer'), 10_000);
			await expect(quick).resolves.toBe('answer');
			vi.advanceTimersByTime(10_000);
			await expect(never).rejects.toMatchObject({ code: 'network', status: 0 });
			expect(vi.getTimerCount()).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});
});
