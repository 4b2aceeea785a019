/**
 * Files in messages, between two people in two browsers: an image dropped on the
 * conversation uploads with a progress bar, goes out with the message and shows inline
 * for the other person (really loaded with the media token), opens in the viewer and
 * closes with Escape; a text file picked with the attach button arrives as a card whose
 * download link works, and a thread reply of a file alone; the composer's attachments at
 * phone width, by keyboard. Uploaded HTML and SVG never run in the app's origin: opened
 * in a tab or a frame of the app, they download.
 */
import { readFile } from 'node:fs/promises';
import type { Locator, Page } from '@playwright/test';
import { expect, expectAccessible, test } from './fixtures';
import {
	acceptInvite,
	composer,
	createCommunity,
	invitePath,
	message,
	person,
	send
} from './chat-support';
import { apiClient, apiLogin } from './support';

/** A 40×30 RGB PNG (two colours per half), made for these tests. */
const PNG_BASE64 =
	'iVBORw0KGgoAAAANSUhEUgAAACgAAAAeCAIAAADRv8uKAAAANklEQVR42u3NMQ0AMAgAMCQhYVKQPgmTMA/wcDTp37j12nIgxGKxWCzeGJ+2HBCLxWKxeF/8AV5bCGqCoJnsAAAAAElFTkSuQmCC';

function conversation(page: Page) {
	return page.getByRole('region', { name: /^Messages in / });
}

function pendingFiles(page: Page) {
	return page.getByRole('list', { name: 'Files to send' });
}

/** Whether an image element finished loading real pixels. */
function naturalWidth(image: Locator) {
	return image.evaluate((element) => {
		const img = element as HTMLImageElement;
		return img.complete ? img.naturalWidth : 0;
	});
}

/** Drags a PNG named `name` from "the desktop" onto the message list and drops it. */
async function dropPng(page: Page, name: string) {
	const dataTransfer = await page.evaluateHandle(
		({ base64, name }) => {
			const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
			const transfer = new DataTransfer();
			transfer.items.add(new File([bytes], name, { type: 'image/png' }));
			return transfer;
		},
		{ base64: PNG_BASE64, name }
	);
	const target = conversation(page);
	await target.dispatchEvent('dragenter', { dataTransfer });
	// The drop zone shows while files are over the conversation.
	await expect(page.getByTestId('drop-zone')).toContainText('Drop files to send to #general');
	await target.dispatchEvent('dragover', { dataTransfer });
	await target.dispatchEvent('drop', { dataTransfer });
	await expect(page.getByTestId('drop-zone')).toHaveCount(0);
	await dataTransfer.dispose();
}

test('an image dropped on the conversation shows inline for the other person', async ({
	newContext
}) => {
	test.setTimeout(120_000);
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'bob');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));

	// Hold the upload until the progress bar has been seen, so the test does not race it.
	let release!: () => void;
	const held = new Promise<void>((done) => (release = done));
	await alice.page.route('**/api/files', async (route) => {
		await held;
		await route.continue();
	});

	await dropPng(alice.page, 'pixels.png');
	const chip = pendingFiles(alice.page).getByRole('listitem').filter({ hasText: 'pixels.png' });
	await expect(chip.getByRole('progressbar', { name: 'Uploading pixels.png' })).toBeVisible();
	await composer(alice.page).fill('Look at these pixels');
	const sendButton = alice.page.getByRole('button', { name: 'Send message' });
	// Nothing goes out while an upload is in flight, and Enter says why.
	await expect(sendButton).toBeDisabled();
	await composer(alice.page).press('Enter');
	const wait = alice.page.getByText('Wait for the files to finish uploading, then send.');
	await expect(wait).toBeVisible();
	await expect(composer(alice.page)).toHaveValue('Look at these pixels');
	release();
	await expect(chip).toContainText('Ready');
	await expect(wait).toHaveCount(0);
	await expect(chip.getByRole('progressbar')).toHaveCount(0);
	await alice.page.unroute('**/api/files');
	await expect(sendButton).toBeEnabled();
	await composer(alice.page).press('Enter');
	await expect(composer(alice.page)).toHaveValue('');
	await expect(pendingFiles(alice.page)).toHaveCount(0);

	// Both see the image inline, loaded through the media token in the URL.
	for (const page of [alice.page, bob.page]) {
		const preview = message(page, 'Look at these pixels').getByRole('button', {
			name: 'View image pixels.png'
		});
		const image = preview.locator('img');
		await expect(image).toBeVisible();
		await expect(image).toHaveAttribute('src', /\/api\/files\/[0-9a-f-]+\/thumbnail\?token=./);
		await expect.poll(() => naturalWidth(image)).toBeGreaterThan(0);
	}

	// Bob opens the viewer with the keyboard: the original, its name and a download link.
	const preview = message(bob.page, 'Look at these pixels').getByRole('button', {
		name: 'View image pixels.png'
	});
	await preview.focus();
	await bob.page.keyboard.press('Enter');
	const viewer = bob.page.getByRole('dialog', { name: 'pixels.png' });
	await expect(viewer).toBeVisible();
	await expect(viewer.getByRole('button', { name: 'Close image viewer' })).toBeFocused();
	const original = viewer.getByRole('img', { name: 'pixels.png' });
	await expect(original).toHaveAttribute('src', /\/api\/files\/[0-9a-f-]+\?token=./);
	await expect.poll(() => naturalWidth(original)).toBe(40);
	await expect(viewer.getByRole('link', { name: 'Download' })).toHaveAttribute(
		'href',
		/\/api\/files\/[0-9a-f-]+\?token=./
	);
	await expectAccessible(bob.page, 'image viewer');
	await bob.page.keyboard.press('Escape');
	await expect(viewer).toBeHidden();
	await expect(preview).toBeFocused();

	// A reload keeps the image (history carries the attachments).
	await bob.page.reload();
	const reloaded = message(bob.page, 'Look at these pixels').locator('img');
	await expect.poll(() => naturalWidth(reloaded)).toBeGreaterThan(0);
});

