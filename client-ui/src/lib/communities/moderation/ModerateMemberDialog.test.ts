import { fireEvent, render, screen } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import type { Member } from '../directory.svelte';
import { ModerationHost } from './context.svelte';
import ModerateMemberDialog from './ModerateMemberDialog.svelte';
import type { ModerationAction } from './moderation';

const bob: Member = {
	user_id: 'u-bob',
	username: 'bob',
	display_name: 'Bob',
	role: 'member',
	bot: false,
	joined_at: '2026-12-01T10:00:00Z'
};

function json(status: number, body: unknown) {
	return new Response(body === null ? null : JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

/** The dialog open on `action` against Bob, with a server answering `answer`. */
function setup(action: ModerationAction, answer: () => Response) {
	const requests: { method: string; path: string; body: unknown }[] = [];
	const fetch = vi.fn(async (request: Request) => {
		const text = await request.text();
		requests.push({
			method: request.method,
			path: new URL(request.url).pathname,
			body: text ? JSON.parse(text) : null
		});
		return answer();
	});
	const host = new ModerationHost(createApi({ baseUrl: 'http://chat.test', fetch }), () => ({
		communityId: 'c1',
		viewer: { userId: 'me', level: 3 },
		members: [bob]
	}));
	host.dialog = { communityId: 'c1', member: bob, action };
	render(ModerateMemberDialog, { props: { host } });
	return { host, requests };
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

describe('ModerateMemberDialog', () => {
	it('times a member out for the chosen duration and closes', async () => {
		const { host, requests } = setup('timeout', () =>
			json(200, { user_id: 'u-bob', timed_out_until: '2026-12-05T12:05:00Z' })
		);
		expect(screen.getByRole('heading', { name: 'Time out Bob' })).toBeInTheDocument();
		await fireEvent.change(screen.getByLabelText('Duration'), { target: { value: '300' } });
		await fireEvent.input(screen.getByLabelText('Reason (optional)'), {
			target: { value: 'Cool down' }
		});
		await fireEvent.click(screen.getByRole('button', { name: 'Time out' }));
		await vi.waitFor(() => expect(host.dialog).toBeNull());
		expect(requests).toEqual([
			{
				method: 'PUT',
				path: '/api/communities/c1/members/u-bob/timeout',
				body: { duration_secs: 300, reason: 'Cool down' }
			}
		]);
		expect(host.dialog).toBeNull();
	});

	it('shows the server’s refusal and stays open', async () => {
		const { host } = setup('ban', () =>
			json(403, {
				code: 'target_outranks_you',
				message: 'you cannot act on someone whose role is equal to or higher than yours'
			})
		);
		await fireEvent.click(screen.getByRole('button', { name: 'Ban' }));
		expect(await screen.findByRole('alert')).toHaveTextContent(
			'You cannot act on someone whose role is equal to or higher than yours'
		);
		expect(host.dialog).not.toBeNull();
	});

	it('needs a reason for a warning, then says it went out', async () => {
		const { requests } = setup('warn', () =>
			json(201, {
				id: 'w1',
				user_id: 'u-bob',
				reason: 'Be kind',
				created_at: '2026-12-05T12:00:00Z'
			})
		);
		await fireEvent.click(screen.getByRole('button', { name: 'Warn' }));
		expect(screen.getByText('Say why you are warning them.')).toBeInTheDocument();
		expect(requests).toHaveLength(0);
		await fireEvent.input(screen.getByLabelText('Reason'), { target: { value: 'Be kind' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Warn' }));
		expect(await screen.findByRole('status')).toHaveTextContent('Bob was warned.');
		expect(screen.getByRole('button', { name: 'Done' })).toHaveFocus();
		expect(requests[0]!.body).toEqual({ reason: 'Be kind' });
	});

	it('opens afresh after a warning, with the next action’s form', async () => {
		const { host } = setup('warn', () => json(201, {}));
		await fireEvent.input(screen.getByLabelText('Reason'), { target: { value: 'Be kind' } });
		await fireEvent.click(screen.getByRole('button', { name: 'Warn' }));
		await fireEvent.click(await screen.findByRole('button', { name: 'Done' }));
		host.dialog = { communityId: 'c1', member: bob, action: 'timeout' };
		expect(await screen.findByLabelText('Duration')).toBeInTheDocument();
		expect(screen.queryByRole('status')).toBeNull();
		expect(screen.getByLabelText('Reason (optional)')).toHaveValue('');
	});
});
