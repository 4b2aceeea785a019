/** Theme and motion preferences: applied at once, persisted across reloads. */
import { expect, test } from './fixtures';
import { OWNER, openSettings, signIn } from './support';

test.use({ colorScheme: 'dark', reducedMotion: 'no-preference' });

test('theme switch applies, persists and follows the system', async ({ page }) => {
	const html = page.locator('html');
	await signIn(page, OWNER.username, OWNER.password);
	await openSettings(page, 'Appearance');

	// "System" follows the browser's preference.
	await expect(page.getByRole('radio', { name: /System/ })).toBeChecked();
	await expect(html).toHaveAttribute('data-theme', 'dark');
	await page.emulateMedia({ colorScheme: 'light' });
	await expect(html).toHaveAttribute('data-theme', 'light');

	// An explicit choice wins over the system and survives a reload.
	await page.emulateMedia({ colorScheme: 'dark' });
	await page.getByRole('radio', { name: /Light/ }).check();
	await expect(html).toHaveAttribute('data-theme', 'light');
	await page.reload();
	await expect(page.getByRole('radio', { name: /Light/ })).toBeChecked();
	await expect(html).toHaveAttribute('data-theme', 'light');

	// Keyboard: arrow keys move between the options.
	await page.getByRole('radio', { name: /Light/ }).focus();
	await page.keyboard.press('ArrowRight');
	await expect(page.getByRole('radio', { name: /Dark/ })).toBeChecked();
	await expect(html).toHaveAttribute('data-theme', 'dark');

	// Reduced motion: off here (the browser does not ask), then forced on.
	await expect(html).toHaveAttribute('data-motion', 'full');
	await page.getByRole('switch', { name: 'Reduce motion' }).check();
	await expect(html).toHaveAttribute('data-motion', 'reduce');
	await page.reload();
	await expect(html).toHaveAttribute('data-motion', 'reduce');
	await expect(page.getByRole('switch', { name: 'Reduce motion' })).toBeChecked();

	// Back to the defaults for the other tests of this browser profile.
	await page.getByRole('switch', { name: 'Reduce motion' }).uncheck();
	await page.getByRole('radio', { name: /System/ }).check();
	// They are the owner's on the server too (PROF-3): wait until it has them.
	await expect(page.getByText('Saved to your account')).toBeVisible();
});

test('the system’s reduced-motion preference is respected', async ({ page }) => {
	await page.emulateMedia({ reducedMotion: 'reduce' });
	await page.goto('/login');
	await expect(page.locator('html')).toHaveAttribute('data-motion', 'reduce');
	const duration = await page
		.getByRole('button', { name: 'Sign in' })
		.evaluate((el) => getComputedStyle(el).transitionDuration);
	expect(parseFloat(duration)).toBeLessThan(0.001);
});
