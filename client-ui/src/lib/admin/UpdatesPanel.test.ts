import '@testing-library/jest-dom/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Session } from '$lib/auth/session.svelte';
import { MemoryTokenStore } from '$lib/auth/token-store';
import UpdatesPanel from './UpdatesPanel.svelte';
import { POLL_INTERVAL_MS, type UpdateJob, type UpdatesView } from './updates';

const DIGEST = `sha256:${'ab12'.repeat(16)}`;

function view(overrides: Partial<UpdatesView> = {}): UpdatesView {
	return {
		running_version: '1.2.0',
		updater: 'ready',
		updater_error: null,
		feed_configured: true,
		checked_at: '2026-12-05T11:00:00Z',
		check_error: null,
		available: [
			{
				version: '1.3.0',
				image: 'ghcr.io/chatalot/chatalot',
				digest: DIGEST,
				published_at: '2026-12-01T09:00:00Z',
				notes: 'Faster search.\n<b>Not bold</b>'
			}
		],
		job: null,
		...overrides
	};
}

function job(overrides: Partial<UpdateJob> = {}): UpdateJob {
	return {
		id: 1,
		from_version: '1.2.0',
		to_version: '1.3.0',
		state: 'running',
		started_at: '2026-12-05T12:00:00Z',
		finished_at: null,
		backup: '/data/backups/pre-1.3.0.tar.zst',
		error: null,
		steps: [{ at: '2026-12-05T12:00:01Z', step: 'backup', detail: 'database saved' }],
		...overrides
	};
}

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

type Answer = Response | 'offline';

/** A server that answers GET /api/admin/updates from a queue (the last answer repeats). */
function setup(gets: Answer[], posts: Record<string, (body: unknown) => Response> = {}) {
	const calls: string[] = [];
	const fetch = vi.fn(async (request: Request) => {
		const path = new URL(request.url).pathname;
		calls.push(`${request.method} ${path}`);
		if (request.method === 'GET' && path === '/api/admin/updates') {
			const next = gets.length > 1 ? gets.shift()! : gets[0]!;
			if (next === 'offline') throw new TypeError('Failed to fetch');
			return next.clone();
		}
		const answer = posts[`${request.method} ${path}`];
		if (answer) {
			const text = await request.text();
			return answer(text ? JSON.parse(text) : null);
		}
		return json(404, { code: 'not_found', message: 'not found' });
	});
	const session = new Session({
		store: new MemoryTokenStore(),
		baseUrl: 'http://chat.test',
		fetch
	});
	const polls = () => calls.filter((c) => c === 'GET /api/admin/updates').length;
	return { calls, polls, ...render(UpdatesPanel, { session }) };
}

/** Lets pending requests and their answers go through (timers stay faked). */
async function settle() {
	for (let i = 0; i < 20; i++) await new Promise((done) => setImmediate(done));
}

function setVisibility(state: 'visible' | 'hidden') {
	Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
	document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
	// jsdom has no modal dialogs.
	HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
		this.setAttribute('open', '');
	};
	HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
		this.removeAttribute('open');
	};
});

afterEach(() => {
	vi.useRealTimers();
	setVisibility('visible');
});

