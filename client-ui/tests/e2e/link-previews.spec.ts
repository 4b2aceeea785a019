/**
 * Link previews under messages. The server under test cannot reach other sites (and
 * refuses private addresses), so a real link shows no card; the card itself is tested
 * with the previews answer (and its image) fulfilled by the test. The user's setting and
 * the channel's (a PATCH to the real server) each hide the cards.
 */
import type { Page, Request } from '@playwright/test';
import {
	communityWithMember,
	composer,
	createCommunity,
	message,
	person,
	send
} from './chat-support';
import { expect, expectAccessible, test } from './fixtures';
import { circlePng } from './pictures';
import { openSettings } from './support';

const PREVIEWS = /\/api\/messages\/[0-9a-f-]+\/link-previews$/;
const IMAGE_PATH = '/api/link-previews/7b0c7c2e-1f0e-4b8e-9a43-3c1d2f8e9a10/image';

/** Every previews request the page makes, from now on. */
function previewRequests(page: Page): Request[] {
	const seen: Request[] = [];
	page.on('request', (request) => {
		if (PREVIEWS.test(new URL(request.url()).pathname)) seen.push(request);
	});
	return seen;
}

/** Answers previews requests like the server would for a page with a card, and its image. */
async function fakePreviews(page: Page) {
	const images: string[] = [];
	await page.route('**/api/messages/*/link-previews', (route) =>
		route.fulfill({
			json: [
				{
					url: 'https://news.example.org/2026/12/lighthouse',
					title: 'The lighthouse keeper who became a programmer',
					description:
						'After thirty years of watching ships, Ada learned to write software. ' +
						'This is her story, from the first punch card to the last pull request.',
					site_name: 'Example News',
					image_url: IMAGE_PATH
				}
			]
		})
	);
	await page.route('**/api/link-previews/*/image*', (route) => {
		images.push(route.request().url());
		return route.fulfill({ contentType: 'image/png', body: circlePng(96, [40, 120, 220]) });
	});
	return images;
}

test('a link the server cannot preview shows no card; text without links asks nothing', async ({
	newContext
}) => {
	const alice = await person(await newContext(), 'admin');
	await createCommunity(alice.page);
	const requests = previewRequests(alice.page);

	await send(alice.page, 'No links here, just example.org without a scheme');
	await send(alice.page, 'Code only: `https://example.org/in-code`', 'Code only:');
	const answered = alice.page.waitForResponse((r) => PREVIEWS.test(new URL(r.url()).pathname));
	await send(alice.page, 'A private address http://127.0.0.1:9/ cannot be fetched');
	const response = await answered;
	expect(response.status()).toBe(200);
	expect(await response.json()).toEqual([]);

	const row = message(alice.page, 'A private address');
	await expect(row.getByRole('link', { name: 'http://127.0.0.1:9/' })).toBeVisible();
	await expect(alice.page.getByTestId('link-preview')).toHaveCount(0);
	// Only the message with a link outside code asked the server.
	expect(requests).toHaveLength(1);
});

