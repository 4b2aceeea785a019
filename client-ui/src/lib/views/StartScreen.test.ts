import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import StartScreen from './StartScreen.svelte';

describe('StartScreen', () => {
	it('is a spinner while the app starts', () => {
		render(StartScreen, { error: null, onretry: () => {} });
		expect(screen.getByRole('status', { name: 'Loading Chatalot' })).toBeInTheDocument();
		expect(screen.queryByText('Reconnecting…')).toBeNull();
	});

	it('says the server cannot be reached, that it reconnects, and retries on demand', async () => {
		const onretry = vi.fn();
		render(StartScreen, { error: 'Cannot reach the server.', onretry });
		expect(screen.getByRole('heading', { name: 'Can’t reach the server' })).toBeInTheDocument();
		expect(screen.getByRole('alert')).toHaveTextContent('Cannot reach the server.');
		expect(screen.getByTestId('start-reconnecting')).toHaveTextContent('Reconnecting…');
		await userEvent.setup().click(screen.getByRole('button', { name: 'Try again' }));
		expect(onretry).toHaveBeenCalledOnce();
	});

	it('says when the device is offline, and follows the connection', async () => {
		vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
		render(StartScreen, { error: 'Cannot reach the server.', onretry: () => {} });
		expect(screen.getByRole('heading', { name: 'You’re offline' })).toBeInTheDocument();
		window.dispatchEvent(new Event('online'));
		expect(
			await screen.findByRole('heading', { name: 'Can’t reach the server' })
		).toBeInTheDocument();
	});
});
