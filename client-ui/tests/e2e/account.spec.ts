/** Account settings against the real server: sessions, password, profile, email, deletion. */
import { addressOf, expect, httpStatusMessage, test } from './fixtures';
import { apiClient, label, openSettings, OWNER, registerUser, signIn } from './support';

test('sessions: the current one is marked, revoking one signs that browser out', async ({
	page,
	newContext,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401));
	const account = await registerUser('devices');
	const laptop = await newContext();
	const phone = await laptop.newPage();
	await signIn(phone, account.username, account.password);
	await signIn(page, account.username, account.password);

	await openSettings(page, 'Sessions');
	// Registration (through the API), the other browser, and this one.
	const rows = page.getByTestId('session-row');
	await expect(rows).toHaveCount(3);
	await expect(rows.filter({ hasText: 'This device' })).toHaveCount(1);
	await expect(rows.first()).toContainText('This device');

	const otherRow = rows.filter({ hasText: addressOf(laptop) });
	await expect(otherRow).toContainText('Chrome on Linux');
	await otherRow.getByRole('button', { name: /^Sign out/ }).click();
	await expect(page.getByText('Signed out Chrome on Linux.')).toBeVisible();
	await expect(rows).toHaveCount(2);

	// The revoked browser is signed out at its next request.
	await openSettings(phone, 'Sessions');
	await expect(phone).toHaveURL(/\/login\?next=%2Fsettings%2Fsessions$/);
	await expect(phone.getByText('Your session has ended. Please sign in again.')).toBeVisible();

	// Sign out everything else.
	await page.getByRole('button', { name: 'Sign out all other sessions' }).click();
	const dialog = page.getByRole('dialog', { name: 'Sign out other sessions?' });
	await dialog.getByRole('button', { name: 'Sign out others' }).click();
	await expect(page.getByText('Signed out 1 other session.')).toBeVisible();
	await expect(rows).toHaveCount(1);
	await expect(page.getByText('You’re not signed in anywhere else.')).toBeVisible();
});

test('password change ends other sessions and the new password works', async ({
	page,
	newContext,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401));
	const account = await registerUser('rotate');
	const other = await (await newContext()).newPage();
	await signIn(other, account.username, account.password);
	await signIn(page, account.username, account.password);

	await openSettings(page, 'Account & security');
	const form = page.getByRole('region', { name: 'Password' });
	await form.getByLabel(label('Current password')).fill('not-my-password');
	await form.getByLabel(label('New password')).fill('much-better-password');
	await form.getByLabel(label('Confirm new password')).fill('much-better-password');
	await form.getByRole('button', { name: 'Change password' }).click();
	await expect(form.getByText('The password is not correct')).toBeVisible();
	await expect(form.getByLabel(label('Current password'))).toBeFocused();

	await form.getByLabel(label('Current password')).fill(account.password);
	await form.getByLabel(label('New password')).fill('much-better-password');
	await form.getByLabel(label('Confirm new password')).fill('much-better-password');
	await form.getByRole('button', { name: 'Change password' }).click();
	await expect(form.getByText('Password changed. 2 other sessions were signed out.')).toBeVisible();

	// The other browser finds its session ended after a reload.
	await other.reload();
	await expect(other.getByText('Your session has ended. Please sign in again.')).toBeVisible();
	await other.getByLabel(label('Username or email')).fill(account.username);
	await other.getByLabel(label('Password')).fill(account.password);
	await other.getByRole('button', { name: 'Sign in' }).click();
	await expect(other.getByRole('alert')).toHaveText('Invalid username or password');
	await signIn(other, account.username, 'much-better-password');
});

