import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import TwoFactorForm from './TwoFactorForm.svelte';
import { Session } from './session.svelte';
import { MemoryTokenStore } from './token-store';

const challenge = {
	two_factor_required: true,
	challenge_token: 'challenge-1',
	expires_at: '2026-01-01T00:05:00Z'
};

function json(status: number, body: unknown) {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'content-type': 'application/json' }
	});
}

function setup(answer: (body: { code: string }) => Response) {
	const sent: { code: string; challenge_token: string }[] = [];
	const fetch = vi.fn(async (request: Request) => {
		const body = await request.json();
		sent.push(body);
		return answer(body);
	});
	const session = new Session({
		store: new MemoryTokenStore(),
		baseUrl: 'http://chat.test',
		fetch
	});
	const onback = vi.fn();
	const onexpired = vi.fn();
	render(TwoFactorForm, { session, challenge, onback, onexpired });
	return { session, sent, onback, onexpired, user: userEvent.setup() };
}

describe('TwoFactorForm', () => {
	it('asks for an authenticator code first, focused and typed for one-time codes', () => {
		setup(() => json(500, {}));
		const input = screen.getByLabelText(/^Authentication code/);
		expect(input).toHaveFocus();
		expect(input).toHaveAttribute('autocomplete', 'one-time-code');
		expect(input).toHaveAttribute('inputmode', 'numeric');
	});

	it('checks the code before sending and shows the server’s verdict at the field', async () => {
		const { sent, user } = setup(() =>
			json(401, {
				code: 'invalid_code',
				message: 'the code is not correct or was already used',
				field: 'code'
			})
		);
		await user.type(screen.getByLabelText(/^Authentication code/), '12');
		await user.click(screen.getByRole('button', { name: 'Verify' }));
		expect(screen.getByText('The code from your authenticator app has 6 digits.')).toBeVisible();
		expect(sent).toEqual([]);

		await user.clear(screen.getByLabelText(/^Authentication code/));
		await user.type(screen.getByLabelText(/^Authentication code/), '123 456');
		await user.click(screen.getByRole('button', { name: 'Verify' }));
		expect(await screen.findByText('The code is not correct or was already used')).toBeVisible();
		expect(sent).toEqual([{ challenge_token: 'challenge-1', code: '123456' }]);
		const input = screen.getByLabelText(/^Authentication code/);
		expect(input).toHaveAttribute('aria-invalid', 'true');
		expect(input).toHaveFocus();
		expect(input).toHaveValue('');
	});

	it('switches to a backup code and back', async () => {
		const { sent, user, session } = setup(() =>
			json(200, {
				session_id: 's1',
				token_type: 'Bearer',
				access_token: 'a',
				access_token_expires_at: '',
				expires_in: 900,
				refresh_token: 'r',
				refresh_token_expires_at: '',
				user: { id: 'u1', username: 'ada', display_name: 'Ada', instance_role: 'user' }
			})
		);
		await user.click(screen.getByRole('button', { name: 'Use a backup code' }));
		const input = screen.getByLabelText(/^Backup code/);
		expect(input).toHaveFocus();
		await user.type(input, 'abcde-12345');
		await user.click(screen.getByRole('button', { name: 'Verify' }));
		await vi.waitFor(() => expect(session.status).toBe('signed-in'));
		expect(sent).toEqual([{ challenge_token: 'challenge-1', code: 'abcde-12345' }]);
		session.tokens.dispose();

		await user.click(screen.getByRole('button', { name: 'Use your authenticator app' }));
		expect(screen.getByLabelText(/^Authentication code/)).toHaveFocus();
	});

	it('goes back, and reports an expired challenge to its owner', async () => {
		const { user, onback, onexpired } = setup(() =>
			json(401, { code: 'challenge_expired', message: 'this sign-in has expired' })
		);
		await user.click(screen.getByRole('button', { name: 'Back' }));
		expect(onback).toHaveBeenCalledOnce();
		await user.type(screen.getByLabelText(/^Authentication code/), '123456');
		await user.click(screen.getByRole('button', { name: 'Verify' }));
		await vi.waitFor(() => expect(onexpired).toHaveBeenCalledOnce());
		expect(screen.queryByRole('alert')).toBeNull();
	});

	it('shows a lockout with its wait above the form', async () => {
		const { user } = setup(() =>
			json(429, {
				code: 'too_many_attempts',
				message: 'too many attempts',
				retry_after: 30
			})
		);
		await user.type(screen.getByLabelText(/^Authentication code/), '123456');
		await user.click(screen.getByRole('button', { name: 'Verify' }));
		expect(await screen.findByRole('alert')).toHaveTextContent(
			'Too many attempts. Try again in 30 seconds.'
		);
	});
});
