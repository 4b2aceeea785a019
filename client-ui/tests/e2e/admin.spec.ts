/** Administration: registration invites and the audit log. */
import { expect, test } from './fixtures';
import { apiClient, apiLogin, label, OWNER, registerUser, signIn } from './support';

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
