/**
 * Notification levels, mutes and settings against the real server: a channel set to
 * nothing and a muted community show no unread; keywords and the sound switch are kept
 * by the account; the settings page is accessible, also at phone width. The test server
 * has web push, so the push section shows (subscribing needs a push service, which
 * headless Chromium lacks: that part, and the section hidden without push, are
 * unit-tested).
 */
import type { Page } from '@playwright/test';
import { registerAdmin, poster } from './chat-support';
import { expect, expectAccessible, test } from './fixtures';
import { apiClient, apiLogin, registerUser, signIn, uniqueName, type Account } from './support';

const PHONE = { width: 390, height: 844 };

/** An admin's community with channels alpha and beta, Bob as a member; the admin posts. */
async function setup() {
	const admin = await registerAdmin();
	const api = await apiClient();
	const auth = { authorization: `Bearer ${await apiLogin(admin.username, admin.password)}` };
	const post = async (path: string, data: object, headers = auth) => {
		const response = await api.post(path, { data, headers });
		expect(response.status(), await response.text()).toBeLessThan(300);
		return (await response.json()) as { id: string; code: string };
	};
	const name = uniqueName('Quiet ');
	const community = await post('/api/communities', { name });
	const group = await post(`/api/communities/${community.id}/groups`, { name: 'Team' });
	const alpha = await post(`/api/groups/${group.id}/channels`, { name: 'alpha' });
	const beta = await post(`/api/groups/${group.id}/channels`, { name: 'beta' });
	const invite = await post(`/api/communities/${community.id}/invites`, {
		max_uses: 1,
		expires_in_hours: 1
	});
	const bob = await registerUser('bob');
	const bobAuth = { authorization: `Bearer ${await apiLogin(bob.username, bob.password)}` };
	await post(`/api/invites/${invite.code}/accept`, {}, bobAuth);
	await api.dispose();
	const admins = await poster(community.id, auth, admin.username);
	return { bob, community: { id: community.id, name }, alpha: alpha.id, beta: beta.id, admins };
}

function savedScope(page: Page) {
	return page.waitForResponse(
		(response) =>
			response.request().method() === 'PUT' &&
			/\/api\/account\/notifications\/(channels|communities)\//.test(response.url()) &&
			response.ok()
	);
}

