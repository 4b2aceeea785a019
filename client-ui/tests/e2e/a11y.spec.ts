/**
 * Accessibility: axe (WCAG 2 A and AA) finds no serious or critical violations on the
 * main screens, in both themes. The setup screen is checked in first-run.spec.ts.
 */
import { expect, expectAccessible, test } from './fixtures';
import { OWNER, registerUser, signIn } from './support';

for (const theme of ['dark', 'light'] as const) {
	test.describe(`${theme} theme`, () => {
		test.use({ colorScheme: theme });

		test('sign-in, registration and recovery pages', async ({ page }) => {
			for (const [path, heading] of [
				['/login', 'Welcome back'],
				['/register', 'Create an account'],
				['/recover', 'Reset your password']
			] as const) {
				await page.goto(path);
				await expect(page.getByRole('heading', { name: heading })).toBeVisible();
				await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
				await expectAccessible(page, `${path} (${theme})`);
			}
		});

		test('home, settings and admin pages', async ({ page }) => {
			await signIn(page, OWNER.username, OWNER.password);
			for (const [path, heading] of [
				['/', `Welcome, ${OWNER.displayName}`],
				['/settings/profile', 'My profile'],
				['/settings/account', 'Account & security'],
				['/settings/sessions', 'Sessions'],
				['/settings/appearance', 'Appearance'],
				['/settings/bots', 'Bots'],
				['/admin/users', 'Users'],
				['/admin/invites', 'Registration invites'],
				['/admin/audit-log', 'Audit log'],
				['/admin/bots', 'All bots'],
				['/admin/feedback', 'Feedback']
			] as const) {
				await page.goto(path);
				await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
				// Wait for lists to load so they are checked too.
				await expect(page.getByRole('status', { name: /^Loading/ })).toHaveCount(0);
				await expectAccessible(page, `${path} (${theme})`);
			}
		});

		test('dialogs and the recovery code', async ({ page }) => {
			const account = await registerUser('a11y');
			await signIn(page, account.username, account.password);
			await page.goto('/settings/account');
			await page.getByRole('button', { name: 'Delete account' }).click();
			await expect(page.getByRole('dialog', { name: 'Delete your account?' })).toBeVisible();
			await expectAccessible(page, `delete dialog (${theme})`);
			await page.keyboard.press('Escape');
			await expect(page.getByRole('dialog')).toHaveCount(0);
			// Focus returns to the button that opened the dialog.
			await expect(page.getByRole('button', { name: 'Delete account' })).toBeFocused();
		});
	});
}

test('phone width: the navigation drawer is a keyboard-friendly dialog', async ({ page }) => {
	await page.setViewportSize({ width: 390, height: 844 });
	await signIn(page, OWNER.username, OWNER.password);
	const menu = page.getByRole('button', { name: 'Open navigation' });
	await expect(menu).toHaveAttribute('aria-expanded', 'false');
	// The closed drawer is inert: out of the tab order and the accessibility tree.
	await expect(page.locator('#app-navigation')).toHaveAttribute('inert');
	await menu.click();
	await expect(menu).toHaveAttribute('aria-expanded', 'true');
	await expect(page.locator('#app-navigation')).not.toHaveAttribute('inert');
	await expect(page.getByRole('link', { name: 'Home' })).toBeFocused();
	await expectAccessible(page, 'navigation drawer');
	await page.keyboard.press('Escape');
	await expect(menu).toBeFocused();
	await menu.click();
	await page.getByRole('link', { name: 'User settings' }).click();
	await expect(page.getByRole('heading', { name: 'My profile', level: 1 })).toBeVisible();
	await expect(menu).toHaveAttribute('aria-expanded', 'false');
});
