/**
 * Two-factor authentication against the real server: setup from the account page (the
 * secret read from the page, codes computed here as an authenticator app would), backup
 * codes, the code step of signing in, turning it off, recovery, and an administrator's reset.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { label, openSettings, OWNER, registerUser, signIn, type Account } from './support';
import { enableTwoFactor } from './two-factor-support';
import { currentStep, nextCode, totpAt } from './totp';

const PHONE = { width: 390, height: 844 };

/** Six digits that are no code of the secret anywhere near now. */
function wrongCode(secret: string): string {
	const near = new Set(
		[-2, -1, 0, 1, 2, 3].map((offset) => totpAt(secret, currentStep() + offset))
	);
	return ['000000', '111111', '222222'].find((code) => !near.has(code))!;
}

/** The password step of signing in, which leads to the code step. */
async function enterPassword(page: Page, account: Account) {
	await page.goto('/login');
	await page.getByLabel(label('Username or email')).fill(account.username);
	await page.getByLabel(label('Password')).fill(account.password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
}

async function signInWithBackupCode(page: Page, account: Account, code: string) {
	await enterPassword(page, account);
	await page.getByRole('button', { name: 'Use a backup code' }).click();
	await page.getByLabel(label('Backup code')).fill(code);
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
}

/** Nothing in `container` (default: the page's main content) sticks out sideways. */
async function expectNoSidewaysScroll(page: Page, container = 'main') {
	const overflow = await page.evaluate((selector) => {
		const box = document.querySelector(selector)!.getBoundingClientRect();
		const right = Math.min(box.right, window.innerWidth) + 1;
		const wide = [...document.querySelectorAll<HTMLElement>(`${selector} *`)].filter(
			(el) => el.getBoundingClientRect().right > right
		);
		return wide.map((el) => `${el.tagName.toLowerCase()}.${el.className}`).slice(0, 5);
	}, container);
	expect(overflow, `elements wider than ${container} or the screen`).toEqual([]);
}

test('set up 2FA on the account page, then sign in with a code and with a backup code', async ({
	page,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401));
	const account = await registerUser('twofa');
	await signIn(page, account.username, account.password);
	await openSettings(page, 'Account & security');

	const panel = page.getByRole('region', { name: 'Two-factor authentication' });
	await expect(panel.getByText('Off', { exact: true })).toBeVisible();
	await panel.getByRole('button', { name: 'Set up two-factor authentication' }).click();
	const ask = page.getByRole('dialog', { name: 'Set up two-factor authentication' });
	await expect(ask.getByLabel(label('Password'))).toBeFocused();
	await page.keyboard.type(account.password);
	await ask.getByRole('button', { name: 'Continue' }).click();
	await expect(ask).toBeHidden();
	// Focus moves to the first step (the button that opened the dialog is gone).
	await expect(
		panel.getByRole('heading', { name: 'Add Chatalot to your authenticator app' })
	).toBeFocused();

	// The QR code is an image made from the server's SVG; the key is there to type.
	const qr = panel.getByRole('img', { name: /QR code/ });
	await expect(qr).toBeVisible();
	expect(await qr.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
	expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
	const secret = (await panel.getByTestId('two-factor-secret').textContent())!.replace(/\s/g, '');
	expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
	await expect(
		panel.getByRole('link', { name: 'Open it in your authenticator app' })
	).toHaveAttribute('href', /^otpauth:\/\/totp\//);
	await expectAccessible(page, '2FA setup');

	const field = panel.getByLabel(label('Code from the app'));
	await expect(field).toHaveAttribute('autocomplete', 'one-time-code');
	await field.fill(wrongCode(secret));
	await panel.getByRole('button', { name: 'Turn on' }).click();
	await expect(panel.getByText('The code is not correct or was already used')).toBeVisible();
	await expect(field).toBeFocused();

	const enabledStep = currentStep();
	await field.fill(totpAt(secret, enabledStep));
	await panel.getByRole('button', { name: 'Turn on' }).click();

	// The backup codes, shown once.
	const reveal = page.getByRole('dialog', { name: 'Save your backup codes' });
	const items = reveal.getByTestId('backup-codes').getByRole('listitem');
	await expect(items).toHaveCount(10);
	const codes = (await items.allTextContents()).map((code) => code.trim());
	for (const code of codes) expect(code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
	await expect(reveal.getByText('shown only once')).toBeVisible();
	await expectAccessible(page, 'backup codes');
	const download = page.waitForEvent('download');
	await reveal.getByRole('button', { name: 'Download' }).click();
	const file = await download;
	expect(file.suggestedFilename()).toBe(`chatalot-backup-codes-${account.username}.txt`);
	const text = await readFile((await file.path())!, 'utf8');
	for (const code of codes) expect(text).toContain(code);
	const done = reveal.getByRole('button', { name: 'Done' });
	await expect(done).toBeDisabled();
	await reveal
		.getByRole('checkbox', { name: 'I have saved my backup codes somewhere safe' })
		.check();
	await done.click();
	await expect(reveal).toBeHidden();
	await expect(panel.getByText('On', { exact: true })).toBeVisible();
	expect(await panel.evaluate((region) => region.contains(document.activeElement))).toBe(true);
	await expect(panel.getByTestId('backup-codes-remaining')).toHaveText('10 backup codes left.');

	// Signing in now takes the password, then a code: a wrong one first.
	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await enterPassword(page, account);
	const code = page.getByLabel(label('Authentication code'));
	await expect(code).toBeFocused();
	await expect(code).toHaveAttribute('autocomplete', 'one-time-code');
	await expect(code).toHaveAttribute('inputmode', 'numeric');
	await expect(page.getByRole('link', { name: 'Sign in with SSO' })).toHaveCount(0);
	await expectAccessible(page, 'sign-in code step');
	await code.fill(wrongCode(secret));
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page.getByText('The code is not correct or was already used')).toBeVisible();
	await expect(code).toHaveAttribute('aria-invalid', 'true');
	await expect(code).toBeFocused();

	// The step used to turn 2FA on is spent: the code of the next one signs in.
	await code.fill((await nextCode(secret, enabledStep)).code);
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();

	// Once more with a backup code (case and dashes do not matter).
	await page.getByRole('link', { name: 'User settings' }).click();
	await page.getByRole('button', { name: 'Log out' }).click();
	await signInWithBackupCode(page, account, codes[0]!.toLowerCase());
	await openSettings(page, 'Account & security');
	await expect(panel.getByTestId('backup-codes-remaining')).toHaveText('9 backup codes left.');

	// A spent backup code is refused.
	await page.getByRole('button', { name: 'Log out' }).click();
	await enterPassword(page, account);
	await page.getByRole('button', { name: 'Use a backup code' }).click();
	await page.getByLabel(label('Backup code')).fill(codes[0]!);
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page.getByText('The code is not correct or was already used')).toBeVisible();
	// "Back" returns to the password.
	await page.getByRole('button', { name: 'Back' }).click();
	await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
	await expect(page.getByLabel(label('Password'))).toBeFocused();
	await expect(page.getByLabel(label('Username or email'))).toHaveValue(account.username);
});

test('new backup codes and turning 2FA off ask for the password and a code', async ({
	page,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401));
	const account = await enableTwoFactor(await registerUser('twofaoff'));
	await signInWithBackupCode(page, account, account.backupCodes[0]!);
	await openSettings(page, 'Account & security');
	const panel = page.getByRole('region', { name: 'Two-factor authentication' });
	await expect(panel.getByTestId('backup-codes-remaining')).toHaveText('9 backup codes left.');

	// New backup codes: a wrong password is reported at its field.
	await panel.getByRole('button', { name: 'New backup codes' }).click();
	const renew = page.getByRole('dialog', { name: 'Make new backup codes?' });
	await expect(renew.getByLabel(label('Password'))).toBeFocused();
	await renew.getByRole('button', { name: 'Make new codes' }).click();
	await expect(renew.getByText('Enter your password.')).toBeVisible();
	await expect(
		renew.getByText('Enter a code from your authenticator app or a backup code.')
	).toBeVisible();
	await renew.getByLabel(label('Password')).fill('not-my-password');
	await renew.getByLabel(label('Authentication or backup code')).fill(account.backupCodes[1]!);
	await renew.getByRole('button', { name: 'Make new codes' }).click();
	await expect(renew.getByText('The password is not correct')).toBeVisible();
	await expect(renew.getByLabel(label('Password'))).toBeFocused();
	await expectAccessible(page, 'new backup codes dialog');
	await renew.getByLabel(label('Password')).fill(account.password);
	await renew.getByRole('button', { name: 'Make new codes' }).click();

	const reveal = page.getByRole('dialog', { name: 'Save your backup codes' });
	const items = reveal.getByTestId('backup-codes').getByRole('listitem');
	await expect(items).toHaveCount(10);
	const fresh = (await items.allTextContents()).map((code) => code.trim());
	expect(fresh.filter((code) => account.backupCodes.includes(code))).toEqual([]);
	await reveal
		.getByRole('checkbox', { name: 'I have saved my backup codes somewhere safe' })
		.check();
	await reveal.getByRole('button', { name: 'Done' }).click();
	await expect(
		panel.getByText('New backup codes made. The old ones no longer work.')
	).toBeVisible();
	await expect(panel.getByTestId('backup-codes-remaining')).toHaveText('10 backup codes left.');

	// Turning off: an old backup code no longer works, a current authenticator code does.
	await panel.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
	const off = page.getByRole('dialog', { name: 'Turn off two-factor authentication?' });
	await off.getByLabel(label('Password')).fill(account.password);
	const codeField = off.getByLabel(label('Authentication or backup code'));
	await codeField.fill(account.backupCodes[2]!);
	await off.getByRole('button', { name: 'Turn off' }).click();
	await expect(off.getByText('The code is not correct or was already used')).toBeVisible();
	await expect(codeField).toBeFocused();
	await codeField.fill((await nextCode(account.secret, account.lastStep)).code);
	await off.getByRole('button', { name: 'Turn off' }).click();
	await expect(off).toBeHidden();
	await expect(panel.getByText('Two-factor authentication is off.')).toBeVisible();
	await expect(panel.getByText('Off', { exact: true })).toBeVisible();
	expect(await panel.evaluate((region) => region.contains(document.activeElement))).toBe(true);

	// The password alone signs in again.
	await page.getByRole('button', { name: 'Log out' }).click();
	await signIn(page, account.username, account.password);
});

