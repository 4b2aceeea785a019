/**
 * The banners as people meet them: a status or an alert by severity, the title and text
 * as plain text, a named dismiss button that asks the server first, and the keyboard
 * kept nearby once a banner is gone.
 */
import '@testing-library/jest-dom/vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi } from '$api/client';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import type { ServerEventMap } from '$lib/realtime/events';
import AnnouncementBanners from './AnnouncementBanners.svelte';
import type { Announcement } from './list';

function announcement(id: string, overrides: Partial<Announcement> = {}): Announcement {
	return {
		id,
		title: `Title ${id}`,
		body: '',
		severity: 'info',
		created_at: '2026-12-05T10:00:00Z',
		expires_at: null,
		...overrides
	};
}

function setup(list: Announcement[], dismissStatus = 204) {
	const requests: string[] = [];
	const api = createApi({
		baseUrl: 'http://chat.test',
		fetch: async (request) => {
			const path = new URL(request.url).pathname;
			requests.push(`${request.method} ${path}`);
			if (request.method === 'POST') {
				return dismissStatus === 204
					? new Response(null, { status: 204 })
					: new Response(JSON.stringify({ code: 'internal', message: 'try later' }), {
							status: dismissStatus,
							headers: { 'content-type': 'application/json' }
						});
			}
			return new Response(JSON.stringify(list), {
				headers: { 'content-type': 'application/json' }
			});
		}
	});
	const handlers: Record<string, (event: never) => void> = {};
	const realtime = {
		on(type: string, handler: (event: never) => void) {
			handlers[type] = handler;
			return () => delete handlers[type];
		}
	} as unknown as Pick<Realtime, 'on'>;
	const emit = <K extends keyof ServerEventMap>(type: K, event: ServerEventMap[K]) =>
		(handlers[type] as unknown as (event: ServerEventMap[K]) => void)(event);
	const main = document.createElement('main');
	main.id = 'main';
	main.tabIndex = -1;
	document.body.append(main);
	const view = render(AnnouncementBanners, { props: { api, realtime } });
	return { requests, emit, main, view };
}

afterEach(() => document.getElementById('main')?.remove());

describe('AnnouncementBanners', () => {
	it('shows each announcement with its role, text and named dismiss button', async () => {
		setup([
			announcement('c', {
				severity: 'critical',
				title: 'Outage',
				body: 'Uploads are down.\n<b>Not bold</b>',
				created_at: '2026-12-05T11:00:00Z'
			}),
			announcement('w', { severity: 'warning', title: 'Maintenance tonight' })
		]);
		const alert = await screen.findByRole('alert');
		expect(alert).toHaveTextContent('Critical: Outage');
		expect(alert).toHaveTextContent('<b>Not bold</b>');
		expect(alert.querySelector('b')).toBeNull();
		expect(screen.getByRole('status')).toHaveTextContent('Warning: Maintenance tonight');
		expect(screen.getByRole('region', { name: 'Announcements' })).toBeInTheDocument();
		expect(
			screen.getByRole('button', { name: 'Dismiss announcement: Maintenance tonight' })
		).toBeInTheDocument();
		expect(screen.getAllByTestId('announcement').map((b) => b.dataset.severity)).toEqual([
			'critical',
			'warning'
		]);
	});

	it('shows nothing, not even the region, without announcements', async () => {
		const { requests } = setup([]);
		await waitFor(() => expect(requests).toEqual(['GET /api/announcements']));
		expect(screen.queryByRole('region', { name: 'Announcements' })).toBeNull();
	});

	it('follows the events', async () => {
		const { emit } = setup([announcement('a')]);
		await screen.findByText('Title a');
		emit('announcement_created', {
			announcement: announcement('b', { created_at: '2026-12-05T11:00:00Z' })
		});
		expect(await screen.findByText('Title b')).toBeInTheDocument();
		emit('announcement_removed', { announcement_id: 'a' });
		await waitFor(() => expect(screen.queryByText('Title a')).toBeNull());
	});

	it('dismisses through the server and moves the focus to the next banner', async () => {
		const { requests } = setup([
			announcement('a', { created_at: '2026-12-05T11:00:00Z' }),
			announcement('b')
		]);
		const first = await screen.findByRole('button', { name: 'Dismiss announcement: Title a' });
		first.focus();
		await fireEvent.click(first);
		await waitFor(() => expect(screen.queryByText('Title a')).toBeNull());
		expect(requests).toContain('POST /api/announcements/a/dismiss');
		const next = screen.getByRole('button', { name: 'Dismiss announcement: Title b' });
		await waitFor(() => expect(next).toHaveFocus());
	});

	it('moves the focus to the page after the last one, and keeps a banner the server refused', async () => {
		const ok = setup([announcement('a')]);
		await fireEvent.click(
			await screen.findByRole('button', { name: 'Dismiss announcement: Title a' })
		);
		await waitFor(() => expect(ok.main).toHaveFocus());
		ok.view.unmount();
		ok.main.remove();

		setup([announcement('b')], 500);
		await fireEvent.click(
			await screen.findByRole('button', { name: 'Dismiss announcement: Title b' })
		);
		expect(await screen.findByText('Try later')).toBeInTheDocument();
		expect(screen.getByText('Title b')).toBeInTheDocument();
	});
});
