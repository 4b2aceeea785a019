/**
 * Announcements (ADM-7) on the real server: an administrator posts them from
 * Administration › Announcements, everyone signed in sees them at once as banners, a
 * person dismisses one for all of their devices, a withdrawn one disappears everywhere,
 * and an expired one leaves by itself. Banners show on every page of the app, so each
 * test withdraws whatever it posted (the other specs must not meet them).
 */
import type { Page } from '@playwright/test';
import { expect, expectAccessible, test } from './fixtures';
import {
	apiClient,
	apiLogin,
	label,
	OWNER,
	registerUser,
	signIn,
	tabTo,
	uniqueName
} from './support';

async function ownerHeaders() {
	return { authorization: `Bearer ${await apiLogin(OWNER.username, OWNER.password)}` };
}

/** Posts an announcement through the API; returns its ID. */
async function postAnnouncement(data: {
	title: string;
	body?: string;
	severity: 'info' | 'warning' | 'critical';
	expires_at?: string;
}): Promise<string> {
	const api = await apiClient();
	const response = await api.post('/api/admin/announcements', {
		headers: await ownerHeaders(),
		data
	});
	expect(response.status(), await response.text()).toBe(201);
	const id = (await response.json()).id as string;
	await api.dispose();
	return id;
}

test.afterEach(async () => {
	// Withdraw everything, so no banner follows the other specs around.
	const api = await apiClient();
	const headers = await ownerHeaders();
	const list = await api.get('/api/admin/announcements?limit=200', { headers });
	expect(list.status()).toBe(200);
	for (const { id } of (await list.json()) as { id: string }[]) {
		const gone = await api.delete(`/api/admin/announcements/${id}`, { headers });
		expect([204, 404]).toContain(gone.status());
	}
	await api.dispose();
});

function banners(page: Page) {
	return page.getByRole('region', { name: 'Announcements' });
}

function banner(page: Page, title: string) {
	return page.getByTestId('announcement').filter({ hasText: title });
}

