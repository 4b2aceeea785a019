/**
 * Single sign-on through a real OpenID provider (tests/oidc-provider, started by the
 * global setup): "Sign in with SSO" leaves for the provider's own sign-in form, the
 * server's callback hands the app a ticket at /sso, and the app signs in with it. The
 * test server is invite-only, so a first-time SSO user brings an invite code.
 */
import type { Page } from '@playwright/test';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { createInvite, label, openSettings, OWNER, signIn } from './support';
import { currentStep, nextCode, totpAt } from './totp';

// The provider's development pages ask for a web font and a favicon it does not have:
// answer those here, so the console watch stays strict about the app's own errors.
test.beforeEach(async ({ context }) => {
	await context.route('https://fonts.googleapis.com/**', (route) =>
		route.fulfill({ status: 200, contentType: 'text/css', body: '' })
	);
	await context.route(`${process.env.CHATALOT_E2E_OIDC_ISSUER}/favicon.ico`, (route) =>
		route.fulfill({ status: 204 })
	);
});

/**
 * The provider's development sign-in form (any login name, any password). A provider
 * session from an earlier sign-in in this browser skips it.
 */
async function signInAtProvider(page: Page, login: string) {
	const form = page.getByPlaceholder('Enter any login');
	const back = page.getByRole('heading', {
		name: /^(Welcome, |Two-factor authentication$|Appearance$)/
	});
	await expect(form.or(back)).toBeVisible();
	if (await form.isVisible()) {
		expect(new URL(page.url()).origin).toBe(process.env.CHATALOT_E2E_OIDC_ISSUER);
		await form.fill(login);
		await page.getByPlaceholder('and password').fill('any-password');
		await page.getByRole('button', { name: 'Sign-in' }).click();
	}
}

/** A first-time SSO user arrives with an invite link and joins by SSO. */
async function joinWithSso(page: Page, login: string) {
	const invite = await createInvite(1);
	await page.goto(`/register?invite=${invite}`);
	const sso = page.getByRole('link', { name: 'Sign in with SSO' });
	await expect(sso).toHaveAttribute('href', `/api/auth/oidc/start?invite_code=${invite}`);
	await sso.click();
	await signInAtProvider(page, login);
	await expect(page.getByRole('heading', { name: `Welcome, Test ${login}` })).toBeVisible();
}

test('a first-time user joins by SSO with an invite, then signs in from the sign-in page', async ({
	page,
	newContext
}) => {
	await page.goto('/login');
	await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Sign in with SSO' })).toHaveAttribute(
		'href',
		'/api/auth/oidc/start'
	);

	await joinWithSso(page, 'sso-carol');
	await expect(page.getByText('@sso-carol', { exact: true }).first()).toBeVisible();
	// The ticket is gone from the address.
	expect(page.url()).not.toContain('ticket');

	// The account has no password yet: the form offers to set one, without a current one.
	await openSettings(page, 'Account & security');
	const password = page.getByRole('region', { name: 'Set a password' });
	await expect(password).toBeVisible();
	await expect(password.getByLabel(label('Current password'))).toHaveCount(0);
	// Other changes need no password either: a recent sign-in confirms them.
	const email = page.getByRole('region', { name: 'Email' });
	await expect(email.getByLabel(label('Current password'))).toHaveCount(0);
	await email.getByLabel(label('Email address')).fill('carol@example.org');
	await email.getByRole('button', { name: 'Save email' }).click();
	await expect(email.getByText('Your email is now carol@example.org.')).toBeVisible();
	await page.getByRole('button', { name: 'Generate a new recovery code' }).click();
	const confirm = page.getByRole('dialog', { name: 'New recovery code' });
	await expect(confirm.getByLabel(label('Password'))).toHaveCount(0);
	await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await confirm.getByRole('button', { name: 'Generate code' }).click();
	const reveal = page.getByRole('dialog', { name: 'Your new recovery code' });
	await expect(reveal.getByTestId('recovery-code')).toBeVisible();
	await reveal
		.getByRole('checkbox', { name: 'I have saved my recovery code somewhere safe' })
		.check();
	await reveal.getByRole('button', { name: 'Done' }).click();

	// The next time, the sign-in page's button is enough (the identity is linked), and a
	// deep link comes back after the trip to the provider, as after a password sign-in.
	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/settings/appearance');
	await expect(page).toHaveURL(/\/login\?next=%2Fsettings%2Fappearance$/);
	await page.getByRole('link', { name: 'Sign in with SSO' }).click();
	await signInAtProvider(page, 'sso-carol');
	await expect(page.getByRole('heading', { name: 'Appearance', level: 1 })).toBeVisible();
	await expect(page).toHaveURL(/\/settings\/appearance$/);

	// Administrators see how the account signs in.
	const admin = await (await newContext()).newPage();
	await signIn(admin, OWNER.username, OWNER.password);
	await admin.goto('/admin/users');
	await admin.getByRole('search').getByLabel(label('Search')).fill('sso-carol');
	await admin.getByRole('search').getByRole('button', { name: 'Search' }).click();
	const row = admin.getByTestId('user-row').filter({ hasText: '@sso-carol' });
	await expect(row).toContainText('SSO');
	await expect(row).toContainText('2FA off');
});