test('a preview card: link, description, image through the server, keyboard, phone width, user setting', async ({
	newContext
}) => {
	const alice = await person(await newContext(), 'admin');
	await createCommunity(alice.page);
	const channelUrl = alice.page.url();
	const images = await fakePreviews(alice.page);
	const requests = previewRequests(alice.page);

	await send(
		alice.page,
		'Worth reading: https://news.example.org/2026/12/lighthouse',
		'Worth reading:'
	);
	const row = message(alice.page, 'Worth reading:');
	const card = row.getByTestId('link-preview');
	await expect(card).toBeVisible();
	await expect(card).toContainText('Example News');
	const title = card.getByRole('link', {
		name: 'The lighthouse keeper who became a programmer'
	});
	await expect(title).toHaveAttribute('href', 'https://news.example.org/2026/12/lighthouse');
	await expect(title).toHaveAttribute('target', '_blank');
	await expect(title).toHaveAttribute('rel', 'noopener noreferrer nofollow');
	// The description describes the link for screen readers.
	await expect(title).toHaveAccessibleDescription(/After thirty years of watching ships/);
	await expect(card.getByText(/^After thirty years/)).toBeVisible();

	// The image comes from the server's path with the media token, never from the site.
	const image = card.locator('img');
	await expect(image).toHaveAttribute('alt', '');
	await expect(image).toHaveJSProperty('complete', true);
	expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);
	const src = new URL((await image.getAttribute('src'))!);
	expect(src.origin).toBe(new URL(channelUrl).origin);
	expect(src.pathname).toBe(IMAGE_PATH);
	expect(src.searchParams.get('token')).toBeTruthy();
	expect(images.length).toBeGreaterThan(0);
	expect(requests).toHaveLength(1);
	await expectAccessible(alice.page, 'a message with a link preview');

	// Keyboard: from the author's name, Tab reaches the message's own link, then the card's.
	await row.getByRole('button', { name: alice.account.username }).focus();
	await alice.page.keyboard.press('Tab');
	await expect(row.getByTestId('message-text').getByRole('link')).toBeFocused();
	await alice.page.keyboard.press('Tab');
	await expect(title).toBeFocused();
	await expect.poll(() => card.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');

	// A phone: the card fits the screen, nothing scrolls sideways.
	await alice.page.setViewportSize({ width: 360, height: 720 });
	// The member list opened at desktop width; on a phone it would cover the messages.
	await alice.page.getByRole('button', { name: 'Hide members' }).click();
	await expect(card).toBeVisible();
	const box = (await card.boundingBox())!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(360);
	expect(
		await alice.page.evaluate(
			() => document.documentElement.scrollWidth <= document.documentElement.clientWidth
		)
	).toBe(true);
	await alice.page.setViewportSize({ width: 1280, height: 800 });

	// An edit asks again (the links may have changed); the card stays.
	await composer(alice.page).press('ArrowUp');
	const editBox = alice.page.getByRole('textbox', { name: 'Edit message' });
	await editBox.fill('Still worth reading: https://news.example.org/2026/12/lighthouse');
	await editBox.press('Enter');
	await expect(message(alice.page, 'Still worth reading:')).toContainText('(edited)');
	await expect.poll(() => requests.length).toBe(2);
	await expect(
		message(alice.page, 'Still worth reading:').getByTestId('link-preview')
	).toBeVisible();

	// The user's own setting hides every card, and stays off after a reload.
	await openSettings(alice.page, 'Appearance');
	const setting = alice.page.getByRole('switch', { name: 'Show link previews' });
	await expect(setting).toBeChecked();
	await setting.uncheck();
	await alice.page.goto(channelUrl);
	await expect(message(alice.page, 'Still worth reading:')).toBeVisible();
	await expect(alice.page.getByTestId('link-preview')).toHaveCount(0);
	expect(requests).toHaveLength(2);

	await openSettings(alice.page, 'Appearance');
	await expect(setting).not.toBeChecked();
	await setting.check();
	await alice.page.goto(channelUrl);
	await expect(
		message(alice.page, 'Still worth reading:').getByTestId('link-preview')
	).toBeVisible();
});

test('channel staff turn previews off for a channel, for everyone in it', async ({
	newContext
}) => {
	const { admin: alice, bob } = await communityWithMember(await newContext(), newContext, (bob) =>
		fakePreviews(bob.page).then(() => {})
	);
	const channelUrl = alice.page.url();
	const channelId = new URL(channelUrl).pathname.split('/').at(-1)!;
	await fakePreviews(alice.page);
	const requests = previewRequests(alice.page);

	await send(alice.page, 'Our site: https://news.example.org/2026/12/lighthouse', 'Our site:');
	await expect(message(alice.page, 'Our site:').getByTestId('link-preview')).toBeVisible();
	await expect(message(bob.page, 'Our site:').getByTestId('link-preview')).toBeVisible();

	await alice.page.getByRole('link', { name: 'Community settings' }).click();
	await alice.page.getByRole('button', { name: 'Edit #general' }).click();
	const edit = alice.page.getByRole('form', { name: 'Edit #general' });
	const toggle = edit.getByRole('checkbox', { name: 'Show link previews in this channel' });
	await expect(toggle).toBeChecked();
	await toggle.uncheck();
	const patched = alice.page.waitForResponse(
		(r) =>
			r.request().method() === 'PATCH' && new URL(r.url()).pathname === `/api/channels/${channelId}`
	);
	await edit.getByRole('button', { name: 'Save' }).click();
	const response = await patched;
	expect(response.request().postDataJSON()).toMatchObject({ link_previews: false });
	expect(response.status()).toBe(200);
	expect((await response.json()).link_previews).toBe(false);
	await expect(alice.page.getByText('no link previews')).toBeVisible();
	// Bob, in the channel, loses the card live.
	await expect(message(bob.page, 'Our site:')).toBeVisible();
	await expect(bob.page.getByTestId('link-preview')).toHaveCount(0);

	// Back in the channel (the server's setting, after a reload): no card, no request.
	await alice.page.goto(channelUrl);
	await expect(message(alice.page, 'Our site:')).toBeVisible();
	await expect(alice.page.getByTestId('link-preview')).toHaveCount(0);
	expect(requests).toHaveLength(1);

	// On again: the card is back.
	await alice.page.getByRole('link', { name: 'Community settings' }).click();
	await alice.page.getByRole('button', { name: 'Edit #general' }).click();
	await toggle.check();
	await edit.getByRole('button', { name: 'Save' }).click();
	await expect(alice.page.getByText('no link previews')).toHaveCount(0);
	await alice.page.goBack();
	await expect(message(alice.page, 'Our site:').getByTestId('link-preview')).toBeVisible();
});
