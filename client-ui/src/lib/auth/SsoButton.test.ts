import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import SsoButton from './SsoButton.svelte';
import { takeSsoNext } from './sign-in';

describe('SsoButton', () => {
	it('is a page link to the server, carrying an invite and remembering ?next=', async () => {
		render(SsoButton, { available: true, inviteCode: 'ABC123', next: '/settings/account' });
		const link = screen.getByRole('link', { name: 'Sign in with SSO' });
		expect(link).toHaveAttribute('href', '/api/auth/oidc/start?invite_code=ABC123');
		// A full page load, never the client-side router.
		expect(link).toHaveAttribute('data-sveltekit-reload');
		link.addEventListener('click', (event) => event.preventDefault());
		await userEvent.setup().click(link);
		expect(takeSsoNext()).toBe('/settings/account');
	});

	it('in the desktop app, goes to the chosen server', () => {
		render(SsoButton, { available: true, baseUrl: 'https://chat.example' });
		expect(screen.getByRole('link', { name: 'Sign in with SSO' })).toHaveAttribute(
			'href',
			'https://chat.example/api/auth/oidc/start'
		);
	});

	it('is shown disabled, with the reason, while the provider is unreachable', () => {
		render(SsoButton, { available: false });
		const button = screen.getByRole('link', { name: 'Sign in with SSO' });
		expect(button).not.toHaveAttribute('href');
		expect(button).toHaveAttribute('aria-disabled', 'true');
		expect(button).toHaveAccessibleDescription(
			'The sign-in provider can’t be reached right now. Try again in a minute.'
		);
		expect(screen.queryByRole('button')).toBeNull();
	});
});