test('an SSO account sets a password, and with 2FA signs in by SSO and a code', async ({
	page
}) => {
	await joinWithSso(page, 'sso-dave');
	await openSettings(page, 'Account & security');

	// Two-factor setup asks for no password: the account has none.
	const panel = page.getByRole('region', { name: 'Two-factor authentication' });
	await panel.getByRole('button', { name: 'Set up two-factor authentication' }).click();
	await expect(page.getByRole('dialog')).toHaveCount(0);
	const secret = (await panel.getByTestId('two-factor-secret').textContent())!.replace(/\s/g, '');
	const enabledStep = currentStep();
	await panel.getByLabel(label('Code from the app')).fill(totpAt(secret, enabledStep));
	await panel.getByRole('button', { name: 'Turn on' }).click();
	const reveal = page.getByRole('dialog', { name: 'Save your backup codes' });
	const codes = (await reveal.getByTestId('backup-codes').getByRole('listitem').allTextContents())
		.map((code) => code.trim())
		.filter(Boolean);
	expect(codes).toHaveLength(10);
	await reveal
		.getByRole('checkbox', { name: 'I have saved my backup codes somewhere safe' })
		.check();
	await reveal.getByRole('button', { name: 'Done' }).click();
	await expect(panel.getByText('On', { exact: true })).toBeVisible();

	// Signing in by SSO now asks for a code too, on the app's SSO page.
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.getByRole('link', { name: 'Sign in with SSO' }).click();
	await signInAtProvider(page, 'sso-dave');
	await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible();
	await expect(page).toHaveURL(/\/sso$/);
	const code = page.getByLabel(label('Authentication code'));
	await expect(code).toBeFocused();
	await expectAccessible(page, 'SSO code step');
	await code.fill((await nextCode(secret, enabledStep)).code);
	await page.getByRole('button', { name: 'Verify' }).click();
	await expect(page.getByRole('heading', { name: 'Welcome, Test sso-dave' })).toBeVisible();

	// Turning 2FA off takes only a code; then a first password is set.
	await openSettings(page, 'Account & security');
	await panel.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
	const off = page.getByRole('dialog', { name: 'Turn off two-factor authentication?' });
	await expect(off.getByLabel(label('Password'))).toHaveCount(0);
	await expect(off.getByLabel(label('Authentication or backup code'))).toBeFocused();
	await off.getByLabel(label('Authentication or backup code')).fill(codes[0]!);
	await off.getByRole('button', { name: 'Turn off' }).click();
	await expect(panel.getByText('Off', { exact: true })).toBeVisible();

	const form = page.getByRole('region', { name: 'Set a password' });
	await form.getByLabel(label('New password')).fill('dave-has-a-password');
	await form.getByLabel(label('Confirm new password')).fill('dave-has-a-password');
	await form.getByRole('button', { name: 'Set password' }).click();
	const changed = page.getByRole('region', { name: 'Password' });
	await expect(changed.getByText('Password set.')).toBeVisible();
	await expect(changed.getByLabel(label('Current password'))).toBeVisible();
	await page.getByRole('button', { name: 'Log out' }).click();
	// Signed out before signing in again: leaving earlier would cut the logout short and
	// leave the revoked session stored for the next page to try.
	await expect(page).toHaveURL(/\/login$/);
	await signIn(page, 'sso-dave', 'dave-has-a-password');
});

