/**
 * Administration › Content (ADM-8) on the real server: storage statistics, the files
 * table (search, quarantine, delete with the hash blocked, unblock), and purges started
 * from the page whose progress arrives live by `purge_updated` events.
 */
import type { Page } from '@playwright/test';
import { createCommunity, message, registerAdmin } from './chat-support';
import { expect, expectAccessible, test } from './fixtures';
import {
	apiClient,
	apiLogin,
	label,
	OWNER,
	registerUser,
	signIn,
	uniqueName,
	type Account
} from './support';

type Auth = Record<string, string>;

async function bearer(account: { username: string; password: string }): Promise<Auth> {
	return { authorization: `Bearer ${await apiLogin(account.username, account.password)}` };
}

/** Posts a message through the API, waiting out the per-user message rate. */
async function post(auth: Auth, channelId: string, content: string, extra: object = {}) {
	const api = await apiClient();
	try {
		for (;;) {
			const sent = await api.post(`/api/channels/${channelId}/messages`, {
				headers: auth,
				data: { content, ...extra }
			});
			if (sent.status() === 429) {
				const wait = Number(sent.headers()['retry-after'] ?? '1');
				await new Promise((done) => setTimeout(done, Math.max(wait, 0.2) * 1000));
				continue;
			}
			expect(sent.status(), await sent.text()).toBeLessThan(300);
			return (await sent.json()).id as string;
		}
	} finally {
		await api.dispose();
	}
}

/** A new person who joined the community with an invite made by its owner. */
async function member(communityId: string, ownerAuth: Auth, prefix: string) {
	const account: Account = await registerUser(prefix);
	const api = await apiClient();
	const invite = await api.post(`/api/communities/${communityId}/invites`, {
		headers: ownerAuth,
		data: { max_uses: 1, expires_in_hours: 1 }
	});
	expect(invite.status(), await invite.text()).toBe(201);
	const auth = await bearer(account);
	const joined = await api.post(`/api/invites/${(await invite.json()).code}/accept`, {
		headers: auth
	});
	expect(joined.status(), await joined.text()).toBe(200);
	await api.dispose();
	return { account, auth };
}

/** Uploads a text file through the API; returns the stored file. */
async function upload(auth: Auth, name: string, body: string) {
	const api = await apiClient();
	const uploaded = await api.post('/api/files', {
		headers: auth,
		multipart: { file: { name, mimeType: 'text/plain', buffer: Buffer.from(body) } }
	});
	const status = uploaded.status();
	const file = status === 201 ? ((await uploaded.json()) as { id: string; sha256: string }) : null;
	await api.dispose();
	return { status, file };
}

/** A community of a new administrator, open in `page` at its #general channel. */
async function adminWithCommunity(page: Page) {
	const admin = await registerAdmin();
	await signIn(page, admin.username, admin.password);
	const community = await createCommunity(page);
	const [, communityId = '', channelId = ''] =
		page.url().match(/\/c\/([0-9a-f-]+)\/([0-9a-f-]+)$/) ?? [];
	return { admin, auth: await bearer(admin), community, communityId, channelId };
}

