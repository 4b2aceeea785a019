/**
 * GIF search in the message box, and feedback. The server under test has no Giphy key,
 * so the picker is tested with the config's `gifs_enabled` turned on and the search
 * answers (and Giphy's images) fulfilled by the test; the message a picked GIF sends goes
 * to the real server. Feedback goes to the real server (no GitHub configured) and is then
 * read and deleted on Admin > Feedback.
 */
import type { Page } from '@playwright/test';
import { composer, createCommunity, person } from './chat-support';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { gif as gifBody } from './pictures';
import { registerUser, signIn, tabTo, uniqueName } from './support';

interface FakeGif {
	id: string;
	title: string;
	url: string;
	preview_url: string;
	width: number;
	height: number;
}

function fakeGif(name: string): FakeGif {
	return {
		id: name,
		title: `${name} GIF`,
		url: `https://media.giphy.com/media/${name}/giphy.gif`,
		preview_url: `https://media.giphy.com/media/${name}/200w.gif`,
		width: 200,
		height: 150
	};
}

/** Turns GIF search on in the real config, answers searches and serves Giphy's images. */
async function fakeGiphy(page: Page) {
	const searches: string[] = [];
	await page.route('**/api/auth/config', async (route) => {
		const response = await route.fetch();
		const config = await response.json();
		await route.fulfill({ response, json: { ...config, gifs_enabled: true } });
	});
	await page.route('**/api/gifs**', async (route) => {
		const url = new URL(route.request().url());
		const q = url.searchParams.get('q') ?? '';
		const offset = Number(url.searchParams.get('offset') ?? 0);
		searches.push(`${q}@${offset}`);
		if (q === 'slow') {
			return route.fulfill({
				status: 429,
				headers: { 'retry-after': '7' },
				json: { code: 'rate_limited', message: 'too many requests', retry_after: 7 }
			});
		}
		if (q === 'down') {
			return route.fulfill({
				status: 503,
				json: { code: 'gifs_unavailable', message: 'giphy is not answering' }
			});
		}
		if (q === 'nothing') return route.fulfill({ json: { gifs: [], next_offset: null } });
		if (q === 'cats') {
			return route.fulfill({
				json: { gifs: ['cat-1', 'cat-2', 'cat-3', 'cat-4'].map(fakeGif), next_offset: null }
			});
		}
		// Trending: two pages.
		return route.fulfill({
			json:
				offset === 0
					? { gifs: ['hot-1', 'hot-2', 'hot-3'].map(fakeGif), next_offset: 3 }
					: { gifs: ['hot-4', 'hot-5'].map(fakeGif), next_offset: null }
		});
	});
	await page.route('https://media.giphy.com/**', (route) =>
		route.fulfill({ contentType: 'image/gif', body: gifBody(2) })
	);
	return searches;
}

test('without a Giphy key the message box offers no GIF button', async ({ newContext }) => {
	const alice = await person(await newContext(), 'admin');
	const config = await alice.page.request.get('/api/auth/config');
	expect((await config.json()).gifs_enabled).toBe(false);
	await createCommunity(alice.page);
	await expect(composer(alice.page)).toBeVisible();
	await expect(alice.page.getByRole('button', { name: 'Add emoji' })).toBeVisible();
	await expect(alice.page.getByRole('button', { name: 'Send a GIF' })).toHaveCount(0);
});