test('a spent or missing SSO ticket leads back to signing in', async ({
	page,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401));
	await page.goto('/sso#ticket=not-a-real-ticket');
	await expect(page.getByRole('heading', { name: 'Sign-in failed' })).toBeVisible();
	await expect(page.getByRole('alert')).toHaveText(
		'This sign-in link has expired or was already used. Sign in again.'
	);
	await expect(page).toHaveURL(/\/sso$/);
	await expectAccessible(page, 'SSO failure');
	await page.getByRole('link', { name: 'Back to sign in' }).click();
	await expect(page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();

	await page.goto('/sso');
	await expect(page.getByRole('alert')).toHaveText(
		'This sign-in link is incomplete. Start signing in again.'
	);
});

test('a server that signs in only with SSO shows no password forms', async ({ page }) => {
	// This server also allows passwords: its configuration answer is altered in the browser
	// as OIDC_DISABLE_PASSWORD_LOGIN would have it (sign-in itself is real).
	await page.route('**/api/auth/config', async (route) => {
		const answer = await route.fetch();
		await route.fulfill({
			response: answer,
			json: { ...(await answer.json()), password_login_enabled: false }
		});
	});
	await page.goto('/login');
	const sso = page.getByRole('link', { name: 'Sign in with SSO' });
	await expect(sso).toBeVisible();
	await expect(page.getByLabel(label('Username or email'))).toHaveCount(0);
	await expect(page.getByLabel(label('Password'))).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Forgot your password?' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: 'Create an account' })).toHaveCount(0);
	await expect(page.getByText('or', { exact: true })).toHaveCount(0);
	await expectAccessible(page, 'SSO-only sign-in');

	// An invite code still comes along for a first-time user.
	await page.getByRole('link', { name: 'Use your invite code' }).click();
	await expect(page.getByLabel(label('Username'))).toHaveCount(0);
	await page.getByLabel(label('Invite code')).fill('CODE42');
	await expect(page.getByRole('link', { name: 'Sign in with SSO' })).toHaveAttribute(
		'href',
		'/api/auth/oidc/start?invite_code=CODE42'
	);
	await page.goto('/recover');
	await expect(page.getByText('recover your account with your sign-in provider')).toBeVisible();
	await expect(page.getByLabel(label('Recovery code'))).toHaveCount(0);
});

test('while the provider is unreachable the SSO button is disabled and says why', async ({
	page
}) => {
	await page.route('**/api/auth/config', async (route) => {
		const answer = await route.fetch();
		await route.fulfill({
			response: answer,
			json: { ...(await answer.json()), sso_available: false }
		});
	});
	await page.goto('/login');
	const sso = page.getByRole('link', { name: 'Sign in with SSO' });
	await expect(sso).toHaveAttribute('aria-disabled', 'true');
	await expect(sso).not.toHaveAttribute('href');
	await expect(sso).toHaveAccessibleDescription(/can’t be reached right now/);
	// The password form still works.
	await expect(page.getByRole('button', { name: 'Sign in', exact: true })).toBeEnabled();
	await expectAccessible(page, 'SSO unavailable');
});
