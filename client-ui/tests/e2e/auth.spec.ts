/** Sign-in, registration with invites, recovery, and session persistence. */
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { OWNER, registerUser, signIn, uniqueName, label } from './support';

test('sign in, reload keeps the session, sign out', async ({ page }) => {
	await signIn(page, OWNER.username, OWNER.password);
	await page.reload();
	await expect(page.getByRole('heading', { name: `Welcome, ${OWNER.displayName}` })).toBeVisible();

	// Deep links survive a reload too.
	await page.goto('/settings/sessions');
	await expect(page.getByRole('heading', { name: 'Sessions', level: 1 })).toBeVisible();

	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.reload();
	await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
});

test('section roots redirect and unknown pages say so', async ({ page }) => {
	await signIn(page, OWNER.username, OWNER.password);
	await page.goto('/settings');
	await expect(page).toHaveURL(/\/settings\/profile$/);
	await page.goto('/admin');
	await expect(page).toHaveURL(/\/admin\/invites$/);
	await page.goto('/no/such/page');
	await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
	await page.getByRole('link', { name: 'Go to Chatalot' }).click();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
});

test('signed-out deep links come back after sign-in', async ({ page }) => {
	await page.goto('/settings/appearance');
	await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Fappearance$/);
	await page.getByLabel(label('Username or email')).fill(OWNER.username);
	await page.getByLabel(label('Password')).fill(OWNER.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL(/\/settings\/appearance$/);
});

test('wrong credentials show the server message inline', async ({ page, allowConsoleErrors }) => {
	allowConsoleErrors(httpStatusMessage(401));
	await page.goto('/login');
	await expectAccessible(page, 'login');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByText('Username or email is required.')).toBeVisible();
	await page.getByLabel(label('Username or email')).fill('nobody_here');
	await page.getByLabel(label('Password')).fill('not-the-password');
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText('Invalid username or password');
	await expect(page.getByLabel(label('Password'))).toHaveValue('');
});

test('a second person registers with an invite created by the owner', async ({
	page,
	context,
	newContext,
	allowConsoleErrors
}) => {
	// The owner creates an invite in the admin pages.
	await signIn(page, OWNER.username, OWNER.password);
	await page.getByRole('link', { name: 'Administration' }).click();
	await expect(page.getByRole('heading', { name: 'Registration invites' })).toBeVisible();
	await page.getByLabel(label('Max uses')).fill('1');
	await page.getByLabel(label('Expires after')).selectOption({ label: '1 day' });
	await page.getByRole('button', { name: 'Create invite' }).click();
	const code = (await page.getByTestId('new-invite-code').textContent())!.trim();
	expect(code).toMatch(/^[A-Z0-9]+$/);
	await expect(page.getByTestId('invite-row').first()).toContainText(code);
	await expect(page.getByTestId('invite-row').first()).toContainText('0 / 1');
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	await page.getByRole('button', { name: 'Copy invite link' }).click();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
		new RegExp(`/register\\?invite=${code}$`)
	);

	// Someone else, in another browser, registers with it.
	const other = await (await newContext()).newPage();
	await other.goto('/register');
	await expectAccessible(other, 'register');
	await expect(other.getByLabel(label('Invite code'))).toBeVisible();

	// Server-side validation errors land on their field.
	allowConsoleErrors(httpStatusMessage(403));
	const username = uniqueName('newbie');
	await other.getByLabel(label('Invite code')).fill('NOTACODE');
	await other.getByLabel(label('Username')).fill(username);
	await other.getByLabel(label('Password')).fill('newbie-password');
	await other.getByLabel(label('Confirm password')).fill('newbie-password');
	await other.getByRole('button', { name: 'Create account' }).click();
	await expect(other.getByText('This invite code is not valid')).toBeVisible();
	await expect(other.getByLabel(label('Invite code'))).toHaveAttribute('aria-invalid', 'true');

	await other.getByLabel(label('Invite code')).fill(code);
	await other.getByLabel(label('Display name')).fill('New Person');
	await other.getByRole('button', { name: 'Create account' }).click();
	await expect(other.getByTestId('recovery-code')).toBeVisible();
	await other
		.getByRole('checkbox', { name: 'I have saved my recovery code somewhere safe' })
		.check();
	await other.getByRole('button', { name: 'Continue to Chatalot' }).click();
	await expect(other.getByRole('heading', { name: 'Welcome, New Person' })).toBeVisible();
	// Not an admin.
	await expect(other.getByRole('link', { name: 'Administration' })).toHaveCount(0);

	// The invite is now used up.
	await page.reload();
	await expect(page.getByTestId('invite-row').first()).toContainText('1 / 1');
	await expect(page.getByTestId('invite-row').first()).toContainText('Used up');
});

test('an invite link pre-fills the code', async ({ page }) => {
	await page.goto('/register?invite=ABCD1234');
	await expect(page.getByLabel(label('Invite code'))).toHaveValue('ABCD1234');
});

test('recovery code resets a forgotten password and is replaced', async ({
	page,
	allowConsoleErrors
}) => {
	const account = await registerUser('forgetful');
	await page.goto('/login');
	await page.getByRole('link', { name: 'Forgot your password?' }).click();
	await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
	await expectAccessible(page, 'recover');

	allowConsoleErrors(httpStatusMessage(401));
	await page.getByLabel(label('Username or email')).fill(account.username);
	await page.getByLabel(label('Recovery code')).fill('AAAAA-BBBBB-CCCCC-DDDDD');
	await page.getByLabel(label('New password')).fill('a-brand-new-password');
	await page.getByLabel(label('Confirm new password')).fill('a-brand-new-password');
	await page.getByRole('button', { name: 'Reset password' }).click();
	await expect(page.getByRole('alert')).toContainText('recovery code is not correct');

	// Dashes and case do not matter.
	await page.getByLabel(label('Recovery code')).fill(account.recoveryCode.toLowerCase());
	await page.getByRole('button', { name: 'Reset password' }).click();
	await expect(page.getByRole('heading', { name: 'Save your recovery code' })).toBeVisible();
	await expect(page.getByText('Your password was reset')).toBeVisible();
	const fresh = (await page.getByTestId('recovery-code').textContent())!.trim();
	expect(fresh).not.toBe(account.recoveryCode);
	await page
		.getByRole('checkbox', { name: 'I have saved my recovery code somewhere safe' })
		.check();
	await page.getByRole('button', { name: 'Continue to Chatalot' }).click();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();

	// The new password works.
	await page.getByRole('link', { name: 'User settings' }).click();
	await page.getByRole('button', { name: 'Log out' }).click();
	await signIn(page, account.username, 'a-brand-new-password');
});
