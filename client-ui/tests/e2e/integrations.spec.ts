/**
 * Bots and incoming webhooks against the real server. An admin creates a bot in
 * Settings > Bots (its token shown once), adds it to their community in the community's
 * settings, and the test posts as the bot with that token: the message appears live in
 * the open channel with the BOT badge. A webhook made in the same settings posts under
 * its own name, also marked as a bot, with the avatar given to it in settings; once
 * deleted, its URL is refused. Bots' avatars are set and removed in Settings > Bots. The
 * dialogs are used by keyboard, and the pages fit a phone's width.
 */
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { expect, expectAccessible, httpStatusMessage, serverUrl, test } from './fixtures';
import { communityWithMember, createCommunity, message, person } from './chat-support';
import { quartersPng } from './pictures';
import { apiClient, label, tabTo, uniqueName } from './support';

/** The community and channel IDs of the channel the page shows. */
function idsOf(page: Page): { communityId: string; channelId: string } {
	const match = new URL(page.url()).pathname.match(/^\/c\/([0-9a-f-]+)\/([0-9a-f-]+)$/);
	if (!match) throw new Error(`not a channel page: ${page.url()}`);
	return { communityId: match[1]!, channelId: match[2]! };
}

async function openMyBots(page: Page) {
	await page.getByRole('link', { name: 'User settings' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Bots', exact: true })
		.click();
	await expect(page.getByRole('heading', { name: 'Bots', level: 1 })).toBeVisible();
}

async function openCommunitySettings(page: Page) {
	await page.getByRole('link', { name: 'Community settings' }).click();
	await expect(page.getByRole('heading', { name: 'Community settings', level: 1 })).toBeVisible();
}

/**
 * Sets an avatar through `button` (the file chooser, then the cropper's Save) and waits
 * for the server's 204.
 */
async function setAvatar(page: Page, button: Locator, path: RegExp) {
	const chooser = page.waitForEvent('filechooser');
	await button.click();
	const picker = await chooser;
	await picker.setFiles({
		name: 'avatar.png',
		mimeType: 'image/png',
		buffer: quartersPng(120, 80)
	});
	const dialog = page.getByRole('dialog', { name: 'Crop the avatar' });
	await expect(dialog.getByRole('application', { name: 'Avatar crop' })).toBeFocused();
	const saved = page.waitForResponse(
		(response) =>
			response.request().method() === 'PUT' && path.test(new URL(response.url()).pathname)
	);
	await dialog.getByRole('button', { name: 'Save' }).click();
	expect((await saved).status()).toBe(204);
	await expect(dialog).toHaveCount(0);
}

/** Posts `content` with a bot token, waiting out the per-user message rate. */
async function postAsBot(
	api: APIRequestContext,
	token: string,
	channelId: string,
	content: string
) {
	await expect
		.poll(
			async () =>
				(
					await api.post(`/api/channels/${channelId}/messages`, {
						headers: { authorization: `Bearer ${token}` },
						data: { content }
					})
				).status(),
			{ intervals: [500, 1000, 2000] }
		)
		.toBe(201);
}

test('bots and webhooks: made in settings, their messages shown live as bots', async ({
	context,
	allowConsoleErrors
}) => {
	test.setTimeout(150_000);
	// A username already taken, refused by the server beside the field.
	allowConsoleErrors(httpStatusMessage(409));
	const admin = await person(context, 'admin');
	const page = admin.page;
	await createCommunity(page);
	const { communityId, channelId } = idsOf(page);
	const channelPath = `/c/${communityId}/${channelId}`;
	const api = await apiClient();

	// Settings > Bots: the server's refusal lands on its field, then the bot is made.
	await openMyBots(page);
	await expect(page.getByText('No bots yet')).toBeVisible();
	const botName = uniqueName('deploybot');
	const username = page.getByLabel(label('Username'));
	const displayName = page.getByLabel(label('Display name'));
	await username.fill(admin.account.username);
	await displayName.fill('Deploy Bot');
	await page.getByRole('button', { name: 'Create bot' }).click();
	await expect(page.getByText('This username is taken', { exact: false })).toBeVisible();
	await expect(username).toHaveAttribute('aria-invalid', 'true');
	await expect(username).toBeFocused();
	await username.fill(botName);
	await page.getByRole('button', { name: 'Create bot' }).click();

	const tokenBox = page.getByTestId('bot-token');
	await expect(tokenBox).toBeFocused();
	await expect(page.getByText('Copy it now: it will not be shown again.')).toBeVisible();
	await expect(page.getByRole('button', { name: 'Copy token' })).toBeVisible();
	const firstToken = await tokenBox.inputValue();
	expect(firstToken.length).toBeGreaterThan(20);
	const row = page.getByTestId('bot-row').filter({ hasText: `@${botName}` });
	await expect(row.getByTestId('bot-badge')).toBeVisible();

	// A new token by keyboard: the dialog starts on Cancel; Tab, Enter confirms.
	await tabTo(page, page.getByRole('button', { name: 'New token for Deploy Bot' }));
	await page.keyboard.press('Enter');
	const rotate = page.getByRole('dialog', { name: 'Make a new token?' });
	await expect(rotate.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await page.keyboard.press('Tab');
	await expect(rotate.getByRole('button', { name: 'Make new token' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(rotate).toHaveCount(0);
	await expect(tokenBox).not.toHaveValue(firstToken);
	const token = await tokenBox.inputValue();
	const asBot = (bearer: string) => ({ headers: { authorization: `Bearer ${bearer}` } });
	expect((await api.get('/api/communities', asBot(firstToken))).status()).toBe(401);
	expect((await api.get('/api/communities', asBot(token))).status()).toBe(200);
	await page.getByRole('button', { name: 'Done' }).click();
	await expect(tokenBox).toHaveCount(0);

	// Renamed by keyboard: Enter in the field saves.
	await row.getByRole('button', { name: 'Rename Deploy Bot' }).focus();
	await page.keyboard.press('Enter');
	const rename = page.getByRole('dialog', { name: 'Rename bot' });
	await expect(rename.getByLabel(label('Display name'))).toBeFocused();
	await page.keyboard.press('ControlOrMeta+a');
	await page.keyboard.type('Build Bot');
	await page.keyboard.press('Enter');
	await expect(rename).toHaveCount(0);
	await expect(row).toContainText('Build Bot');

	// Its avatar: initials, then the picture set through the cropper, then initials again.
	await expect(row.getByTestId('avatar-image')).toHaveCount(0);
	await expect(row.getByRole('button', { name: 'Remove avatar of Build Bot' })).toHaveCount(0);
	await setAvatar(
		page,
		row.getByRole('button', { name: 'Change avatar of Build Bot' }),
		/^\/api\/bots\/[0-9a-f-]+\/avatar$/
	);
	await expect(row.getByRole('status')).toHaveText('Avatar updated.');
	await expect(row.getByTestId('avatar-image')).toHaveAttribute('src', /\/api\/files\/.+/);
	await row.getByRole('button', { name: 'Remove avatar of Build Bot' }).click();
	await expect(row.getByRole('status')).toHaveText('Avatar removed.');
	await expect(row.getByTestId('avatar-image')).toHaveCount(0);
	await expect(row.getByRole('button', { name: 'Change avatar of Build Bot' })).toBeFocused();

	// Community settings > Bots: the admin adds their bot.
	await page.goto(channelPath);
	await openCommunitySettings(page);
	const bots = page.getByRole('region', { name: 'Bots', exact: true });
	await expect(bots.getByText('No bots here')).toBeVisible();
	await expect(bots.getByLabel('Add one of your bots')).toHaveValue(/.+/);
	await bots.getByRole('button', { name: 'Add bot' }).click();
	await expect(
		bots.getByTestId('community-bot-row').filter({ hasText: 'Build Bot' })
	).toBeVisible();
	await expect(bots.getByText('All your bots are here.')).toBeVisible();

	// Posting as the bot: the open channel shows it live, marked as a bot, and so does the
	// member list.
	await page.getByRole('link', { name: 'general' }).click();
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	const members = page.getByRole('complementary', { name: 'Members' });
	await expect(members.locator(`[data-user="${botName}"]`).getByTestId('bot-badge')).toBeVisible();
	await postAsBot(api, token, channelId, 'Build 42 passed');
	const botMessage = message(page, 'Build 42 passed');
	await expect(botMessage).toBeVisible();
	await expect(botMessage).toContainText('Build Bot');
	await expect(botMessage.getByTestId('bot-badge')).toBeVisible();
	await expect(botMessage).toHaveAttribute('aria-label', /^Build Bot \(bot\), /);

	// Community settings > Webhooks: one for #general, its URL shown once.
	await openCommunitySettings(page);
	const webhooks = page.getByRole('region', { name: 'Webhooks' });
	await expect(webhooks.getByLabel('Channel')).toHaveValue(channelId);
	await expect(webhooks.getByText(/curl -X POST .*<url>/)).toBeVisible();
	await expect(webhooks.getByText('No webhooks in #general')).toBeVisible();
	await webhooks.getByLabel(label('Webhook name')).fill('Release notes');
	await webhooks.getByRole('button', { name: 'Create webhook' }).click();
	const urlBox = webhooks.getByTestId('webhook-url');
	await expect(urlBox).toBeFocused();
	const url = await urlBox.inputValue();
	// A full address (the test server has no PUBLIC_URL: the page's own origin is used).
	expect(url.startsWith(`${serverUrl()}/api/hooks/`), url).toBe(true);
	await expect(webhooks.getByRole('button', { name: 'Copy URL' })).toBeVisible();
	await expect(webhooks.getByText('it will not be shown again')).toBeVisible();
	const hookRow = webhooks.getByTestId('webhook-row').filter({ hasText: 'Release notes' });
	await expect(hookRow).toContainText('Never used');

	// Its avatar, shown on what it posts. The list does not say what it is: the row shows
	// the picture just uploaded.
	const webhookId = new URL(url).pathname.split('/')[3]!;
	await expect(hookRow.getByTestId('avatar-image')).toHaveCount(0);
	await setAvatar(
		page,
		hookRow.getByRole('button', { name: 'Change avatar of Release notes' }),
		new RegExp(`^/api/webhooks/${webhookId}/avatar$`)
	);
	await expect(hookRow.getByRole('status')).toHaveText('Avatar updated.');
	await expect(hookRow.getByTestId('avatar-image')).toHaveAttribute('src', /^blob:/);

	// Posting to it: the message appears live under the webhook's name, marked as a bot.
	await page.getByRole('link', { name: 'general' }).click();
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	const posted = await api.post(url, { data: { content: 'Version 1.2 is out' } });
	expect(posted.status(), await posted.text()).toBe(201);
	const hookMessage = message(page, 'Version 1.2 is out');
	await expect(hookMessage).toBeVisible();
	await expect(hookMessage).toContainText('Release notes');
	await expect(hookMessage.getByTestId('bot-badge')).toBeVisible();
	await expect(hookMessage.getByTestId('avatar-image')).toHaveAttribute('src', /\/api\/files\/.+/);

	// Deleted by keyboard; its URL is then refused, its message stays.
	await openCommunitySettings(page);
	await expect(hookRow).toContainText('Last used');
	await hookRow.getByRole('button', { name: 'Delete Release notes' }).focus();
	await page.keyboard.press('Enter');
	const confirmDelete = page.getByRole('dialog', { name: 'Delete webhook?' });
	await expect(confirmDelete.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await expect(confirmDelete).toHaveCount(0);
	await expect(webhooks.getByText('No webhooks in #general')).toBeVisible();
	const refused = await api.post(url, { data: { content: 'Too late' } });
	expect(refused.status()).toBe(401);
	await page.getByRole('link', { name: 'general' }).click();
	await expect(hookMessage).toBeVisible();

	// Administration > All bots: the bot with its owner; deleting it ends its token.
	await page.getByRole('link', { name: 'User settings' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'All bots' })
		.click();
	const adminRow = page.getByTestId('admin-bot-row').filter({ hasText: `@${botName}` });
	await expect(adminRow).toContainText(`@${admin.account.username}`);
	await adminRow.getByRole('button', { name: 'Delete Build Bot' }).click();
	const confirmBot = page.getByRole('dialog', { name: 'Delete bot?' });
	await confirmBot.getByRole('button', { name: 'Delete bot' }).click();
	await expect(confirmBot).toHaveCount(0);
	await expect(adminRow).toHaveCount(0);
	expect((await api.get('/api/communities', asBot(token))).status()).toBe(401);
	await api.dispose();
});

test('phone width: bot and integration settings fit and pass axe', async ({ newContext }) => {
	test.setTimeout(120_000);
	const admin = await person(await newContext({ viewport: { width: 390, height: 844 } }), 'admin');
	const page = admin.page;
	await page.getByRole('button', { name: 'Open navigation' }).click();
	await createCommunity(page);
	const { communityId, channelId } = idsOf(page);

	await page.goto('/settings/bots');
	await expect(page.getByRole('heading', { name: 'Bots', level: 1 })).toBeVisible();
	await page.getByLabel(label('Username')).fill(uniqueName('phonebot'));
	await page.getByLabel(label('Display name')).fill('A bot with a rather long display name');
	await page.getByRole('button', { name: 'Create bot' }).click();
	await expect(page.getByTestId('bot-token')).toBeVisible();
	await expect(page.getByTestId('bot-row')).toHaveCount(1);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await expectAccessible(page, 'bot settings on a phone');

	await page.goto(`/c/${communityId}/settings`);
	await expect(page.getByRole('heading', { name: 'Community settings', level: 1 })).toBeVisible();
	const webhooks = page.getByRole('region', { name: 'Webhooks' });
	await webhooks.getByLabel(label('Webhook name')).fill('Status page');
	await webhooks.getByRole('button', { name: 'Create webhook' }).click();
	await expect(webhooks.getByTestId('webhook-url')).toBeVisible();
	const bots = page.getByRole('region', { name: 'Bots', exact: true });
	await bots.getByRole('button', { name: 'Add bot' }).click();
	await expect(bots.getByTestId('community-bot-row')).toHaveCount(1);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	await expectAccessible(page, 'community integrations on a phone');
	expect(channelId).toBeTruthy();
});

test('a moderator adds their bot under Integrations, without webhooks; members see no link', async ({
	context,
	newContext
}) => {
	test.setTimeout(120_000);
	const { admin, bob } = await communityWithMember(context, newContext);
	const { communityId, channelId } = idsOf(admin.page);
	const api = await apiClient();
	const login = async ({ username, password }: { username: string; password: string }) =>
		(await (await api.post('/api/auth/login', { data: { username, password } })).json()) as {
			access_token: string;
			user: { id: string };
		};
	const adminAuth = { authorization: `Bearer ${(await login(admin.account)).access_token}` };
	const bobLogin = await login(bob.account);
	const bobAuth = { authorization: `Bearer ${bobLogin.access_token}` };

	// A plain member has no settings to open.
	await expect(bob.page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	await expect(bob.page.getByRole('link', { name: 'Integrations' })).toHaveCount(0);
	await expect(bob.page.getByRole('link', { name: 'Community settings' })).toHaveCount(0);

	const made = await api.post('/api/bots', {
		headers: bobAuth,
		data: { username: uniqueName('modbot'), display_name: 'Mod Helper' }
	});
	expect(made.status(), await made.text()).toBe(201);
	const promoted = await api.patch(`/api/communities/${communityId}/members/${bobLogin.user.id}`, {
		headers: adminAuth,
		data: { role: 'moderator' }
	});
	expect(promoted.status(), await promoted.text()).toBe(200);

	await bob.page.goto(`/c/${communityId}/${channelId}`);
	await bob.page.getByRole('link', { name: 'Integrations' }).click();
	await expect(bob.page.getByRole('heading', { name: 'Integrations', level: 1 })).toBeVisible();
	// Webhooks belong to those who may edit the channel; moderators only add bots.
	await expect(bob.page.getByRole('region', { name: 'Webhooks' })).toHaveCount(0);
	const bots = bob.page.getByRole('region', { name: 'Bots', exact: true });
	await bots.getByRole('button', { name: 'Add bot' }).click();
	await expect(
		bots.getByTestId('community-bot-row').filter({ hasText: 'Mod Helper' })
	).toBeVisible();
	await expectAccessible(bob.page, 'integrations for a moderator');

	// The admin sees it in the member list, marked as a bot.
	await admin.page.reload();
	const members = admin.page.getByRole('complementary', { name: 'Members' });
	await expect(
		members.getByRole('listitem').filter({ hasText: 'Mod Helper' }).getByTestId('bot-badge')
	).toBeVisible();
	await api.dispose();
});
