import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import RegisterForm from './RegisterForm.svelte';
import { Session } from './session.svelte';
import { MemoryTokenStore } from './token-store';

function session(fetch = vi.fn()) {
	return new Session({ store: new MemoryTokenStore(), baseUrl: 'http://chat.test', fetch });
}

describe('RegisterForm', () => {
	it('asks for an invite code only when given a code field', () => {
		const { unmount } = render(RegisterForm, { session: session() });
		expect(screen.queryByLabelText(/Invite code/)).toBeNull();
		unmount();
		render(RegisterForm, {
			session: session(),
			codeField: { label: 'Invite code', initial: 'ABC123' }
		});
		expect(screen.getByLabelText(/Invite code/)).toHaveValue('ABC123');
	});

	it('validates before asking the server and focuses the first problem', async () => {
		const fetch = vi.fn();
		render(RegisterForm, { session: session(fetch) });
		const user = userEvent.setup();
		await user.type(screen.getByLabelText(/^Username/), 'a b');
		await user.type(screen.getByLabelText(/^Password/), 'short');
		await user.click(screen.getByRole('button', { name: 'Create account' }));
		expect(
			await screen.findByText('Use only letters, digits, underscores, dots and hyphens.')
		).toBeVisible();
		expect(screen.getByText('Password must be at least 8 characters.')).toBeVisible();
		expect(screen.getByLabelText(/^Username/)).toHaveFocus();
		expect(screen.getByLabelText(/^Username/)).toHaveAttribute('aria-invalid', 'true');
		expect(fetch).not.toHaveBeenCalled();
	});

	it('shows the server’s field error beside the field', async () => {
		const fetch = vi.fn(
			async () =>
				new Response(
					JSON.stringify({
						code: 'username_taken',
						message: 'that username is taken',
						field: 'username'
					}),
					{ status: 409, headers: { 'content-type': 'application/json' } }
				)
		);
		render(RegisterForm, { session: session(fetch) });
		const user = userEvent.setup();
		await user.type(screen.getByLabelText(/^Username/), 'ada');
		await user.type(screen.getByLabelText(/^Password/), 'long-enough');
		await user.type(screen.getByLabelText(/^Confirm password/), 'long-enough');
		await user.click(screen.getByRole('button', { name: 'Create account' }));
		expect(await screen.findByText('That username is taken')).toBeVisible();
		expect(screen.queryByRole('alert')).toBeNull();
		expect(screen.getByLabelText(/^Username/)).toHaveAccessibleDescription(
			/That username is taken/
		);
	});
});