describe('UpdatesPanel', () => {
	it('without the updater explains the manual way and offers nothing to press', async () => {
		setup([json(200, view({ updater: 'not_configured', available: [], checked_at: null }))]);
		await settle();
		expect(screen.getByTestId('running-version')).toHaveTextContent('1.2.0');
		expect(screen.getByTestId('updater-not-configured')).toHaveTextContent(
			/Docker updater sidecar.*updater.*docs\/docker\.md.*by hand/
		);
		expect(screen.queryByRole('button', { name: /Check for updates|Update to/ })).toBeNull();
	});

	it('shows an unreachable updater’s error and asks again on request', async () => {
		const { polls } = setup([
			json(200, view({ updater: 'unreachable', updater_error: 'connection refused' })),
			json(200, view())
		]);
		await settle();
		expect(screen.getByRole('alert')).toHaveTextContent(
			'The updater does not answer: connection refused.'
		);
		await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
		await settle();
		expect(polls()).toBe(2);
		expect(screen.getByRole('button', { name: 'Update to 1.3.0' })).toBeEnabled();
	});

	it('lists releases with plain-text notes and a short digest, and checks on request', async () => {
		setup([json(200, view({ feed_configured: false }))], {
			'POST /api/admin/updates/check': () =>
				json(503, { code: 'updater_unavailable', message: 'the updater does not answer' })
		});
		await settle();
		const release = screen.getByTestId('release');
		expect(release).toHaveTextContent('Version 1.3.0');
		// Notes are text, never markup.
		expect(release.querySelector('b')).toBeNull();
		expect(release).toHaveTextContent('<b>Not bold</b>');
		const digest = screen.getByTitle(DIGEST);
		expect(digest).toHaveTextContent('sha256:ab12ab12ab12…');
		expect(screen.getByText(/has no release feed/)).toBeInTheDocument();
		await fireEvent.click(screen.getByRole('button', { name: 'Check for updates' }));
		await settle();
		expect(screen.getByRole('alert')).toHaveTextContent('The updater does not answer');
	});

	it('asks before updating, then follows the job through the restart to its result', async () => {
		const applied: unknown[] = [];
		const { polls } = setup(
			[
				json(200, view()),
				json(200, view({ job: job({ steps: [...job().steps, step('pull')] }) })),
				'offline',
				json(502, '<html>Bad gateway</html>'),
				json(
					200,
					view({
						running_version: '1.3.0',
						available: [],
						job: job({ state: 'succeeded', finished_at: '2026-12-05T12:01:30Z' })
					})
				)
			],
			{
				'POST /api/admin/updates/apply': (body) => {
					applied.push(body);
					return json(202, view({ job: job() }));
				}
			}
		);
		await settle();
		await fireEvent.click(screen.getByRole('button', { name: 'Update to 1.3.0' }));
		const dialog = screen.getByRole('dialog', { name: 'Update to version 1.3.0?' });
		expect(dialog).toHaveTextContent('backs up the database');
		expect(dialog).toHaveTextContent('the server restarts');
		expect(dialog).toHaveTextContent('rolled back: version 1.2.0 runs again');
		expect(applied).toEqual([]);
		await fireEvent.click(
			screen.getAllByRole('button', { name: 'Update to 1.3.0' }).find((b) => dialog.contains(b))!
		);
		await settle();
		expect(applied).toEqual([{ version: '1.3.0' }]);
		expect(screen.getByTestId('job-status')).toHaveTextContent('Updating to 1.3.0…');
		expect(screen.getByTestId('job-backup')).toHaveTextContent('/data/backups/pre-1.3.0.tar.zst');
		expect(screen.getByTestId('update-job')).toHaveFocus();
		expect(screen.getByRole('button', { name: 'Update to 1.3.0' })).toBeDisabled();
		expect(screen.getByRole('button', { name: 'Check for updates' })).toBeDisabled();
		expect(polls()).toBe(1);

		// Every 2 s: the next step…
		await tick();
		expect(polls()).toBe(2);
		expect(screen.getByRole('list', { name: 'Steps of the update' })).toHaveTextContent(
			'Downloading the new version'
		);
		expect(screen.getByTestId('updates-announcement')).toHaveTextContent(
			'Updating to 1.3.0… Downloading the new version.'
		);
		// …then the server is away: no error, it waits.
		await tick();
		await tick();
		expect(polls()).toBe(4);
		expect(screen.getByTestId('restarting')).toHaveTextContent('The server is restarting…');
		expect(screen.queryByRole('alert')).toBeNull();
		// Back, with the result: polling ends.
		await tick();
		expect(screen.getByTestId('job-status')).toHaveTextContent('Updated to 1.3.0');
		expect(screen.queryByTestId('restarting')).toBeNull();
		expect(screen.getByTestId('running-version')).toHaveTextContent('1.3.0');
		expect(screen.getByRole('button', { name: 'Reload the page' })).toBeInTheDocument();
		await tick();
		await tick();
		expect(polls()).toBe(5);
	});

	it('shows a rollback with its reason and the restored previous version', async () => {
		setup([
			json(
				200,
				view({
					job: job({
						state: 'rolled_back',
						error: 'the new version stayed unhealthy',
						steps: [step('backup'), step('health'), step('rollback'), step('restore')]
					})
				})
			)
		]);
		await settle();
		expect(screen.getByTestId('job-status')).toHaveTextContent(
			'The update to 1.3.0 was rolled back The new version stayed unhealthy. Version 1.2.0 runs again, on its data restored from the backup.'
		);
		expect(screen.getByRole('list', { name: 'Steps of the update' })).toHaveTextContent(
			/Restoring the database from the backup/
		);
	});

	it('pauses polling in a hidden tab and asks at once when it is visible again', async () => {
		const { polls, unmount } = setup([json(200, view({ job: job() }))]);
		await settle();
		expect(polls()).toBe(1);
		setVisibility('hidden');
		await tick();
		await tick();
		expect(polls()).toBe(1);
		setVisibility('visible');
		await settle();
		expect(polls()).toBe(2);
		await tick();
		expect(polls()).toBe(3);
		// Leaving the page stops it.
		unmount();
		await tick();
		await tick();
		expect(polls()).toBe(3);
	});
});

function step(name: string) {
	return { at: '2026-12-05T12:00:10Z', step: name, detail: '' };
}

/** One polling interval, and the answer it brings. */
async function tick() {
	await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
	await settle();
}
