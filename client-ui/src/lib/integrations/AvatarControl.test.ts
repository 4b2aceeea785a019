import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import { Files } from '$lib/files/files.svelte';
import AvatarControl from './AvatarControl.svelte';
import type { AvatarTarget } from './avatars';

const context = vi.hoisted(() => ({ files: undefined as unknown }));
vi.mock('$lib/files/context.svelte', () => ({ useFiles: () => context.files }));

function setup(target: AvatarTarget, hasAvatar: boolean | null, deleteStatus = 204) {
	const calls: string[] = [];
	const fetch = vi.fn(async (request: Request) => {
		calls.push(`${request.method} ${new URL(request.url).pathname}`);
		return deleteStatus === 204
			? new Response(null, { status: 204 })
			: new Response(JSON.stringify({ code: 'not_found', message: 'it no longer exists' }), {
					status: deleteStatus,
					headers: { 'content-type': 'application/json' }
				});
	});
	const tokens = {
		accessToken: async () => 'access',
		refreshAfterRejection: async () => null,
		sessionRejected: () => {}
	};
	const api = createApi({ baseUrl: 'https://chat.test', fetch, tokens });
	context.files = new Files({ api, tokens, baseUrl: 'https://chat.test' });
	const onchanged = vi.fn();
	render(AvatarControl, { props: { target, name: 'Deploy Bot', hasAvatar, api, onchanged } });
	return { calls, onchanged, user: userEvent.setup() };
}

const BOT: AvatarTarget = { owner: 'bot', id: 'b1', slot: 'avatar' };
const WEBHOOK: AvatarTarget = { owner: 'webhook', id: 'w1', slot: 'avatar' };

describe('AvatarControl', () => {
	it('names its buttons after whose avatar it is, and opens the file picker', async () => {
		const { user } = setup(BOT, true);
		const input = screen.getByTestId<HTMLInputElement>('bot-avatar-file');
		expect(input.accept).toBe('image/png,image/jpeg,image/gif,image/webp');
		const click = vi.spyOn(input, 'click');
		await user.click(screen.getByRole('button', { name: 'Change avatar of Deploy Bot' }));
		expect(click).toHaveBeenCalledOnce();
		expect(screen.getByRole('button', { name: 'Remove avatar of Deploy Bot' })).toBeVisible();
	});

	it('offers no removal when there is no avatar', () => {
		setup(BOT, false);
		expect(screen.getByRole('button', { name: 'Change avatar of Deploy Bot' })).toBeVisible();
		expect(screen.queryByRole('button', { name: /Remove avatar/ })).toBeNull();
	});

	it('offers removal when it is not known whether there is one (webhooks)', () => {
		setup(WEBHOOK, null);
		expect(screen.getByRole('button', { name: 'Remove avatar of Deploy Bot' })).toBeVisible();
	});

	it('refuses a file that is not an image, in plain words', async () => {
		const { calls } = setup(BOT, false);
		const input = screen.getByTestId<HTMLInputElement>('bot-avatar-file');
		const text = new File(['hello'], 'notes.txt', { type: 'text/plain' });
		await fireEvent.change(input, { target: { files: [text] } });
		expect(await screen.findByRole('alert')).toHaveTextContent(
			'Use a PNG, JPEG, GIF or WebP image.'
		);
		expect(calls).toEqual([]);
	});

	it('removes the avatar and says so', async () => {
		const { user, calls, onchanged } = setup(WEBHOOK, null);
		await user.click(screen.getByRole('button', { name: 'Remove avatar of Deploy Bot' }));
		expect(await screen.findByRole('status')).toHaveTextContent('Avatar removed.');
		expect(calls).toEqual(['DELETE /api/webhooks/w1/avatar']);
		expect(onchanged).toHaveBeenCalledWith({ kind: 'removed' });
	});

	it('says why a removal failed', async () => {
		const { user, onchanged } = setup(BOT, true, 404);
		await user.click(screen.getByRole('button', { name: 'Remove avatar of Deploy Bot' }));
		expect(await screen.findByRole('alert')).toHaveTextContent('This bot no longer exists.');
		expect(onchanged).not.toHaveBeenCalled();
	});
});