test('profile and email changes show up and email works for sign-in', async ({ page }) => {
	const account = await registerUser('profiled');
	await signIn(page, account.username, account.password);
	await openSettings(page, 'My profile');

	const profile = page.getByRole('region', { name: 'Profile' });
	await profile.getByLabel(label('Display name')).fill('Ada Lovelace');
	await profile.getByLabel(label('Pronouns')).fill('she/her');
	await profile.getByLabel(label('Custom status')).fill('Designing engines');
	await profile.getByLabel(label('About me')).fill('First programmer.');
	await profile.getByRole('button', { name: 'Save changes' }).click();
	await expect(profile.getByText('Profile saved.')).toBeVisible();
	// The user panel follows.
	await expect(page.getByText('Designing engines').last()).toBeVisible();

	await page.reload();
	await expect(profile.getByLabel(label('Pronouns'))).toHaveValue('she/her');

	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Account & security' })
		.click();
	const email = page.getByRole('region', { name: 'Email' });
	await email.getByLabel(label('Email address')).fill('not-an-email');
	await email.getByLabel(label('Current password')).fill(account.password);
	await email.getByRole('button', { name: 'Save email' }).click();
	await expect(email.getByText('Enter an email address such as name@example.com.')).toBeVisible();

	const address = `${account.username}@example.org`;
	await email.getByLabel(label('Email address')).fill(address);
	await email.getByRole('button', { name: 'Save email' }).click();
	await expect(email.getByText(`Your email is now ${address}.`)).toBeVisible();

	await page.getByRole('button', { name: 'Log out' }).click();
	await signIn(page, address, account.password);
	await expect(page.getByRole('heading', { name: 'Welcome, Ada Lovelace' })).toBeVisible();
});

test('a new recovery code replaces the old one', async ({ page }) => {
	const account = await registerUser('regen');
	await signIn(page, account.username, account.password);
	await openSettings(page, 'Account & security');
	await page.getByRole('button', { name: 'Generate a new recovery code' }).click();
	const ask = page.getByRole('dialog', { name: 'New recovery code' });
	await expect(ask.getByLabel(label('Password'))).toBeFocused();
	await page.keyboard.type(account.password);
	await ask.getByRole('button', { name: 'Generate code' }).click();

	const show = page.getByRole('dialog', { name: 'Your new recovery code' });
	const code = (await show.getByTestId('recovery-code').textContent())!.trim();
	expect(code).not.toBe(account.recoveryCode);
	await expect(show.getByRole('button', { name: 'Done' })).toBeDisabled();
	await show
		.getByRole('checkbox', { name: 'I have saved my recovery code somewhere safe' })
		.check();
	await show.getByRole('button', { name: 'Done' }).click();
	await expect(show).toBeHidden();

	// The old code is spent, the new one works.
	const api = await apiClient();
	const old = await api.post('/api/auth/recover', {
		data: {
			username: account.username,
			recovery_code: account.recoveryCode,
			new_password: 'x-password-1'
		}
	});
	expect(old.status()).toBe(401);
	const fresh = await api.post('/api/auth/recover', {
		data: { username: account.username, recovery_code: code, new_password: 'x-password-1' }
	});
	expect(fresh.status()).toBe(200);
	await api.dispose();
});

test('deleting the account needs the password and signs out', async ({
	page,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401));
	const account = await registerUser('leaving');
	await signIn(page, account.username, account.password);
	await openSettings(page, 'Account & security');
	await page
		.getByRole('region', { name: 'Delete account' })
		.getByRole('button', { name: 'Delete account' })
		.click();
	const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
	await dialog.getByLabel(label('Password')).fill('wrong-password');
	await dialog.getByRole('button', { name: 'Delete account' }).click();
	await expect(dialog.getByText('The password is not correct')).toBeVisible();
	await dialog.getByLabel(label('Password')).fill(account.password);
	await dialog.getByRole('button', { name: 'Delete account' }).click();
	await expect(page).toHaveURL(/\/login$/);

	await page.getByLabel(label('Username or email')).fill(account.username);
	await page.getByLabel(label('Password')).fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert')).toHaveText('Invalid username or password');
});

test('the owner cannot delete their account', async ({ page }) => {
	await signIn(page, OWNER.username, OWNER.password);
	await openSettings(page, 'Account & security');
	const region = page.getByRole('region', { name: 'Delete account' });
	await expect(region.getByText(/You own this server/)).toBeVisible();
	await expect(region.getByRole('button', { name: 'Delete account' })).toHaveCount(0);
});
