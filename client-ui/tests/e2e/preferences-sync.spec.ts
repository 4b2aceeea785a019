/**
 * PROF-3: display preferences belong to the person, not the device. One account on two
 * devices (two browser contexts): a change made on one shows on the other at once, without
 * a reload, and survives reloads; a change the server refuses is put back, visibly. The
 * appearance page passes axe in other palettes and fits a phone.
 */
import type { Page } from '@playwright/test';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { openSettings, registerUser, signIn } from './support';

/** Resolves when the page's WebSocket has said `ready` (the page then gets live events). */
function socketReady(page: Page): Promise<void> {
	return new Promise((resolve) => {
		page.on('websocket', (socket) => {
			socket.on('framereceived', ({ payload }) => {
				if (typeof payload === 'string' && payload.includes('"type":"ready"')) resolve();
			});
		});
	});
}

/** The accent colour the page's <html> ends up with. */
function accentOf(page: Page) {
	return page
		.locator('html')
		.evaluate((html) => getComputedStyle(html).getPropertyValue('--accent').trim());
}

async function device(page: Page, username: string, password: string) {
	const ready = socketReady(page);
	await signIn(page, username, password);
	await ready;
	return page;
}

test('preferences follow the person across devices, live and after a reload', async ({
	newContext,
	allowConsoleErrors
}) => {
	const account = await registerUser('prefs');
	const a = await device(await (await newContext()).newPage(), account.username, account.password);
	const b = await device(await (await newContext()).newPage(), account.username, account.password);
	const htmlA = a.locator('html');
	const htmlB = b.locator('html');
	// Both browsers prefer light; nothing is saved yet.
	await expect(htmlB).toHaveAttribute('data-theme', 'light');
	await expect(htmlB).toHaveAttribute('data-palette', 'default');
	const defaultAccent = await accentOf(b);

	// Device A: dark theme, the ocean palette, then a colour of its own.
	await openSettings(a, 'Appearance');
	await expect(a.getByText('Saved to your account')).toBeVisible();
	await a.getByRole('radio', { name: /Dark/ }).check();
	await expect(htmlA).toHaveAttribute('data-theme', 'dark');
	await expect(htmlB).toHaveAttribute('data-theme', 'dark');
	await a.getByRole('radio', { name: 'Ocean' }).check();
	await expect(htmlA).toHaveAttribute('data-palette', 'ocean');
	await expect(htmlB).toHaveAttribute('data-palette', 'ocean');
	await expect.poll(() => accentOf(b)).not.toBe(defaultAccent);
	await a.getByLabel('Accent colour').fill('#aa3355');
	await expect(htmlA).toHaveAttribute('data-accent', 'custom');
	await expect(htmlB).toHaveAttribute('data-accent', 'custom');
	await expect.poll(() => accentOf(b)).toBe('#aa3355');

	// Device B (already showing all that): compact mode and a 24-hour clock, seen on A.
	await openSettings(b, 'Appearance');
	await expect(b.getByRole('radio', { name: 'Ocean' })).toBeChecked();
	await expect(b.getByRole('radio', { name: /Dark/ })).toBeChecked();
	await b.getByRole('switch', { name: 'Compact mode' }).check();
	await expect(htmlB).toHaveAttribute('data-density', 'compact');
	await expect(htmlA).toHaveAttribute('data-density', 'compact');
	await expect(a.getByRole('switch', { name: 'Compact mode' })).toBeChecked();
	await b.getByRole('radio', { name: /24-hour/ }).check();
	await expect(a.getByRole('radio', { name: /24-hour/ })).toBeChecked();

	// A reload keeps it all: the cache paints it first, the server confirms it.
	await a.reload();
	await expect(htmlA).toHaveAttribute('data-theme', 'dark');
	await expect(htmlA).toHaveAttribute('data-palette', 'ocean');
	await expect(htmlA).toHaveAttribute('data-density', 'compact');
	await expect(htmlA).toHaveAttribute('data-accent', 'custom');
	await expect(a.getByRole('radio', { name: /24-hour/ })).toBeChecked();

	// A change the server refuses is put back, and says so.
	allowConsoleErrors(httpStatusMessage(500));
	await b.route('**/api/account/preferences', (route) =>
		route.request().method() === 'PATCH'
			? route.fulfill({
					status: 500,
					json: { code: 'internal', message: 'The server ran into a problem.' }
				})
			: route.fallback()
	);
	// A click, not `check()`: the refusal may put the radio back before a check could see it.
	await b.getByRole('radio', { name: 'Rose' }).click();
	await expect(b.getByRole('alert')).toContainText('palette could not be saved');
	await expect(b.getByRole('radio', { name: 'Ocean' })).toBeChecked();
	await expect(htmlB).toHaveAttribute('data-palette', 'ocean');
	await expect(htmlA).toHaveAttribute('data-palette', 'ocean');
	await b.unroute('**/api/account/preferences');

	// Back to the palette's accent on B; A follows.
	await b.getByRole('button', { name: 'Use the palette’s colour' }).click();
	await expect(htmlA).not.toHaveAttribute('data-accent', 'custom');
	await expect.poll(() => accentOf(a)).not.toBe('#aa3355');

	// A third device with nothing cached gets everything on signing in.
	const c = await (await newContext()).newPage();
	await signIn(c, account.username, account.password);
	await expect(c.locator('html')).toHaveAttribute('data-theme', 'dark');
	await expect(c.locator('html')).toHaveAttribute('data-palette', 'ocean');
	await expect(c.locator('html')).toHaveAttribute('data-density', 'compact');
});