async function openChannel(page: Page, communityId: string, channelId: string, name: string) {
	await page.goto(`/c/${communityId}/${channelId}`);
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

test('a channel at nothing and a muted community show no unread', async ({ page }) => {
	test.setTimeout(90_000);
	const { bob, community, alpha, beta, admins } = await setup();
	await signIn(page, bob.username, bob.password);
	await openChannel(page, community.id, alpha, 'alpha');

	// #alpha notifies of nothing, chosen from its header's menu with the keyboard.
	const bell = page.getByRole('button', { name: 'Notification settings for #alpha' });
	await bell.focus();
	await page.keyboard.press('Enter');
	const menu = page.getByRole('dialog', { name: 'Notifications for #alpha' });
	await expect(menu.getByRole('radio', { name: /^Default/ })).toBeChecked();
	await expect(menu.getByRole('radio', { name: /^Default/ })).toHaveAccessibleName(
		'Default (Mentions only)'
	);
	const saved = savedScope(page);
	await menu.getByRole('radio', { name: 'Nothing' }).check();
	await saved;
	await page.keyboard.press('Escape');
	await expect(menu).toHaveCount(0);

	// Bob reads #beta; a message in #alpha arrives (the one after it in #beta proves it).
	const channels = page.getByRole('navigation', { name: `${community.name} channels` });
	await channels.getByRole('link', { name: 'beta' }).click();
	await expect(page.getByRole('heading', { name: 'beta', level: 1 })).toBeVisible();
	await admins.post(alpha, 'Nobody needs to see this');
	await admins.post(beta, 'Sent after the quiet one');
	await expect(page.getByText('Sent after the quiet one')).toBeVisible();
	await expect(channels.getByRole('link', { name: 'alpha', exact: true })).toBeVisible();
	const rail = page.getByRole('navigation', { name: 'Spaces' });
	await expect(rail.getByRole('link', { name: /, unread messages$/ })).toHaveCount(0);

	// Back to the default from Settings › Notifications: the unread message shows.
	await page.getByRole('link', { name: 'User settings' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Notifications' })
		.click();
	const overrides = page.getByRole('region', { name: 'Communities and conversations' });
	await expect(overrides.getByText(`#alpha (${community.name})`)).toBeVisible();
	await expect(overrides.getByText('Nothing', { exact: true })).toBeVisible();
	await overrides.getByRole('button', { name: `Reset #alpha (${community.name})` }).click();
	await expect(overrides.getByText(/^None: everything follows the defaults/)).toBeVisible();
	await expect(
		rail.getByRole('link', { name: `${community.name}, unread messages` })
	).toBeVisible();

	// Muting the whole community hides its rail badge and its channels' unread.
	await openChannel(page, community.id, beta, 'beta');
	await expect(channels.getByRole('link', { name: 'alpha, unread messages' })).toBeVisible();
	await expect(
		rail.getByRole('link', { name: `${community.name}, unread messages` })
	).toBeVisible();
	await page.getByRole('button', { name: `Notification settings for ${community.name}` }).click();
	const communityMenu = page.getByRole('dialog', { name: `Notifications for ${community.name}` });
	const muted = savedScope(page);
	await communityMenu.getByRole('button', { name: 'For 1 hour' }).click();
	await muted;
	await expect(communityMenu.getByText(/^Muted until /)).toBeVisible();
	await expect(communityMenu.getByRole('button', { name: 'Unmute' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(rail.getByRole('link', { name: community.name, exact: true })).toBeVisible();
	await expect(channels.getByRole('link', { name: 'alpha, muted' })).toBeVisible();
	await expect(
		page.getByRole('button', { name: `Notification settings for ${community.name} (muted)` })
	).toBeVisible();

	// Unmuted: the unread is back.
	await page
		.getByRole('button', { name: `Notification settings for ${community.name} (muted)` })
		.click();
	const unmuted = savedScope(page);
	await communityMenu.getByRole('button', { name: 'Unmute' }).click();
	await unmuted;
	await page.keyboard.press('Escape');
	await expect(
		rail.getByRole('link', { name: `${community.name}, unread messages` })
	).toBeVisible();
	await admins.dispose();
});

async function pushEnabled(page: Page): Promise<boolean> {
	const config = await (await page.request.get('/api/auth/config')).json();
	return config.push_enabled === true;
}

async function openNotificationSettings(page: Page, account: Account) {
	await signIn(page, account.username, account.password);
	await page.getByRole('link', { name: 'User settings' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Notifications' })
		.click();
	await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
}

test('keywords and sounds are kept by the account; the page is accessible', async ({ page }) => {
	const account = await registerUser('keen');
	await openNotificationSettings(page, account);

	const keywords = page.getByRole('region', { name: 'Keywords' });
	const field = keywords.getByRole('textbox', { name: 'New keyword' });
	// Too short: said beside the field, nothing saved.
	await field.fill('x');
	await field.press('Enter');
	await expect(keywords.getByText('A keyword needs at least 2 characters.')).toBeVisible();
	await field.fill('deploy');
	await field.press('Enter');
	await expect(keywords.getByRole('listitem').filter({ hasText: 'deploy' })).toBeVisible();
	await expect(field).toHaveValue('');
	await field.fill('Release train');
	await keywords.getByRole('button', { name: 'Add' }).click();
	await expect(
		keywords.getByRole('list', { name: 'Your keywords' }).getByRole('listitem')
	).toHaveCount(2);
	await keywords.getByRole('button', { name: 'Remove keyword Release train' }).click();
	await expect(keywords.getByRole('listitem')).toHaveCount(1);

	const sound = page.getByRole('switch', { name: 'Play a sound' });
	await expect(sound).toBeChecked();
	const saved = page.waitForResponse(
		(r) => r.request().method() === 'PATCH' && r.url().endsWith('/api/account/notifications')
	);
	await sound.uncheck();
	expect((await saved).ok()).toBe(true);

	// Do not disturb for an hour, shown with its end.
	await page.getByRole('button', { name: 'For 1 hour' }).click();
	await expect(page.getByText(/^On until /)).toBeVisible();

	await page.reload();
	await expect(keywords.getByRole('listitem')).toHaveCount(1);
	await expect(keywords.getByRole('listitem')).toHaveText('deploy');
	await expect(sound).not.toBeChecked();
	await expect(page.getByText(/^On until /)).toBeVisible();
	await page.getByRole('button', { name: 'Turn off' }).click();
	await expect(page.getByText('Off.', { exact: true })).toBeVisible();

	// A change on another device arrives live (notification_settings_updated).
	const api = await apiClient();
	const token = await apiLogin(account.username, account.password);
	const changed = await api.patch('/api/account/notifications', {
		headers: { authorization: `Bearer ${token}` },
		data: { keywords: ['deploy', 'hotfix'], sounds: true }
	});
	expect(changed.status(), await changed.text()).toBe(200);
	await api.dispose();
	await expect(keywords.getByRole('listitem')).toHaveText(['deploy', 'hotfix']);
	await expect(sound).toBeChecked();

	// The test server has web push: the section shows.
	const push = page.getByRole('region', { name: 'Push notifications on this device' });
	expect(await pushEnabled(page)).toBe(true);
	await expect(push).toBeVisible();
	await expect(push.getByText('No device receives push notifications.')).toBeVisible();
	await expect(push.getByRole('button', { name: 'Send a test notification' })).toHaveCount(0);
	// Service workers are blocked here: the failure is said in plain words.
	await push.getByRole('button', { name: 'Turn on for this device' }).click();
	await expect(push.getByRole('alert')).toHaveText(
		/background worker is not running|cannot receive push notifications/
	);
	await expectAccessible(page, 'Settings › Notifications');
});

test('notification settings and menus work at phone width', async ({ newContext }) => {
	const { bob, community, alpha } = await setup();
	const page = await (await newContext({ viewport: PHONE })).newPage();
	await signIn(page, bob.username, bob.password);
	await page.goto('/settings/notifications');
	await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible();
	const overflow = () =>
		page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
	expect(await overflow()).toBeLessThanOrEqual(0);
	const field = page.getByRole('textbox', { name: 'New keyword' });
	await field.fill('standup');
	await field.press('Enter');
	await expect(page.getByRole('listitem').filter({ hasText: 'standup' })).toBeVisible();
	await expectAccessible(page, 'Settings › Notifications at 390 px');

	// The channel header's bell opens its menu, which fits the screen.
	await openChannel(page, community.id, alpha, 'alpha');
	await page.getByRole('button', { name: 'Notification settings for #alpha' }).click();
	const menu = page.getByRole('dialog', { name: 'Notifications for #alpha' });
	await expect(menu).toBeVisible();
	const box = await menu.boundingBox();
	expect(box!.x).toBeGreaterThanOrEqual(0);
	expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
	const muted = savedScope(page);
	await menu.getByRole('button', { name: 'Until I turn it back on' }).click();
	await muted;
	await expect(menu.getByText('Muted until you turn it back on.')).toBeVisible();
	await expectAccessible(page, 'channel notification menu at 390 px');
	expect(await overflow()).toBeLessThanOrEqual(0);
});
