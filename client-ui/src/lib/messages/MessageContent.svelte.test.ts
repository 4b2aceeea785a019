import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import MessageContent from './MessageContent.svelte';

const GIF = 'https://media.giphy.com/media/abc123/giphy.gif';

describe('MessageContent and GIFs', () => {
	it('shows a message that is only a Giphy link as the image', () => {
		render(MessageContent, { props: { content: GIF } });
		const image = screen.getByRole('img', { name: 'GIF' });
		expect(image).toHaveAttribute('src', GIF);
		expect(image).toHaveAttribute('loading', 'lazy');
		expect(screen.getByRole('link')).toHaveAttribute('rel', 'noopener noreferrer');
	});

	it('keeps other links, and Giphy links among words, as links', () => {
		render(MessageContent, { props: { content: `look ${GIF}` } });
		expect(screen.queryByRole('img')).toBeNull();
		expect(screen.getByRole('link', { name: GIF })).toBeInTheDocument();
	});

	it('never draws images from elsewhere', () => {
		render(MessageContent, { props: { content: 'https://example.com/cat.gif' } });
		expect(screen.queryByRole('img')).toBeNull();
	});

	it('falls back to the link when the GIF does not load', async () => {
		render(MessageContent, { props: { content: GIF } });
		await fireEvent.error(screen.getByRole('img', { name: 'GIF' }));
		expect(screen.queryByRole('img')).toBeNull();
		expect(screen.getByRole('link', { name: GIF })).toBeInTheDocument();
	});
});