test('the GIF picker: keyboard, trending, load more, search, errors, pick sends an image', async ({
	newContext,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(429), httpStatusMessage(503));
	const context = await newContext();
	const alice = await person(context, 'admin');
	const page = alice.page;
	const searches = await fakeGiphy(page);
	await page.reload();
	await createCommunity(page);

	const button = page.getByRole('button', { name: 'Send a GIF' });
	await composer(page).focus();
	await tabTo(page, button, 5);
	await page.keyboard.press('Enter');
	const picker = page.getByRole('dialog', { name: 'Send a GIF' });
	await expect(picker).toBeVisible();
	const search = picker.getByRole('searchbox', { name: 'Search GIFs' });
	await expect(search).toBeFocused();
	await expect(picker).toContainText('Powered by GIPHY');

	// Trending first, then a second page.
	const trending = picker.getByRole('group', { name: 'Trending GIFs' });
	await expect(trending.getByRole('button')).toHaveCount(3);
	await expect(trending.getByRole('img', { name: 'hot-1 GIF' })).toBeVisible();
	await picker.getByRole('button', { name: 'Load more' }).click();
	await expect(trending.getByRole('button')).toHaveCount(5);
	await expect(picker.getByRole('button', { name: 'Load more' })).toHaveCount(0);
	expect(searches).toEqual(['@0', '@3']);
	await expectAccessible(page, 'GIF picker');

	// Escape closes and gives the focus back to the button.
	await page.keyboard.press('Escape');
	await expect(picker).toBeHidden();
	await expect(button).toBeFocused();

	// Errors and an empty answer.
	await page.keyboard.press('Enter');
	await expect(search).toBeFocused();
	await search.fill('slow');
	await expect(picker.getByRole('alert')).toHaveText('Too many searches, try again in 7 s.');
	await search.fill('down');
	await expect(picker.getByRole('alert')).toHaveText(
		'GIF search is not answering. Try again later.'
	);
	await search.fill('nothing');
	await expect(picker).toContainText('No GIFs found for “nothing”.');

	// A search (typed: one request after the pause), arrows, Enter picks.
	await search.fill('');
	await search.pressSequentially('cats', { delay: 30 });
	const results = picker.getByRole('group', { name: 'GIFs for cats' });
	await expect(results.getByRole('button')).toHaveCount(4);
	expect(searches.filter((s) => s.startsWith('c'))).toEqual(['cats@0']);
	await search.press('ArrowDown');
	await expect(results.getByRole('button', { name: 'cat-1 GIF' })).toBeFocused();
	await page.keyboard.press('ArrowRight');
	await expect(results.getByRole('button', { name: 'cat-2 GIF' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(picker).toBeHidden();

	// Sent to the real server as the link, and shown as the image.
	const list = page.getByRole('region', { name: /^Messages in / });
	const image = list.getByRole('img', { name: 'GIF' });
	await expect(image).toHaveAttribute('src', 'https://media.giphy.com/media/cat-2/giphy.gif');
	await expect(composer(page)).toBeFocused();
	await page.reload();
	await expect(image).toHaveAttribute('src', 'https://media.giphy.com/media/cat-2/giphy.gif');
	await expect
		.poll(() => image.evaluate((img) => (img as HTMLImageElement).naturalWidth))
		.toBeGreaterThan(0);

	// Phone width: a sheet along the bottom, inside the screen.
	await page.setViewportSize({ width: 390, height: 844 });
	// The member list covers the conversation on a phone: close it first.
	await page.getByRole('button', { name: 'Hide members' }).click();
	await button.click();
	await expect(picker).toBeVisible();
	const box = (await picker.boundingBox())!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(390);
	expect(box.y + box.height).toBeLessThanOrEqual(844 + 1);
	await expect(
		picker.getByRole('group', { name: 'Trending GIFs' }).getByRole('button')
	).toHaveCount(3);
});

test('feedback: sent through the dialog, read and deleted by an administrator', async ({
	page,
	newContext
}) => {
	const account = await registerUser('feedback');
	await signIn(page, account.username, account.password);
	const text = uniqueName('The search misses <b>old</b> messages ');
	const opener = page.getByRole('button', { name: 'Send feedback' });
	await opener.click();
	const dialog = page.getByRole('dialog', { name: 'Send feedback' });
	const message = dialog.getByRole('textbox', { name: 'Message' });
	await expect(message).toBeFocused();
	await expectAccessible(page, 'feedback dialog');

	// Nothing written: said beside the field.
	await dialog.getByRole('button', { name: 'Send feedback' }).click();
	await expect(message).toHaveAccessibleDescription(/Write what you would like to tell us/);

	await dialog.getByRole('radio', { name: 'An idea' }).check();
	await message.fill(`${text}\nSecond line.`);
	await expect(dialog).toContainText(`${text.length + 13} / 4000`);
	await dialog.getByRole('button', { name: 'Send feedback' }).click();
	await expect(dialog.getByRole('status')).toContainText('Thank you, your feedback was sent.');
	// No GitHub set up on the server under test: no issue link.
	await expect(dialog.getByRole('link')).toHaveCount(0);
	await expect(dialog.getByRole('button', { name: 'Close' }).last()).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	await expect(opener).toBeFocused();

	// An administrator reads it: text as sent (line break kept, no HTML), then deletes it.
	const admin = await person(await newContext(), 'admin');
	await admin.page.getByRole('link', { name: 'Administration' }).click();
	// The GIF content rating is a server setting beside the others (set back afterwards).
	const rating = admin.page.getByLabel('GIF content rating');
	await expect(rating).toHaveValue('pg');
	await rating.selectOption('g');
	await expect(admin.page.getByText('Saved.')).toBeVisible();
	await admin.page.reload();
	await expect(rating).toHaveValue('g');
	await rating.selectOption('pg');
	await expect(admin.page.getByText('Saved.')).toBeVisible();
	await admin.page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Feedback' })
		.click();
	await expect(admin.page.getByRole('heading', { name: 'Feedback', level: 1 })).toBeVisible();
	const entry = admin.page.getByTestId('feedback-entry').filter({ hasText: text });
	await expect(entry).toContainText('Idea');
	await expect(entry).toContainText(`@${account.username}`);
	await expect(entry.locator('dd code')).toHaveText('/');
	await expect(entry.locator('b')).toHaveCount(0);
	expect(await entry.locator('.message').innerText()).toBe(`${text}\nSecond line.`);
	await expectAccessible(admin.page, 'admin feedback list');
	await entry.getByRole('button', { name: /^Delete feedback from/ }).click();
	const confirm = admin.page.getByRole('dialog', { name: 'Delete this feedback?' });
	await confirm.getByRole('button', { name: 'Delete feedback' }).click();
	await expect(confirm).toBeHidden();
	await expect(entry).toHaveCount(0);
	await admin.page.reload();
	await expect(admin.page.getByRole('heading', { name: 'Feedback', level: 1 })).toBeVisible();
	await expect(admin.page.getByRole('status', { name: /^Loading/ })).toHaveCount(0);
	await expect(admin.page.getByTestId('feedback-entry').filter({ hasText: text })).toHaveCount(0);
});
