/**
 * Token refresh in the browser: refresh tokens are single-use, so tabs must share one
 * refresh. Both tabs are made to hold an access token about to expire, then both make a
 * request at once: exactly one refresh may reach the server and both must stay signed in.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { openSettings, registerUser, SESSION_KEY, signIn, writeStoredSession } from './support';

const KEY = SESSION_KEY;

/** Rewrites the stored session so its access token expires in `ms` (other tabs adopt it). */
async function expireStoredToken(page: Page, ms: number) {
	const raw = await page.evaluate((key) => localStorage.getItem(key), KEY);
	const tokens = JSON.parse(raw!);
	await writeStoredSession(
		page,
		JSON.stringify({ ...tokens, accessTokenExpiresAt: Date.now() + ms })
	);
}

test('two tabs share one refresh and stay signed in', async ({ context, page }) => {
	const account = await registerUser('tabs');
	const refreshes: string[] = [];
	context.on('request', (request) => {
		if (request.url().endsWith('/api/auth/refresh')) refreshes.push(request.url());
	});

	await signIn(page, account.username, account.password);
	const second = await context.newPage();
	await second.goto('/');
	await expect(second.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
	expect(refreshes, 'a fresh stored access token is reused, not refreshed').toHaveLength(0);

	// A third tab rewrites the stored session; the storage event hands both tabs, at the
	// same moment, a token inside the refresh margin, so both start refreshing at once.
	const writer = await context.newPage();
	await writer.goto('/');
	await expect(writer.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
	const before = await writer.evaluate((key) => localStorage.getItem(key), KEY);
	await expireStoredToken(writer, 20_000);
	await expect
		.poll(() => writer.evaluate((key) => JSON.parse(localStorage.getItem(key)!).refreshToken, KEY))
		.not.toBe(JSON.parse(before!).refreshToken);

	await Promise.all([openSettings(page, 'Sessions'), openSettings(second, 'Sessions')]);
	await expect(page.getByTestId('session-row').first()).toBeVisible();
	await expect(second.getByTestId('session-row').first()).toBeVisible();
	expect(refreshes).toHaveLength(1);

	// Both tabs still work with the rotated pair, and so does a reload.
	await page.reload();
	await expect(page.getByTestId('session-row').first()).toBeVisible();
	await second.getByRole('button', { name: 'Sign out all other sessions' }).click();
	await expect(second.getByRole('dialog')).toBeVisible();
});

test('a reload with an expired access token refreshes once and keeps the session', async ({
	context,
	page
}) => {
	const account = await registerUser('reload');
	let refreshes = 0;
	context.on('request', (request) => {
		if (request.url().endsWith('/api/auth/refresh')) refreshes += 1;
	});
	await signIn(page, account.username, account.password);
	await expireStoredToken(page, -60_000);
	await page.reload();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
	expect(refreshes).toBe(1);
});

test('signing in or out in one tab does the same in the others', async ({ context, page }) => {
	const account = await registerUser('follow');
	const other = await context.newPage();
	await other.goto('/login');
	await signIn(page, account.username, account.password);
	await expect(other.getByRole('heading', { name: /^Welcome, / })).toBeVisible();

	await page.getByRole('link', { name: 'User settings' }).click();
	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(other.getByText('You were signed out in another window.')).toBeVisible();
});
