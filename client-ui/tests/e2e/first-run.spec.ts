/**
 * First run: the fresh invite-only server has no owner. The app leads to setup, which
 * asks for the setup code the server printed; the owner then sees the recovery code once.
 */
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { OWNER, label } from './support';

test('first-run setup creates the owner with the printed setup code', async ({
	page,
	context,
	allowConsoleErrors
}) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	const setupCode = process.env.CHATALOT_E2E_SETUP_CODE;
	expect(setupCode, 'the server banner printed a setup code').toBeTruthy();

	await page.goto('/');
	await expect(page).toHaveURL(/\/setup$/);
	await expect(page.getByRole('heading', { name: 'Set up your server' })).toBeVisible();
	await expectAccessible(page, 'setup');

	// Client-side validation first, then the server's verdict on a wrong code.
	await page.getByRole('button', { name: 'Create owner account' }).click();
	await expect(page.getByText('Setup code is required.')).toBeVisible();

	allowConsoleErrors(httpStatusMessage(403));
	await page.getByLabel(label('Setup code')).fill('WRONGCODE1');
	await page.getByLabel(label('Username')).fill(OWNER.username);
	await page.getByLabel(label('Display name')).fill(OWNER.displayName);
	await page.getByLabel(label('Password')).fill(OWNER.password);
	await page.getByLabel(label('Confirm password')).fill(OWNER.password);
	await page.getByRole('button', { name: 'Create owner account' }).click();
	await expect(page.getByText(/^This setup code is not valid/)).toBeVisible();
	await expect(page.getByLabel(label('Setup code'))).toBeFocused();

	await page.getByLabel(label('Setup code')).fill(setupCode!);
	await page.getByRole('button', { name: 'Create owner account' }).click();

	// The recovery code is shown once and must be acknowledged.
	await expect(page).toHaveURL(/\/recovery-code$/);
	const code = page.getByTestId('recovery-code');
	await expect(code).toHaveText(/^[A-Z0-9]+(-[A-Z0-9]+)+$/);
	const proceed = page.getByRole('button', { name: 'Continue to Chatalot' });
	await expect(proceed).toBeDisabled();
	await page.getByRole('button', { name: 'Copy recovery code' }).click();
	await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await code.textContent());
	const download = page.waitForEvent('download');
	await page.getByRole('button', { name: 'Download' }).click();
	expect((await download).suggestedFilename()).toBe(`chatalot-recovery-code-${OWNER.username}.txt`);
	await page
		.getByRole('checkbox', { name: 'I have saved my recovery code somewhere safe' })
		.check();
	await proceed.click();

	await expect(page.getByRole('heading', { name: `Welcome, ${OWNER.displayName}` })).toBeVisible();
	// Owners get the administration entry in the rail.
	await expect(page.getByRole('link', { name: 'Administration' })).toBeVisible();

	// Setup is over: /setup now leads to sign-in (after signing out).
	await page.reload();
	await expect(page.getByRole('heading', { name: `Welcome, ${OWNER.displayName}` })).toBeVisible();
	await page.getByRole('link', { name: 'User settings' }).click();
	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/setup');
	await expect(page).toHaveURL(/\/login$/);
});