test('the appearance page is accessible in every palette, and fits a phone', async ({
	newContext
}) => {
	const account = await registerUser('palette');
	const page = await (await newContext()).newPage();
	await signIn(page, account.username, account.password);
	await openSettings(page, 'Appearance');
	const html = page.locator('html');
	for (const theme of ['Light', 'Dark'] as const) {
		await page.getByRole('radio', { name: new RegExp(theme) }).check();
		await expect(html).toHaveAttribute('data-theme', theme.toLowerCase());
		for (const [name, value] of [
			['Ocean', 'ocean'],
			['Forest', 'forest'],
			['Rose', 'rose'],
			['High contrast', 'high_contrast']
		] as const) {
			await page.getByRole('radio', { name }).check();
			await expect(html).toHaveAttribute('data-palette', value);
			await expectAccessible(page, `appearance, ${name} palette (${theme})`);
		}
	}
	// Keyboard: arrow keys move between palettes like any radio group.
	await page.getByRole('radio', { name: 'High contrast' }).focus();
	await page.keyboard.press('ArrowLeft');
	await expect(page.getByRole('radio', { name: 'Rose' })).toBeChecked();
	await expect(html).toHaveAttribute('data-palette', 'rose');

	// A phone: everything fits the width and stays usable.
	const phone = await (await newContext({ viewport: { width: 390, height: 844 } })).newPage();
	await signIn(phone, account.username, account.password);
	await phone.goto('/settings/appearance');
	await expect(phone.getByRole('heading', { name: 'Appearance', level: 1 })).toBeVisible();
	await expect(phone.locator('html')).toHaveAttribute('data-palette', 'rose');
	const overflow = await phone.evaluate(() => document.documentElement.scrollWidth);
	expect(overflow).toBeLessThanOrEqual(390);
	for (const control of [
		phone.getByRole('radio', { name: 'High contrast' }),
		phone.getByLabel('Accent colour'),
		phone.getByRole('button', { name: 'Use the palette’s colour' }),
		phone.getByRole('switch', { name: 'Compact mode' }),
		phone.getByRole('radio', { name: /24-hour/ })
	]) {
		await control.scrollIntoViewIfNeeded();
		const box = await control.boundingBox();
		expect(box, 'laid out').not.toBeNull();
		expect(box!.x).toBeGreaterThanOrEqual(0);
		expect(box!.x + box!.width).toBeLessThanOrEqual(390);
	}
	await phone.getByRole('switch', { name: 'Compact mode' }).check();
	await expect(phone.locator('html')).toHaveAttribute('data-density', 'compact');
	await expect(html).toHaveAttribute('data-density', 'compact');
	await expectAccessible(phone, 'appearance at 390 px');
});
