import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { LinkPreview } from './link-previews';
import { LINK_PREVIEWS_KEY, LinkPreviewCache, type LinkPreviewScope } from './link-previews.svelte';
import LinkPreviews from './LinkPreviews.svelte';

const CARD: LinkPreview = {
	url: 'https://news.example.org/a',
	title: 'A headline',
	description: 'What the page is about.',
	site_name: 'Example News',
	image_url: '/api/link-previews/p1/image'
};

function setup(content: string, enabled = true, answer: LinkPreview[] = [CARD]) {
	const fetch = vi.fn(async () => answer);
	const cache = new LinkPreviewCache({ fetch });
	const scope = $state<{ -readonly [K in keyof LinkPreviewScope]: LinkPreviewScope[K] }>({
		cache,
		enabled
	});
	const view = render(LinkPreviews, {
		props: { messageId: 'm1', content },
		context: new Map([[LINK_PREVIEWS_KEY, scope]])
	});
	return { fetch, scope, view };
}

describe('LinkPreviews', () => {
	it('asks nothing for a message without links', () => {
		const { fetch, view } = setup('just words, and `https://in.code.example`');
		expect(fetch).not.toHaveBeenCalled();
		expect(view.container.querySelector('.link-previews')).toBeNull();
	});

	it('shows a card whose title links to the page', async () => {
		const { fetch } = setup('look https://news.example.org/a');
		const link = await screen.findByRole('link', { name: 'A headline' });
		expect(fetch).toHaveBeenCalledWith('m1');
		expect(link).toHaveAttribute('href', 'https://news.example.org/a');
		expect(link).toHaveAttribute('rel', 'noopener noreferrer nofollow');
		expect(link).toHaveAttribute('target', '_blank');
		expect(link).toHaveAccessibleDescription('What the page is about.');
		expect(screen.getByText('Example News')).toBeInTheDocument();
		// No media token outside the chat: no image rather than the site's own.
		expect(document.querySelector('img')).toBeNull();
	});

	it('names the host when the page gave no title or site name', async () => {
		setup('look https://news.example.org/a', true, [
			{ ...CARD, title: null, site_name: null, description: 'Only a description.' }
		]);
		expect(await screen.findByRole('link', { name: 'news.example.org' })).toBeInTheDocument();
	});

	it('shows nothing when previews are off, and asks only once they are on', async () => {
		const { fetch, scope } = setup('look https://news.example.org/a', false);
		expect(fetch).not.toHaveBeenCalled();
		expect(screen.queryByRole('link')).toBeNull();
		scope.enabled = true;
		flushSync();
		expect(await screen.findByRole('link', { name: 'A headline' })).toBeInTheDocument();
		expect(fetch).toHaveBeenCalledTimes(1);
	});
});