test('a picked text file arrives as a card with a working download link', async ({
	newContext
}) => {
	test.setTimeout(120_000);
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'bob');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));

	// The name is markup on purpose: whatever of it the server keeps must stay text.
	const picked = '<img src=x onerror="window.__xss=1"> & notes.txt';
	const contents = 'Agenda: ship file uploads.\n';
	const uploaded = alice.page.waitForResponse(
		(response) => response.url().endsWith('/api/files') && response.request().method() === 'POST'
	);
	const chooser = alice.page.waitForEvent('filechooser');
	await alice.page.getByRole('button', { name: 'Attach files' }).click();
	await (
		await chooser
	).setFiles({ name: picked, mimeType: 'text/plain', buffer: Buffer.from(contents) });
	const stored = (await (await uploaded).json()) as { id: string; name: string; kind: string };
	expect(stored.kind).toBe('file');
	// The server may tidy a name; what it stored is what everyone sees.
	const name = stored.name;
	await expect(
		pendingFiles(alice.page).getByRole('listitem').filter({ hasText: name })
	).toContainText('Ready');
	await composer(alice.page).fill('Here are the notes');
	await composer(alice.page).press('Enter');
	await expect(pendingFiles(alice.page)).toHaveCount(0);

	const card = message(bob.page, 'Here are the notes').getByTestId('file-card');
	await expect(card).toContainText(name);
	await expect(card).toContainText(`${Buffer.byteLength(contents)} bytes`);
	await expect(card.locator('img')).toHaveCount(0);
	const link = card.getByRole('link', { name: `Download ${name}` });
	await expect(link).toHaveAttribute('href', new RegExp(`/api/files/${stored.id}\\?token=.`));
	const download = bob.page.waitForEvent('download');
	await link.click();
	const file = await (await download).path();
	expect(await readFile(file, 'utf8')).toBe(contents);
	expect(await bob.page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

	// In a thread: the root shows its file, and a reply of a file alone reaches Alice.
	const root = message(bob.page, 'Here are the notes');
	await root.hover();
	await root.getByRole('button', { name: 'Reply in thread' }).click();
	const bobThread = bob.page.getByRole('complementary', { name: 'Thread' });
	await expect(bobThread.getByTestId('file-card')).toContainText(name);
	const threadChooser = bob.page.waitForEvent('filechooser');
	await bobThread.getByRole('button', { name: 'Attach files' }).click();
	await (
		await threadChooser
	).setFiles({ name: 'reply.txt', mimeType: 'text/plain', buffer: Buffer.from('ok') });
	await expect(pendingFiles(bob.page)).toContainText('Ready');
	await bobThread.getByRole('button', { name: 'Send message' }).click();
	await expect(bobThread.getByTestId('thread-reply').getByTestId('file-card')).toContainText(
		'reply.txt'
	);
	await message(alice.page, 'Here are the notes').getByRole('button', { name: '1 reply' }).click();
	const aliceThread = alice.page.getByRole('complementary', { name: 'Thread' });
	await expect(aliceThread.getByTestId('thread-reply').getByTestId('file-card')).toContainText(
		'reply.txt'
	);
});

