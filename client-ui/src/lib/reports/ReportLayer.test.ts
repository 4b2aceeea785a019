import '@testing-library/jest-dom/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Session } from '$lib/auth/session.svelte';
import { MemoryTokenStore } from '$lib/auth/token-store';
import ReportLayer from './ReportLayer.svelte';
import { Reporting } from './reporting.svelte';
import type { Report } from './reports';

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

function closedReport(overrides: Partial<Report> = {}): Report {
	return {
		id: 'r1',
		kind: 'message',
		status: 'resolved',
		reason: 'Spam',
		reporter_id: 'me',
		reporter_username: 'me',
		target_user_id: 'u2',
		target_username: 'tom',
		target_display_name: 'Tom',
		community_id: 'c1',
		community_name: 'Acme',
		channel_id: 'ch1',
		channel_name: 'general',
		message_id: 'm1',
		message_content: 'spam spam',
		outcome: {
			action: 'timeout',
			note: null,
			resolved_by: null,
			resolved_by_username: null,
			resolved_at: '2026-12-05T11:00:00Z'
		},
		created_at: '2026-12-05T10:00:00Z',
		...overrides
	};
}

/** A Reporting whose server answers POST /api/reports with `answer`. */
function setup(answer: () => Response) {
	const bodies: unknown[] = [];
	const fetch = vi.fn(async (request: Request) => {
		if (request.method === 'POST' && new URL(request.url).pathname === '/api/reports') {
			bodies.push(JSON.parse(await request.text()));
			return answer();
		}
		return json(404, { code: 'not_found', message: 'not found' });
	});
	const session = new Session({
		store: new MemoryTokenStore(),
		baseUrl: 'http://chat.test',
		fetch
	});
	const reporting = new Reporting(session.api, 'me', () => 'c1');
	render(ReportLayer, { reporting });
	return { reporting, bodies };
}

async function settle() {
	for (let i = 0; i < 20; i++) await new Promise((done) => setTimeout(done, 0));
}

beforeEach(() => {
	// jsdom has no modal dialogs.
	HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
		this.setAttribute('open', '');
	};
	HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
		this.removeAttribute('open');
	};
});

describe('the report dialog', () => {
	it('asks for a reason, sends the report and thanks the reporter', async () => {
		const { reporting, bodies } = setup(() => json(201, closedReport({ status: 'open' })));
		reporting.open({ kind: 'message', messageId: 'm1', authorName: 'Tom', excerpt: 'spam spam' });
		flushSync();
		const dialog = screen.getByRole('dialog', { name: 'Report message' });
		expect(dialog).toHaveTextContent('Message by Tom');
		expect(dialog).toHaveTextContent('spam spam');
		expect(screen.getByText('0 / 1000')).toBeInTheDocument();

		await fireEvent.click(screen.getByRole('button', { name: 'Send report' }));
		expect(screen.getByText('Say briefly what is wrong.')).toBeInTheDocument();
		expect(bodies).toEqual([]);

		await fireEvent.input(screen.getByLabelText('Reason'), { target: { value: ' Spam links ' } });
		expect(screen.getByText('12 / 1000')).toBeInTheDocument();
		await fireEvent.click(screen.getByRole('button', { name: 'Send report' }));
		await settle();
		expect(bodies).toEqual([{ message_id: 'm1', reason: 'Spam links' }]);
		expect(screen.getByText('Thanks — moderators will review it.')).toBeInTheDocument();
		expect(screen.getByRole('button', { name: 'Done' })).toHaveFocus();
	});

	it('reports a person about the community on screen, and says why a report is refused', async () => {
		const { reporting, bodies } = setup(() =>
			json(409, { code: 'already_reported', message: 'you already reported this' })
		);
		reporting.openUser('u2', 'Tom');
		flushSync();
		expect(screen.getByRole('dialog', { name: 'Report Tom' })).toBeInTheDocument();
		await fireEvent.input(screen.getByLabelText('Reason'), { target: { value: 'Harassment' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Send report' }));
		await settle();
		expect(bodies).toEqual([{ user_id: 'u2', community_id: 'c1', reason: 'Harassment' }]);
		expect(screen.getByRole('alert')).toHaveTextContent(
			'You already reported this, and moderators have not reviewed it yet.'
		);
	});
});

describe('report outcomes', () => {
	it('tell the reporter how their closed report ended, until dismissed', async () => {
		const { reporting } = setup(() => json(500, {}));
		// Made, not yet reviewed; and someone else's report (a reviewer sees those).
		reporting.updated(closedReport({ status: 'open', outcome: null }));
		reporting.updated(closedReport({ id: 'r2', reporter_id: 'someone' }));
		flushSync();
		expect(screen.queryByTestId('report-notice')).toBeNull();

		reporting.updated(closedReport());
		flushSync();
		expect(screen.getByTestId('report-notice')).toHaveTextContent(
			'Your report was reviewed: Tom was timed out.'
		);
		await fireEvent.click(screen.getByRole('button', { name: 'Dismiss this notice' }));
		expect(screen.queryByTestId('report-notice')).toBeNull();
	});
});
