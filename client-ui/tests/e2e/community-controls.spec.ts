/**
 * What community staff control for everyone, seen live by a member in another browser:
 * a message hidden from members (ADM-8) and shown again, who may post in a channel
 * (COM-4), and the community's theme (COM-1).
 */
import { communityWithMember, composer, message, send } from './chat-support';
import { expect, expectAccessible, test } from './fixtures';
import { uniqueName } from './support';

test('staff hide a message, limit posting and theme the community, live for a member', async ({
	context,
	newContext
}) => {
	test.setTimeout(120_000);
	const { admin, bob } = await communityWithMember(context, newContext);
	const [communityId] = new URL(admin.page.url()).pathname.split('/').slice(2);

	// Bob's message, hidden by the admin: Bob sees a placeholder, the admin the text.
	const text = uniqueName('Cheap pills at ');
	await send(bob.page, text);
	const theirs = message(admin.page, text);
	await theirs.hover();
	await theirs.getByRole('button', { name: 'Hide from members' }).click();
	await expect(theirs).toContainText('Hidden from members by a moderator');
	const id = await theirs.getAttribute('data-message-id');
	const bobsView = bob.page.locator(`[data-message-id="${id}"]`);
	await expect(bobsView).toContainText('A moderator hid this message.');
	await expect(bobsView).not.toContainText(text);
	await expectAccessible(admin.page, 'a hidden message');

	// Shown again, it is back for Bob.
	await theirs.hover();
	await theirs.getByRole('button', { name: 'Show to members' }).click();
	await expect(message(bob.page, text)).toBeVisible();
	await expect(theirs).not.toContainText('Hidden from members');

	// Only moderators may post in #general now: Bob's composer closes live.
	await admin.page.goto(`/c/${communityId}/settings`);
	await admin.page.getByRole('button', { name: 'Edit #general' }).click();
	const edit = admin.page.getByRole('form', { name: 'Edit #general' });
	await edit.getByLabel('Who can post').selectOption({ label: 'Moderators and up' });
	await expectAccessible(admin.page, 'channel permissions');
	await edit.getByRole('button', { name: 'Save' }).click();
	await expect(edit).toHaveCount(0);
	await expect(composer(bob.page)).toBeDisabled();
	await expect(composer(bob.page)).toHaveAttribute(
		'placeholder',
		'Only moderators can post in this channel.'
	);

	// The community's palette and accent reach Bob while he is in it.
	const theme = admin.page.getByRole('form', { name: 'Community theme' });
	await theme.getByLabel('Palette').selectOption({ label: 'Ocean' });
	await theme.getByLabel('Use an accent colour').check();
	await theme.getByLabel('Accent colour', { exact: true }).fill('#2e8b57');
	await theme.getByRole('button', { name: 'Save theme' }).click();
	await expect(theme.getByRole('status')).toHaveText('Theme saved.');
	const html = bob.page.locator('html');
	await expect(html).toHaveAttribute('data-palette', 'ocean');
	await expect(html).toHaveAttribute('data-accent', 'custom');
	// Home is outside the community: Bob's own colours come back.
	await bob.page.goto('/');
	await expect(html).toHaveAttribute('data-palette', 'default');
	await expect(html).not.toHaveAttribute('data-accent', 'custom');
});
