import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import BotBadge from './BotBadge.svelte';

describe('BotBadge', () => {
	it('reads as the word "Bot" and shows BOT to the eye only', () => {
		render(BotBadge);
		const badge = screen.getByTestId('bot-badge');
		expect(badge).toHaveTextContent('BOT Bot');
		expect(screen.getByText('BOT')).toHaveAttribute('aria-hidden', 'true');
		expect(screen.getByText('Bot')).toHaveClass('visually-hidden');
	});
});
