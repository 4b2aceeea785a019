import '@testing-library/jest-dom/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Session } from '$lib/auth/session.svelte';
import { MemoryTokenStore } from '$lib/auth/token-store';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import ReportsPanel from './ReportsPanel.svelte';
import type { Report } from './reports';

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

function report(overrides: Partial<Report> = {}): Report {
	return {
		id: 'r1',
		kind: 'message',
		status: 'open',
		reason: 'Spam links',
		reporter_id: 'u-rita',
		reporter_username: 'rita',
		target_user_id: 'u-tom',
		target_username: 'tom',
		target_display_name: 'Tom Target',
		community_id: 'c1',
		community_name: 'Acme',
		channel_id: 'ch1',
		channel_name: 'general',
		message_id: 'm1',
		message_content: 'buy now <b>cheap</b>',
		outcome: null,
		created_at: '2026-12-05T10:00:00Z',
		...overrides
	};
}

/** A fake event bus with the one event the queue follows. */
function fakeRealtime() {
	const handlers = new Set<(event: { report: Report }) => void>();
	const realtime = {
		on: (_type: string, handler: (event: { report: Report }) => void) => {
			handlers.add(handler);
			return () => handlers.delete(handler);
		},
		onResume: () => () => {}
	};
	return {
		realtime: realtime as unknown as Realtime,
		emit: (report: Report) => handlers.forEach((h) => h({ report }))
	};
}

function setup(options: {
	list: () => Response;
	resolve?: (body: unknown) => Response;
	isAdmin?: boolean;
}) {
	const calls: string[] = [];
	const bodies: unknown[] = [];
	const fetch = vi.fn(async (request: Request) => {
		const url = new URL(request.url);
		calls.push(`${request.method} ${url.pathname}${url.search}`);
		if (request.method === 'GET' && url.pathname === '/api/reports') return options.list();
		if (
			request.method === 'POST' &&
			url.pathname === '/api/reports/r1/resolve' &&
			options.resolve
		) {
			const body = JSON.parse(await request.text());
			bodies.push(body);
			return options.resolve(body);
		}
		return json(404, { code: 'not_found', message: 'not found' });
	});
	const session = new Session({
		store: new MemoryTokenStore(),
		baseUrl: 'http://chat.test',
		fetch
	});
	const bus = fakeRealtime();
	render(ReportsPanel, {
		api: session.api,
		realtime: bus.realtime,
		isAdmin: options.isAdmin ?? false,
		communities: [{ id: 'c1', name: 'Acme' }]
	});
	return { calls, bodies, emit: bus.emit };
}

async function settle() {
	for (let i = 0; i < 20; i++) await new Promise((done) => setTimeout(done, 0));
}

beforeEach(() => {
	HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
		this.setAttribute('open', '');
	};
	HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
		this.removeAttribute('open');
	};
});

describe('the reports queue', () => {
	it('lists open reports with the message as plain text, and follows new ones live', async () => {
		const { calls, emit } = setup({ list: () => json(200, [report()]) });
		await settle();
		expect(calls).toEqual(['GET /api/reports?status=open&limit=50']);
		const item = screen.getByRole('listitem', { name: 'Message report about Tom Target' });
		expect(within(item).getByTestId('report-reason')).toHaveTextContent('Spam links');
		expect(within(item).getByTestId('report-message').textContent).toBe('buy now <b>cheap</b>');
		expect(item.querySelector('b')).toBeNull();
		expect(item).toHaveTextContent('@rita');
		expect(item).toHaveTextContent('#general in Acme');

		emit(
			report({
				id: 'r2',
				kind: 'user',
				target_display_name: 'Una',
				created_at: '2026-12-05T12:00:00Z'
			})
		);
		await settle();
		const items = screen.getAllByTestId('report');
		expect(items.map((i) => i.getAttribute('aria-label'))).toEqual([
			'Person report about Una',
			'Message report about Tom Target'
		]);
	});

	it('resolves with a timeout of the chosen length; suspending is for instance admins', async () => {
		const { bodies } = setup({
			list: () => json(200, [report()]),
			resolve: () =>
				json(200, {
					...report(),
					status: 'resolved',
					outcome: {
						action: 'timeout',
						note: 'cool off',
						resolved_by: 'u-mod',
						resolved_by_username: 'mod',
						resolved_at: '2026-12-05T11:00:00Z'
					}
				})
		});
		await settle();
		await fireEvent.click(
			screen.getByRole('button', { name: 'Resolve the message report about tom target' })
		);
		const dialog = screen.getByRole('dialog', { name: 'Resolve report' });
		const options = within(dialog)
			.getAllByRole('radio')
			.map((r) => r.getAttribute('value'));
		expect(options).toEqual(['none', 'delete', 'timeout', 'ban']);
		await fireEvent.click(within(dialog).getByLabelText('Time out the person'));
		await fireEvent.change(within(dialog).getByLabelText('Duration'), {
			target: { value: '86400' }
		});
		await fireEvent.input(within(dialog).getByLabelText('Note (optional)'), {
			target: { value: 'cool off' }
		});
		await fireEvent.click(within(dialog).getByRole('button', { name: 'Resolve' }));
		await settle();
		expect(bodies).toEqual([{ action: 'timeout', duration_secs: 86400, note: 'cool off' }]);
		expect(screen.getByTestId('report-outcome')).toHaveTextContent(
			/Resolved: timed out by @mod ·.*“cool off”/
		);
		expect(screen.queryByRole('button', { name: /^Resolve the/ })).toBeNull();
	});

	it('offers instance admins the suspension', async () => {
		setup({ list: () => json(200, [report()]), isAdmin: true });
		await settle();
		await fireEvent.click(screen.getByRole('button', { name: /^Resolve the/ }));
		expect(screen.getByLabelText('Suspend the account')).toBeInTheDocument();
	});

	it('tells people who review nothing so', async () => {
		setup({
			list: () => json(403, { code: 'not_a_moderator', message: 'reports are reviewed by …' })
		});
		await settle();
		expect(screen.getByRole('heading', { name: 'Moderators only' })).toBeInTheDocument();
	});
});
