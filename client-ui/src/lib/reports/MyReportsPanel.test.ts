import '@testing-library/jest-dom/vitest';
import { render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { Session } from '$lib/auth/session.svelte';
import { MemoryTokenStore } from '$lib/auth/token-store';
import MyReportsPanel from './MyReportsPanel.svelte';
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
		target_username: 'tom',
		target_display_name: 'Tom',
		community_name: 'Acme',
		channel_name: 'general',
		channel_id: 'ch1',
		outcome: null,
		created_at: '2026-12-05T10:00:00Z',
		...overrides
	};
}

function setup(list: () => Response) {
	const calls: string[] = [];
	const fetch = vi.fn(async (request: Request) => {
		const url = new URL(request.url);
		calls.push(`${request.method} ${url.pathname}${url.search}`);
		if (url.pathname === '/api/reports/mine') return list();
		return json(404, { code: 'not_found', message: 'not found' });
	});
	const session = new Session({
		store: new MemoryTokenStore(),
		baseUrl: 'http://chat.test',
		fetch
	});
	const handlers = new Set<(event: { report: Report }) => void>();
	const realtime = {
		on: (_type: string, handler: (event: { report: Report }) => void) => {
			handlers.add(handler);
			return () => handlers.delete(handler);
		},
		onResume: () => () => {}
	};
	render(MyReportsPanel, { api: session.api, realtime: realtime as never, selfId: 'me' });
	return { calls, emit: (r: Report) => handlers.forEach((h) => h({ report: r })) };
}

describe('my reports', () => {
	it('lists the reports made, then shows how one ended as soon as it is reviewed', async () => {
		const { calls, emit } = setup(() => json(200, [report()]));
		const item = await screen.findByRole('listitem', { name: 'Report about A message by Tom' });
		expect(calls).toEqual(['GET /api/reports/mine?limit=50']);
		expect(within(item).getByTestId('my-report-status')).toHaveTextContent('Waiting for review');
		expect(item).toHaveTextContent('Spam links');
		expect(item).toHaveTextContent('#general in Acme');
		expect(within(item).queryByTestId('my-report-outcome')).toBeNull();

		emit(
			report({
				status: 'dismissed',
				reporter_id: 'me',
				outcome: { note: 'Not against the rules.', resolved_at: '2026-12-05T11:00:00Z' }
			})
		);
		await vi.waitFor(() =>
			expect(within(item).getByTestId('my-report-status')).toHaveTextContent('Dismissed')
		);
		expect(within(item).getByTestId('my-report-outcome')).toHaveTextContent(
			/^Reviewed .*: the moderators took no action\. Their note: “Not against the rules\.”$/
		);
	});

	it('says when there is nothing yet', async () => {
		setup(() => json(200, []));
		expect(await screen.findByRole('heading', { name: 'No reports' })).toBeInTheDocument();
	});

	it('shows why the list could not be read', async () => {
		setup(() => json(500, { code: 'internal', message: 'Database unavailable' }));
		expect(await screen.findByRole('alert')).toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Try again' })).toBeInTheDocument();
	});
});