test('phone width: attaching and removing files by keyboard', async ({ newContext }) => {
	test.setTimeout(90_000);
	const alice = await person(await newContext({ viewport: { width: 390, height: 844 } }), 'admin');
	const page = alice.page;
	await page.getByRole('button', { name: 'Open navigation' }).click();
	await createCommunity(page);
	await send(page, 'Files from a phone');

	const attach = page.getByRole('button', { name: 'Attach files' });
	await expect(attach).toBeVisible();
	await composer(page).focus();
	await page.keyboard.press('Shift+Tab');
	await expect(attach).toBeFocused();
	const chooser = page.waitForEvent('filechooser');
	await page.keyboard.press('Enter');
	await (
		await chooser
	).setFiles([
		{ name: 'first.txt', mimeType: 'text/plain', buffer: Buffer.from('one') },
		{
			name: 'a-rather-long-file-name-for-a-small-screen.txt',
			mimeType: 'text/plain',
			buffer: Buffer.from('two')
		}
	]);
	const chips = pendingFiles(page).getByRole('listitem');
	await expect(chips).toHaveCount(2);
	await expect(chips.nth(0)).toContainText('Ready');
	await expect(chips.nth(1)).toContainText('Ready');
	// Nothing sticks out sideways.
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	for (const chip of await chips.all()) {
		const box = await chip.boundingBox();
		expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
	}
	await expectAccessible(page, 'composer with files on a phone');

	// Removing by keyboard keeps focus in the row of chips, then goes back to the message box.
	await page.getByRole('button', { name: 'Remove first.txt' }).focus();
	await page.keyboard.press('Enter');
	const second = page.getByRole('button', {
		name: 'Remove a-rather-long-file-name-for-a-small-screen.txt'
	});
	await expect(second).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(pendingFiles(page)).toHaveCount(0);
	await expect(composer(page)).toBeFocused();
});

test('uploaded HTML and SVG never run in the app origin: they download under a sandbox', async ({
	newContext
}) => {
	test.setTimeout(90_000);
	const alice = await person(await newContext(), 'admin');
	const page = alice.page;
	const auth = {
		authorization: `Bearer ${await apiLogin(alice.account.username, alice.account.password)}`
	};
	const api = await apiClient();
	const tokenAnswer = await api.get('/api/account/media-token', { headers: auth });
	expect(tokenAnswer.status(), await tokenAnswer.text()).toBe(200);
	const media = (await tokenAnswer.json()).token as string;
	const title = await page.title();
	// What a successful payload would leave behind, in the app's origin.
	const pwned = () =>
		page.evaluate(() => ({
			storage: localStorage.getItem('pwned'),
			title: document.title,
			flag: (window as { __pwned?: unknown }).__pwned ?? null
		}));
	const unharmed = { storage: null, title, flag: null };

	const payloads = [
		{
			name: 'page.html',
			mimeType: 'text/html',
			body:
				"<html><script>window.top.__pwned=1;window.top.document.title='pwned';" +
				"localStorage.setItem('pwned','1')</script></html>"
		},
		{
			name: 'drawing.svg',
			mimeType: 'image/svg+xml',
			body:
				"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"localStorage.setItem('pwned','svg');" +
				"top.document.title='pwned'\"><script>top.__pwned=1;localStorage.setItem('pwned','svg')" +
				'</script><circle cx="5" cy="5" r="5"/></svg>'
		}
	];
	for (const payload of payloads) {
		const uploaded = await api.post('/api/files', {
			headers: auth,
			multipart: {
				file: { name: payload.name, mimeType: payload.mimeType, buffer: Buffer.from(payload.body) }
			}
		});
		expect(uploaded.status(), await uploaded.text()).toBe(201);
		const file = (await uploaded.json()) as { id: string; name: string };
		const url = `/api/files/${file.id}?token=${encodeURIComponent(media)}`;

		// The answer: a download, of no renderable type, under a sandboxing policy.
		const answer = await api.get(url);
		expect(answer.status()).toBe(200);
		const headers = answer.headers();
		expect(headers['content-disposition']).toMatch(/^attachment\b/);
		expect(headers['content-type']).toBe('application/octet-stream');
		expect(headers['content-security-policy']).toContain('sandbox');
		expect(headers['x-content-type-options']).toBe('nosniff');
		expect(await answer.text()).toBe(payload.body);

		// Opened directly in a tab of the signed-in browser: a download, not a page.
		const tab = await page.context().newPage();
		const download = tab.waitForEvent('download');
		const opened = await tab.goto(url).then(
			() => null,
			(error: Error) => error
		);
		expect(opened?.message).toMatch(/Download is starting/);
		expect((await download).suggestedFilename()).toBe(file.name);
		await tab.close();
		expect(await pwned()).toEqual(unharmed);

		// In a frame of the app's own page: downloaded again, nothing rendered.
		const framedDownload = page.waitForEvent('download');
		await page.evaluate((src) => {
			const frame = document.createElement('iframe');
			frame.src = src;
			frame.dataset.testid = 'probe';
			document.body.append(frame);
		}, url);
		expect((await framedDownload).suggestedFilename()).toBe(file.name);
		expect(
			await page.evaluate(() => {
				const frame = document.querySelector<HTMLIFrameElement>('[data-testid=probe]');
				const html = frame?.contentDocument?.documentElement.outerHTML ?? '';
				frame?.remove();
				return /script|svg/i.test(html);
			})
		).toBe(false);
		expect(await pwned()).toEqual(unharmed);
	}
	// Still nothing after a reload (localStorage would keep a marker).
	await page.reload();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
	expect(await page.evaluate(() => localStorage.getItem('pwned'))).toBeNull();
	await api.dispose();
});
