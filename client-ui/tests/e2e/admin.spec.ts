/** Administration: registration invites, the audit log and the email outbox. */
import { expect, test } from './fixtures';
import {
	apiClient,
	apiLogin,
	createInvite,
	label,
	OWNER,
	registerUser,
	signIn,
	uniqueName
} from './support';

test('the owner creates and revokes an invite; a revoked code no longer registers', async ({
	page
}) => {
	await signIn(page, OWNER.username, OWNER.password);
	await page.getByRole('link', { name: 'Administration' }).click();
	await page.getByLabel(label('Expires after')).selectOption({ label: 'Never' });
	await page.getByRole('button', { name: 'Create invite' }).click();
	const code = (await page.getByTestId('new-invite-code').textContent())!.trim();

	const row = page.getByTestId('invite-row').filter({ hasText: code });
	await expect(row).toContainText('Never');
	await expect(row).toContainText('Active');
	await expect(row).toContainText(`by ${OWNER.username}`);
	await row.getByRole('button', { name: `Revoke invite ${code}` }).click();
	const dialog = page.getByRole('dialog', { name: 'Revoke invite?' });
	await expect(dialog).toContainText(code);
	await dialog.getByRole('button', { name: 'Revoke invite' }).click();
	await expect(dialog).toBeHidden();
	await expect(row).toContainText('Revoked');

	// Client-side validation of the limits.
	await page.getByLabel(label('Max uses')).fill('0');
	await page.getByRole('button', { name: 'Create invite' }).click();
	await expect(page.getByText('Max uses must be between 1 and 10000.')).toBeVisible();
	await expect(page.getByLabel(label('Max uses'))).toBeFocused();

	const api = await apiClient();
	const answer = await api.post('/api/auth/register', {
		data: { username: 'too_late', password: 'too-late-password', invite_code: code }
	});
	expect(answer.status()).toBe(403);
	await api.dispose();
});

test('people who are not administrators see no admin pages', async ({ page }) => {
	const account = await registerUser('plain');
	await signIn(page, account.username, account.password);
	await expect(page.getByRole('link', { name: 'Administration' })).toHaveCount(0);
	await page.goto('/admin/audit-log');
	await expect(page.getByRole('heading', { name: 'Administrators only' })).toBeVisible();
});

test('the audit log filters by user and action and pages with the cursor', async ({ page }) => {
	const account = await registerUser('audited');
	// 55 sign-ins, each from its own address: more than one page of 50 for this user.
	for (let i = 0; i < 55; i += 1) await apiLogin(account.username, account.password);
	const api = await apiClient();
	const me = await (
		await api.get('/api/account/me', {
			headers: { authorization: `Bearer ${await apiLogin(account.username, account.password)}` }
		})
	).json();
	await api.dispose();

	await signIn(page, OWNER.username, OWNER.password);
	await page.getByRole('link', { name: 'Administration' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Audit log' })
		.click();
	const entries = page.getByTestId('audit-entry');
	await expect(entries).toHaveCount(50);

	// Filter by the user's name: 1 registration + 56 sign-ins, newest first, in two pages.
	await page.getByLabel(label('User')).fill(account.username);
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(entries).toHaveCount(50);
	await expect(entries.first()).toContainText('Signed in');
	await expect(entries.first()).toContainText(`(@${account.username})`);
	await page.getByRole('button', { name: 'Load older events' }).click();
	await expect(entries).toHaveCount(57);
	await expect(entries.last()).toContainText('Account registered');
	await expect(page.getByRole('button', { name: 'Load older events' })).toHaveCount(0);

	// And by action.
	await page.getByLabel(label('Action')).fill('user.registered');
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(entries).toHaveCount(1);
	await expect(entries.first()).toContainText(account.username);

	// The user's ID works as well; an unknown name is reported at the field.
	await page.getByLabel(label('User')).fill(me.id);
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(entries).toHaveCount(1);
	await page.getByLabel(label('User')).fill('nobody_by_that_name');
	await page.getByRole('button', { name: 'Apply filters' }).click();
	await expect(page.getByText('No account is called “nobody_by_that_name”.')).toBeVisible();
	await expect(page.getByLabel(label('User'))).toBeFocused();

	// Clicking a name in the log filters by that account.
	await page.getByRole('button', { name: 'Clear' }).click();
	await expect(page.getByLabel(label('User'))).toHaveValue('');
	await expect(entries).toHaveCount(50);
	await entries
		.filter({ hasText: `(@${account.username})` })
		.first()
		.getByRole('button', { name: new RegExp(`@${account.username}`) })
		.first()
		.click();
	await expect(page.getByLabel(label('User'))).toHaveValue(account.username);
	await expect(entries).toHaveCount(50);
	await expect(page.getByRole('button', { name: 'Load older events' })).toBeVisible();
});

test('undelivered meeting invites show their reason in the outbox and can be sent again', async ({
	page
}) => {
	// A member with an email address in a channel where the owner schedules a meeting;
	// the e2e server's mail relay never answers (global-setup.ts).
	const api = await apiClient();
	const username = uniqueName('mailed');
	const address = `${username}@example.test`;
	const registered = await api.post('/api/auth/register', {
		data: {
			username,
			password: `${username}-password`,
			email: address,
			invite_code: await createInvite()
		}
	});
	expect(registered.status(), await registered.text()).toBe(201);
	const member = { authorization: `Bearer ${(await registered.json()).access_token}` };
	const owner = { authorization: `Bearer ${await apiLogin(OWNER.username, OWNER.password)}` };
	const post = async (path: string, data: object, headers = owner) => {
		const response = await api.post(path, { data, headers });
		expect(response.status(), await response.text()).toBeLessThan(300);
		return response.json();
	};
	const community = await post('/api/communities', { name: uniqueName('Mailers') });
	const group = await post(`/api/communities/${community.id}/groups`, { name: 'Team' });
	const channel = await post(`/api/groups/${group.id}/channels`, { name: 'reviews' });
	const invite = await post(`/api/communities/${community.id}/invites`, {});
	await post(`/api/invites/${invite.code}/accept`, {}, member);
	const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
	await post(`/api/channels/${channel.id}/meetings`, {
		title: 'Quarterly review',
		start: `${tomorrow}T09:00:00`,
		timezone: 'UTC',
		duration_minutes: 30
	});
	await api.dispose();

	await signIn(page, OWNER.username, OWNER.password);
	await page.getByRole('link', { name: 'Administration' }).click();
	await page.getByRole('link', { name: 'Email' }).click();
	await expect(page.getByRole('heading', { name: 'Outgoing email' })).toBeVisible();
	const entry = page.getByTestId('outbox-entry').filter({ hasText: address });
	// The worker's first attempt fails at once; refresh until the page shows it.
	await expect(async () => {
		await page.getByRole('button', { name: 'Refresh' }).click();
		await expect(entry.getByTestId('outbox-error')).toBeVisible({ timeout: 1_000 });
	}).toPass();
	await expect(entry).toContainText('Invitation: Quarterly review');
	await expect(entry).toContainText('Calendar invite');
	await expect(entry).toContainText('Retrying');
	await page.getByRole('button', { name: 'Given up' }).click();
	await expect(entry).toHaveCount(0);
	await page.getByRole('button', { name: 'Waiting' }).click();
	await entry
		.getByRole('button', { name: `Send again to ${address}: Invitation: Quarterly review` })
		.click();
	await expect(entry).toContainText('Retrying');
	await expect(page.getByRole('alert')).toHaveCount(0);
});
