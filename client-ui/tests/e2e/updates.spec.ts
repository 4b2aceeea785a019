/**
 * Administration → Updates on the real server. The e2e server runs without the updater
 * sidecar (global-setup.ts), so this is the page such a server shows: its version and how
 * it is updated by hand, with nothing to check or apply.
 */
import { expect, expectAccessible, test } from './fixtures';
import { apiClient, apiLogin, OWNER, registerUser, signIn, tabTo } from './support';

async function serverVersion(): Promise<string> {
	const api = await apiClient();
	const health = await api.get('/api/health');
	expect(health.status()).toBe(200);
	const version = (await health.json()).version as string;
	await api.dispose();
	expect(version).toMatch(/^\d+\.\d+\.\d+/);
	return version;
}

test('an administrator opens Updates with the keyboard and sees the version and the manual way', async ({
	page
}) => {
	const version = await serverVersion();
	await signIn(page, OWNER.username, OWNER.password);
	await page.getByRole('link', { name: 'Administration' }).click();
	const link = page.getByRole('navigation', { name: 'Settings' }).getByRole('link', {
		name: 'Updates'
	});
	await tabTo(page, link);
	await page.keyboard.press('Enter');

	await expect(page.getByRole('heading', { name: 'Updates', level: 1 })).toBeVisible();
	await expect(page).toHaveURL(/\/admin\/updates$/);
	await expect(link).toHaveAttribute('aria-current', 'page');
	await expect(page.getByTestId('running-version')).toHaveText(version);
	const explanation = page.getByTestId('updater-not-configured');
	await expect(explanation).toContainText('Docker updater sidecar');
	await expect(explanation).toContainText('updater');
	await expect(explanation).toContainText('docs/docker.md');
	await expect(explanation).toContainText('updated by hand');
	await expect(page.getByRole('button', { name: /Check for updates|^Update to / })).toHaveCount(0);
	// Nothing running: no job, no errors.
	await expect(page.getByTestId('update-job')).toHaveCount(0);
	await expect(page.getByRole('alert')).toHaveCount(0);

	for (const theme of ['dark', 'light'] as const) {
		await page.emulateMedia({ colorScheme: theme });
		await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
		await expectAccessible(page, `/admin/updates (${theme})`);
	}

	// The server agrees: no updater, so checking and applying are refused.
	const api = await apiClient();
	const headers = { authorization: `Bearer ${await apiLogin(OWNER.username, OWNER.password)}` };
	const view = await (await api.get('/api/admin/updates', { headers })).json();
	expect(view).toMatchObject({ running_version: version, updater: 'not_configured', job: null });
	for (const [path, data] of [
		['/api/admin/updates/check', undefined],
		['/api/admin/updates/apply', { version: '99.0.0' }]
	] as const) {
		const refused = await api.post(path, { headers, data });
		expect(refused.status(), path).toBe(409);
		expect((await refused.json()).code).toBe('updater_not_configured');
	}
	await api.dispose();
});

test('phone width: Updates through the navigation drawer, inside the screen', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 844 });
	const version = await serverVersion();
	await signIn(page, OWNER.username, OWNER.password);
	const menu = page.getByRole('button', { name: 'Open navigation' });
	await menu.click();
	await page.getByRole('link', { name: 'Administration' }).click();
	await expect(page.getByRole('heading', { name: 'Registration invites', level: 1 })).toBeVisible();
	await menu.click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Updates' })
		.click();
	await expect(page.getByRole('heading', { name: 'Updates', level: 1 })).toBeVisible();
	await expect(menu).toHaveAttribute('aria-expanded', 'false');
	await expect(page.getByTestId('running-version')).toHaveText(version);
	const explanation = page.getByTestId('updater-not-configured');
	await expect(explanation).toBeVisible();

	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	const box = (await explanation.boundingBox())!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(390);
	await expectAccessible(page, '/admin/updates at 390 px');
});

test('people who are not administrators cannot reach Updates', async ({ page }) => {
	const account = await registerUser('not_admin');
	await signIn(page, account.username, account.password);
	await expect(page.getByRole('link', { name: 'Administration' })).toHaveCount(0);
	await page.goto('/settings/profile');
	const nav = page.getByRole('navigation', { name: 'Settings' });
	await expect(nav.getByRole('link', { name: 'My profile' })).toBeVisible();
	await expect(nav.getByRole('link', { name: 'Updates' })).toHaveCount(0);

	await page.goto('/admin/updates');
	await expect(page.getByRole('heading', { name: 'Administrators only' })).toBeVisible();
	await expect(page.getByTestId('running-version')).toHaveCount(0);

	// Nor through the API.
	const api = await apiClient();
	const headers = {
		authorization: `Bearer ${await apiLogin(account.username, account.password)}`
	};
	for (const answer of [
		await api.get('/api/admin/updates', { headers }),
		await api.post('/api/admin/updates/check', { headers }),
		await api.post('/api/admin/updates/apply', { headers, data: { version: '99.0.0' } })
	]) {
		expect(answer.status()).toBe(403);
		expect((await answer.json()).code).toBe('admin_required');
	}
	await api.dispose();
});
