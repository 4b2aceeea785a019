/**
 * Screenshots of the main screens at desktop and phone width in both themes, written to
 * test-results/screenshots/ (listed in docs/web-client.md). They double as a smoke test.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { seedConversation } from './screenshot-chat';
import {
	fromFreshAddress,
	label,
	OWNER,
	registerUser,
	signIn,
	writeStoredSession
} from './support';

const VIEWPORTS = {
	desktop: { width: 1280, height: 800 },
	phone: { width: 390, height: 844 }
} as const;

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
	for (const theme of ['dark', 'light'] as const) {
		test(`screenshots: ${device}, ${theme}`, async ({ page }) => {
			test.setTimeout(90_000);
			await page.setViewportSize(viewport);
			await page.emulateMedia({ colorScheme: theme });
			const shot = (name: string) =>
				page.screenshot({ path: `test-results/screenshots/${name}-${device}-${theme}.png` });
			const loaded = () => expect(page.getByRole('status', { name: /^Loading/ })).toHaveCount(0);

			for (const name of ['login', 'register', 'recover']) {
				await page.goto(`/${name}`);
				await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
				await shot(name);
			}

			// The one-time recovery code, as shown after a password reset.
			const account = await registerUser('shot');
			await page.goto('/recover');
			await page.getByLabel(label('Username or email')).fill(account.username);
			await page.getByLabel(label('Recovery code')).fill(account.recoveryCode);
			await page.getByLabel(label('New password')).fill('screenshot-password');
			await page.getByLabel(label('Confirm new password')).fill('screenshot-password');
			await page.getByRole('button', { name: 'Reset password' }).click();
			await expect(page.getByTestId('recovery-code')).toBeVisible();
			await shot('recovery-code');
			await writeStoredSession(page, null);

			await signIn(page, OWNER.username, OWNER.password);
			await shot('home');
			if (device === 'phone') await navigationDrawer(page, shot);

			// The main chat screen: a community with a conversation, members and reactions.
			await seedConversation(page, device === 'phone');
			await shot('chat');
			await emojiAndBookmarks(page, shot);

			for (const [path, name] of [
				['/settings/profile', 'settings-profile'],
				['/settings/account', 'settings-account'],
				['/settings/sessions', 'settings-sessions'],
				['/settings/appearance', 'settings-appearance'],
				['/admin/invites', 'admin-invites'],
				['/admin/audit-log', 'admin-audit-log']
			] as const) {
				await fromFreshAddress(page);
				await page.goto(path);
				await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
				await loaded();
				await shot(name);
			}
		});
	}
}

async function navigationDrawer(page: Page, shot: (name: string) => Promise<Buffer>) {
	await page.getByRole('button', { name: 'Open navigation' }).click();
	await expect(page.getByRole('link', { name: 'Home' })).toBeFocused();
	await shot('navigation');
	await page.keyboard.press('Escape');
}

/** The emoji picker over the composer, then a bookmark with a note in the bookmarks panel. */
async function emojiAndBookmarks(page: Page, shot: (name: string) => Promise<Buffer>) {
	await page.getByRole('button', { name: 'Add emoji' }).click();
	const picker = page.getByRole('dialog', { name: 'Add an emoji' });
	await expect(picker.getByRole('button', { name: 'grinning face', exact: true })).toBeVisible();
	await shot('emoji-picker');
	await page.keyboard.press('Escape');
	await expect(picker).toBeHidden();

	const first = page
		.getByRole('region', { name: /^Messages in / })
		.getByRole('listitem')
		.filter({ hasText: 'onboarding flow is ready' });
	await first.hover();
	await first.getByRole('button', { name: 'Bookmark', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Bookmark message' });
	await dialog.getByRole('textbox', { name: 'Note (optional)' }).fill('Review before Friday');
	await dialog.getByRole('button', { name: 'Save bookmark' }).click();
	await expect(dialog).toBeHidden();
	await page.getByRole('button', { name: 'Bookmarks', exact: true }).click();
	// The owner's bookmarks from the other runs are listed after it.
	await expect(page.getByTestId('bookmark').first()).toContainText('Review before Friday');
	await page.mouse.move(0, 0);
	await shot('bookmarks');
}