async function openContent(page: Page) {
	await page.getByRole('link', { name: 'Administration' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Content' })
		.click();
	await expect(page.getByRole('heading', { name: 'Content', level: 1 })).toBeVisible();
	await expect(page).toHaveURL(/\/admin\/content$/);
}

test('a person’s messages purged from the page, with live progress to done', async ({ page }) => {
	const { auth, community, communityId, channelId } = await adminWithCommunity(page);
	const channelUrl = page.url();
	const spammer = await member(communityId, auth, 'spammer');
	const spam = [uniqueName('Cheap watches '), uniqueName('Click this link '), uniqueName('Win ')];
	for (const text of spam) await post(spammer.auth, channelId, text);
	const kept = uniqueName('Welcome, everyone ');
	await post(auth, channelId, kept);
	for (const text of [...spam, kept]) await expect(message(page, text)).toBeVisible();

	await openContent(page);
	await expect(page.getByTestId('storage-totals')).toBeVisible();

	// The person must be chosen first.
	const purge = page.getByRole('button', { name: 'Purge…' });
	await purge.click();
	await expect(page.getByText('Choose whose messages to remove.')).toBeVisible();
	const person = page.getByLabel(label('Person'));
	await expect(person).toBeFocused();
	await person.fill(spammer.account.username);
	await person.press('Enter');
	const choice = page.getByRole('radio', { name: new RegExp(`^@${spammer.account.username}`) });
	await expect(choice).toBeChecked();
	await page.getByLabel('Where', { exact: true }).selectOption({ label: `In ${community} only` });
	await purge.click();

	const dialog = page.getByRole('dialog', { name: 'Purge messages for good?' });
	const target = `every message of @${spammer.account.username} in ${community}`;
	await expect(dialog).toContainText(target);
	await expect(dialog).toContainText('It is permanent');
	await dialog.getByRole('button', { name: 'Purge', exact: true }).click();
	await expect(dialog).toBeHidden();
	await expect(page.getByRole('status').filter({ hasText: `Started: ${target}.` })).toBeVisible();

	// The job moves on by events alone (no reload): done, all of them removed.
	const job = page.getByTestId('purge-job').filter({ hasText: target });
	await expect(job).toHaveCount(1);
	await expect(job.getByTestId('purge-status')).toHaveText('Done');
	await expect(job.getByTestId('purge-progress')).toContainText('3 of 3 messages removed');
	const bar = job.getByRole('progressbar');
	await expect(bar).toHaveAttribute('aria-valuenow', '100');
	await expect(bar).toHaveAttribute('aria-valuemin', '0');
	await expect(bar).toHaveAttribute('aria-valuemax', '100');

	// The server agrees: removed == total.
	const api = await apiClient();
	const jobs = (await (await api.get('/api/admin/purges', { headers: auth })).json()) as {
		user_id: string | null;
		community_id: string | null;
		status: string;
		total: number;
		removed: number;
	}[];
	await api.dispose();
	const mine = jobs.filter((j) => j.community_id === communityId);
	expect(mine).toHaveLength(1);
	expect(mine[0]).toMatchObject({ status: 'done', total: 3, removed: 3 });

	// The channel: their messages are gone, the others stay.
	await page.goto(channelUrl);
	await expect(message(page, kept)).toBeVisible();
	for (const text of spam) await expect(message(page, text)).toHaveCount(0);

	// After a reload the list still says so (fetched, not only evented).
	await openContent(page);
	await expect(job.getByTestId('purge-status')).toHaveText('Done');
});

test('storage statistics and files: search, quarantine, delete with the hash blocked, unblock', async ({
	page
}) => {
	const { auth, community, communityId, channelId } = await adminWithCommunity(page);
	const uploader = await member(communityId, auth, 'uploader');
	const attached = await upload(uploader.auth, uniqueName('minutes-') + '.txt', 'Minutes.\n');
	expect(attached.status).toBe(201);
	await post(uploader.auth, channelId, 'The minutes', { attachment_ids: [attached.file!.id] });
	const name = uniqueName('leaked-') + '.txt';
	const body = `Not for sharing ${name}\n`;
	const loose = await upload(uploader.auth, name, body);
	expect(loose.status).toBe(201);
	const sha256 = loose.file!.sha256;

	await openContent(page);
	// Storage: totals in human units, and this uploader and community among the top.
	await expect(page.getByTestId('storage-bytes')).toHaveText(/^\d+(\.\d)? (bytes|KB|MB|GB)$/);
	await expect(page.getByTestId('storage-files')).toHaveText(/^[\d,]+ files?$/);
	const uploaders = page.getByRole('table', { name: 'Top uploaders' });
	await expect(
		uploaders.getByRole('row', { name: new RegExp(uploader.account.username) })
	).toBeVisible();
	const communities = page.getByRole('table', { name: 'Top communities' });
	await expect(communities.getByRole('row', { name: new RegExp(community) })).toBeVisible();

	// Search by name.
	const files = page.getByTestId('admin-file');
	await page.getByLabel('Name or SHA-256', { exact: true }).fill(name);
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(files).toHaveCount(1);
	const row = files.filter({ hasText: name });
	await expect(row).toContainText(`by @${uploader.account.username}`);
	await expect(row).toContainText('Not attached');

	// Quarantine and release.
	await row.getByRole('button', { name: `Quarantine ${name}` }).click();
	await expect(row).toContainText('Quarantined');
	await row.getByRole('button', { name: `Release ${name}` }).click();
	await expect(row).not.toContainText('Quarantined');

	// Search by SHA-256 (as typed, in capitals) and by uploader.
	await page.getByLabel('Name or SHA-256', { exact: true }).fill(sha256.toUpperCase());
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(files).toHaveCount(1);
	await expect(row).toBeVisible();
	await page.getByLabel('Name or SHA-256', { exact: true }).fill('');
	await page.getByLabel('Uploader', { exact: true }).fill(uploader.account.username);
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(files).toHaveCount(2);

	// Delete, blocking its hash: the same bytes are refused afterwards.
	await row.getByRole('button', { name: `Delete ${name}` }).click();
	const dialog = page.getByRole('dialog', { name: 'Delete file?' });
	await expect(dialog).toContainText(name);
	await dialog.getByLabel(/Also block this file’s hash/).check();
	await dialog.getByRole('button', { name: 'Delete file' }).click();
	await expect(dialog).toBeHidden();
	await expect(files).toHaveCount(1);
	const blocked = page.getByTestId('blocked-hash').filter({ hasText: sha256 });
	await expect(blocked).toBeVisible();
	expect((await upload(uploader.auth, 'again.txt', body)).status).not.toBe(201);

	// Unblocked: accepted again.
	await blocked.getByRole('button', { name: /^Unblock / }).click();
	await expect(blocked).toHaveCount(0);
	expect((await upload(uploader.auth, 'again.txt', body)).status).toBe(201);
});

test('the Content page at phone width passes axe, and is closed to others', async ({
	page,
	newContext
}) => {
	// Something in each list: a file, and a purge (of someone who never wrote).
	const owner = await bearer(OWNER);
	expect((await upload(owner, uniqueName('phone-') + '.txt', `${uniqueName('x')}\n`)).status).toBe(
		201
	);
	const quiet = await registerUser('quiet');
	const api = await apiClient();
	const login = await api.post('/api/auth/login', {
		data: { username: quiet.username, password: quiet.password }
	});
	const started = await api.post('/api/admin/purges', {
		headers: owner,
		data: { kind: 'user', user_id: (await login.json()).user.id }
	});
	expect(started.status(), await started.text()).toBe(202);

	await page.setViewportSize({ width: 390, height: 844 });
	await signIn(page, OWNER.username, OWNER.password);
	const menu = page.getByRole('button', { name: 'Open navigation' });
	await menu.click();
	await page.getByRole('link', { name: 'Administration' }).click();
	await menu.click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Content' })
		.click();
	await expect(page.getByRole('heading', { name: 'Content', level: 1 })).toBeVisible();
	await expect(page.getByTestId('storage-totals')).toBeVisible();
	await expect(page.getByTestId('purge-job').first()).toBeVisible();
	await expect(page.getByTestId('admin-file').first()).toBeVisible();
	// Each kind of purge form fits too.
	for (const kind of ['channel', 'message', 'user']) {
		await page.getByLabel('What to remove', { exact: true }).selectOption(kind);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			390
		);
	}
	for (const theme of ['dark', 'light'] as const) {
		await page.emulateMedia({ colorScheme: theme });
		await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
		await expectAccessible(page, `/admin/content at 390 px (${theme})`);
	}

	const other = await (await newContext()).newPage();
	const account = await registerUser('not_admin');
	await signIn(other, account.username, account.password);
	await other.goto('/admin/content');
	await expect(other.getByRole('heading', { name: 'Administrators only' })).toBeVisible();
	const refused = await api.post('/api/admin/purges', {
		headers: await bearer(account),
		data: { kind: 'user', user_id: '00000000-0000-0000-0000-000000000000' }
	});
	expect(refused.status()).toBe(403);
	await api.dispose();
});