test('password recovery asks for the second factor of an account with 2FA', async ({
	page,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401));
	const account = await enableTwoFactor(await registerUser('twofarecover'));
	await page.goto('/recover');
	await expect(page.getByLabel(label('Two-factor code'))).toHaveCount(0);
	await page.getByLabel(label('Username or email')).fill(account.username);
	await page.getByLabel(label('Recovery code')).fill(account.recoveryCode);
	await page.getByLabel(label('New password')).fill('recovered-password');
	await page.getByLabel(label('Confirm new password')).fill('recovered-password');
	await page.getByRole('button', { name: 'Reset password' }).click();

	// The server asks for a code: the field appears with the message, focused.
	const field = page.getByLabel(label('Two-factor code'));
	await expect(field).toBeFocused();
	await expect(field).toHaveAccessibleDescription(/uses two-factor authentication: enter a code/);
	await expectAccessible(page, 'recovery with 2FA');
	await field.fill(account.backupCodes[0]!);
	await page.getByRole('button', { name: 'Reset password' }).click();
	await expect(page.getByRole('heading', { name: 'Save your recovery code' })).toBeVisible();
});

test('an administrator resets the 2FA of someone who lost their phone', async ({
	page,
	newContext
}) => {
	const account = await enableTwoFactor(await registerUser('twofalost'));
	await signIn(page, OWNER.username, OWNER.password);
	await page.getByRole('link', { name: 'Administration' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Users' })
		.click();
	await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();

	const search = page.getByRole('search');
	await search.getByLabel(label('Search')).fill(account.username);
	await search.getByRole('button', { name: 'Search' }).click();
	const rows = page.getByTestId('user-row');
	await expect(rows).toHaveCount(1);
	await expect(rows).toContainText(`@${account.username}`);
	await expect(rows).toContainText('2FA on');
	await expectAccessible(page, 'admin users');

	await rows.getByRole('button', { name: `Reset 2FA of @${account.username}` }).click();
	const dialog = page.getByRole('dialog', { name: 'Reset two-factor authentication?' });
	await expect(dialog).toContainText(`@${account.username}`);
	await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await dialog.getByRole('button', { name: 'Reset 2FA' }).click();
	await expect(dialog).toBeHidden();
	await expect(rows).toContainText('2FA off');
	await expect(rows.getByRole('button', { name: /^Reset 2FA/ })).toHaveCount(0);
	await expect(
		page.getByText(`Two-factor authentication of @${account.username} was reset.`)
	).toBeVisible();

	// The owner's own row offers no reset.
	await search.getByLabel(label('Search')).fill(OWNER.username);
	await search.getByRole('button', { name: 'Search' }).click();
	await expect(rows.filter({ hasText: `@${OWNER.username}` })).toBeVisible();
	await expect(rows.filter({ hasText: `@${OWNER.username}` }).getByRole('button')).toHaveCount(0);

	// Their password alone signs them in now.
	const theirs = await (await newContext()).newPage();
	await signIn(theirs, account.username, account.password);
});

test('phone width: the code step and the 2FA settings fit the screen', async ({ page }) => {
	await page.setViewportSize(PHONE);
	const account = await registerUser('twofaphone');
	await signIn(page, account.username, account.password);
	await page.goto('/settings/account');
	const panel = page.getByRole('region', { name: 'Two-factor authentication' });
	await panel.getByRole('button', { name: 'Set up two-factor authentication' }).click();
	const ask = page.getByRole('dialog', { name: 'Set up two-factor authentication' });
	await ask.getByLabel(label('Password')).fill(account.password);
	await ask.getByRole('button', { name: 'Continue' }).click();
	const secret = (await panel.getByTestId('two-factor-secret').textContent())!.replace(/\s/g, '');
	await expect(panel.getByRole('img', { name: /QR code/ })).toBeInViewport({ ratio: 0.5 });
	await expectNoSidewaysScroll(page);
	const step = currentStep();
	await panel.getByLabel(label('Code from the app')).fill(totpAt(secret, step));
	await panel.getByRole('button', { name: 'Turn on' }).click();
	const reveal = page.getByRole('dialog', { name: 'Save your backup codes' });
	await expect(reveal.getByTestId('backup-codes').getByRole('listitem')).toHaveCount(10);
	await expectNoSidewaysScroll(page, 'dialog[open]');
	await reveal
		.getByRole('checkbox', { name: 'I have saved my backup codes somewhere safe' })
		.check();
	await reveal.getByRole('button', { name: 'Done' }).click();

	await page.getByRole('button', { name: 'Open navigation' }).click();
	await page.getByRole('button', { name: 'Log out' }).click();
	await enterPassword(page, account);
	await expect(page.getByLabel(label('Authentication code'))).toBeInViewport();
	await expectNoSidewaysScroll(page);
	await page.getByLabel(label('Authentication code')).fill((await nextCode(secret, step)).code);
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
});