async function openAnnouncementsAdmin(page: Page) {
	await page.getByRole('link', { name: 'Administration' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Announcements' })
		.click();
	await expect(page.getByRole('heading', { name: 'Announcements', level: 1 })).toBeVisible();
	await expect(page).toHaveURL(/\/admin\/announcements$/);
}

test('posted live to every device, dismissed for all of a person’s devices, withdrawn for everyone', async ({
	page,
	newContext
}) => {
	test.setTimeout(150_000);
	const member = await registerUser('reader');
	// The same person on two devices.
	const phone = await (await newContext()).newPage();
	const laptop = await (await newContext()).newPage();
	await signIn(phone, member.username, member.password);
	await signIn(laptop, member.username, member.password);
	await expect(banners(phone)).toHaveCount(0);

	await signIn(page, OWNER.username, OWNER.password);
	await openAnnouncementsAdmin(page);
	await expect(page.getByRole('heading', { name: 'No announcements' })).toBeVisible();

	// Client-side checks first: a title is required, the expiry must be in the future.
	const post = page.getByRole('button', { name: 'Post announcement' });
	await post.click();
	await expect(page.getByText('Title is required.')).toBeVisible();
	await expect(page.getByLabel(label('Title'))).toBeFocused();

	const maintenance = uniqueName('Maintenance tonight ');
	await page.getByLabel(label('Title')).fill(maintenance);
	await page
		.getByLabel('Text', { exact: true })
		.fill('The server restarts at 22:00 UTC.\nExpect about five minutes without chat.');
	await page.getByLabel('Severity', { exact: true }).selectOption('warning');
	await page.getByLabel('Expires', { exact: true }).fill('2001-01-01T10:00');
	await post.click();
	await expect(page.getByText('The expiry must be in the future.')).toBeVisible();
	await page.getByLabel('Expires', { exact: true }).fill('');
	await post.click();
	await expect(
		page.getByRole('status').filter({ hasText: `Posted “${maintenance}”` })
	).toBeVisible();
	await expect(page.getByLabel(label('Title'))).toHaveValue('');

	// Both devices show it without a reload, as a status with its text kept in lines.
	for (const device of [phone, laptop]) {
		const shown = banner(device, maintenance);
		await expect(shown).toBeVisible();
		await expect(shown).toHaveAttribute('role', 'status');
		await expect(shown).toContainText('Expect about five minutes without chat.');
	}
	// The administrator sees it too.
	await expect(banner(page, maintenance)).toBeVisible();

	const outage = uniqueName('Uploads are down ');
	await page.getByLabel(label('Title')).fill(outage);
	await page.getByLabel('Severity', { exact: true }).selectOption('critical');
	const later = new Date(Date.now() + 3 * 24 * 3600_000);
	const pad = (n: number) => String(n).padStart(2, '0');
	await page
		.getByLabel('Expires', { exact: true })
		.fill(
			`${later.getFullYear()}-${pad(later.getMonth() + 1)}-${pad(later.getDate())}T${pad(later.getHours())}:${pad(later.getMinutes())}`
		);
	await post.click();
	await expect(page.getByRole('status').filter({ hasText: `Posted “${outage}”` })).toBeVisible();
	for (const device of [phone, laptop]) {
		await expect(banner(device, outage)).toHaveAttribute('role', 'alert');
		// Newest first.
		await expect(device.getByTestId('announcement').first()).toContainText(outage);
	}

	// The list: severity, state, author, expiry.
	const rows = page.getByTestId('admin-announcement');
	await expect(rows).toHaveCount(2);
	const outageRow = rows.filter({ hasText: outage });
	await expect(outageRow).toContainText('Critical');
	await expect(outageRow).toContainText('Active');
	await expect(outageRow).toContainText(`by ${OWNER.username}`);
	await expect(outageRow.getByTestId('dismissals')).toHaveText('nobody');
	const maintenanceRow = rows.filter({ hasText: maintenance });
	await expect(maintenanceRow).toContainText('Warning');
	await expect(maintenanceRow.getByText('Never', { exact: true })).toBeVisible();

	// Dismissed on the phone: gone from the laptop too, at once.
	await phone.getByRole('button', { name: `Dismiss announcement: ${maintenance}` }).click();
	await expect(banner(phone, maintenance)).toHaveCount(0);
	await expect(banner(laptop, maintenance)).toHaveCount(0);
	await expect(banner(laptop, outage)).toBeVisible();
	// Everybody else still has it.
	await expect(banner(page, maintenance)).toBeVisible();

	// And it stays dismissed after reloading both.
	for (const device of [phone, laptop]) {
		await device.reload();
		await expect(banner(device, outage)).toBeVisible();
		await expect(banner(device, maintenance)).toHaveCount(0);
	}
	await page.reload();
	await expect(maintenanceRow.getByTestId('dismissals')).toHaveText('1 person');

	// Withdrawn by the administrator (after confirming): gone everywhere, live.
	await outageRow.getByRole('button', { name: `Withdraw announcement: ${outage}` }).click();
	const dialog = page.getByRole('dialog', { name: 'Withdraw announcement?' });
	await expect(dialog).toContainText(outage);
	await dialog.getByRole('button', { name: 'Withdraw' }).click();
	await expect(dialog).toBeHidden();
	await expect(rows).toHaveCount(1);
	for (const device of [phone, laptop, page]) {
		await expect(banner(device, outage)).toHaveCount(0);
	}
	await expect(banners(phone)).toHaveCount(0);

	// The audit log names both actions.
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Audit log' })
		.click();
	const events = page.getByTestId('audit-entry');
	await expect(events.filter({ hasText: 'Announcement withdrawn' }).first()).toBeVisible();
	await expect(events.filter({ hasText: 'Announcement posted' }).first()).toBeVisible();
});

test('phone width: banners wrap inside the screen, work by keyboard and pass axe', async ({
	newContext
}) => {
	const member = await registerUser('phone_reader');
	const long = `Planned-maintenance-window-${'x'.repeat(90)}`;
	await postAnnouncement({
		title: long,
		body: `A long explanation without spaces ${'y'.repeat(400)} and then words that wrap.`,
		severity: 'info'
	});
	const critical = uniqueName('Login problems ');
	await postAnnouncement({ title: critical, severity: 'critical' });

	const page = await (await newContext({ viewport: { width: 390, height: 844 } })).newPage();
	await signIn(page, member.username, member.password);
	await expect(banners(page)).toBeVisible();
	const first = banner(page, critical);
	const second = banner(page, long);
	await expect(first).toHaveAttribute('role', 'alert');
	await expect(second).toHaveAttribute('role', 'status');

	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	for (const shown of [first, second]) {
		const box = (await shown.boundingBox())!;
		expect(box.x).toBeGreaterThanOrEqual(0);
		expect(box.x + box.width).toBeLessThanOrEqual(390);
		expect(await shown.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
	}
	// The menu button stays in reach above the banners.
	await expect(page.getByRole('button', { name: 'Open navigation' })).toBeInViewport();

	for (const theme of ['dark', 'light'] as const) {
		await page.emulateMedia({ colorScheme: theme });
		await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
		await expectAccessible(page, `announcement banners at 390 px (${theme})`);
	}

	// By keyboard: dismiss the first, and the focus moves to the next banner's button.
	const dismissCritical = page.getByRole('button', {
		name: `Dismiss announcement: ${critical}`
	});
	await tabTo(page, dismissCritical);
	await page.keyboard.press('Enter');
	await expect(first).toHaveCount(0);
	await expect(page.getByRole('button', { name: `Dismiss announcement: ${long}` })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(banners(page)).toHaveCount(0);
	await expect(page.locator('#main')).toBeFocused();
});

test('an announcement leaves by itself when it expires', async ({ page }) => {
	const member = await registerUser('expiry_reader');
	await signIn(page, member.username, member.password);
	const brief = uniqueName('Brief notice ');
	// Short enough to wait for, long enough to be seen first on a slow machine.
	await postAnnouncement({
		title: brief,
		severity: 'warning',
		expires_at: new Date(Date.now() + 8_000).toISOString()
	});
	await expect(banner(page, brief)).toBeVisible();
	await expect(banner(page, brief)).toHaveCount(0, { timeout: 30_000 });
});

test('the administrator’s page at phone width, and closed to others', async ({
	page,
	newContext
}) => {
	await postAnnouncement({
		title: uniqueName('Listed '),
		body: 'z'.repeat(300),
		severity: 'warning',
		expires_at: new Date(Date.now() + 3600_000).toISOString()
	});
	await page.setViewportSize({ width: 390, height: 844 });
	await signIn(page, OWNER.username, OWNER.password);
	const menu = page.getByRole('button', { name: 'Open navigation' });
	await menu.click();
	await page.getByRole('link', { name: 'Administration' }).click();
	await menu.click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Announcements' })
		.click();
	await expect(page.getByRole('heading', { name: 'Announcements', level: 1 })).toBeVisible();
	await expect(page.getByTestId('admin-announcement')).toHaveCount(1);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	const form = page.getByRole('button', { name: 'Post announcement' });
	const box = (await form.boundingBox())!;
	expect(box.x + box.width).toBeLessThanOrEqual(390);
	await expectAccessible(page, '/admin/announcements at 390 px');

	const member = await registerUser('not_admin');
	const other = await (await newContext()).newPage();
	await signIn(other, member.username, member.password);
	await other.goto('/admin/announcements');
	await expect(other.getByRole('heading', { name: 'Administrators only' })).toBeVisible();
	const api = await apiClient();
	const headers = { authorization: `Bearer ${await apiLogin(member.username, member.password)}` };
	const refused = await api.post('/api/admin/announcements', {
		headers,
		data: { title: 'Not mine to post', severity: 'info' }
	});
	expect(refused.status()).toBe(403);
	await api.dispose();
});
