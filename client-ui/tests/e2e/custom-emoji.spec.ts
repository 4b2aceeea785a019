/**
 * Custom emoji: the owner adds one in community settings (a PNG made here; wrong files
 * and a taken name are refused with reasons), uses it through the `:` suggestions; the
 * other member sees the message with the image and reacts with it from the picker's
 * "This community" tab, and both see the reaction's image. Deleting it turns `:name:`
 * back into text. At phone width the settings panel works by keyboard alone.
 */
import type { Page } from '@playwright/test';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import {
	acceptInvite,
	composer,
	createCommunity,
	invitePath,
	message,
	person
} from './chat-support';
import { circlePng, naturalWidth } from './pictures';

/** A 2×2 24-bit BMP: an image the browser reads but the server does not take. */
function bmp(): Buffer {
	const file = Buffer.alloc(54 + 16);
	file.write('BM', 0, 'ascii');
	file.writeUInt32LE(file.length, 2);
	file.writeUInt32LE(54, 10); // pixel data offset
	file.writeUInt32LE(40, 14); // header size
	file.writeInt32LE(2, 18); // width
	file.writeInt32LE(2, 22); // height
	file.writeUInt16LE(1, 26); // planes
	file.writeUInt16LE(24, 28); // bits per pixel
	file.writeUInt32LE(16, 34); // pixel data size: two rows of 6 bytes, padded to 8
	file.fill(0x80, 54);
	return file;
}

async function openCommunitySettings(page: Page) {
	await page.getByRole('link', { name: 'Community settings' }).click();
	await expect(page.getByRole('heading', { name: 'Community settings', level: 1 })).toBeVisible();
	return page.getByRole('region', { name: 'Emoji', exact: true });
}

test('custom emoji: added in settings, shown in messages and reactions for another member', async ({
	newContext,
	allowConsoleErrors
}) => {
	test.setTimeout(150_000);
	// The server's refusals shown in the form: a BMP said to be a PNG (415), a taken name (409).
	allowConsoleErrors(httpStatusMessage(415), httpStatusMessage(409));
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'bob');
	await createCommunity(alice.page);
	// Bob opens the channel (and loads its still empty emoji list) before the emoji exists.
	await acceptInvite(bob.page, await invitePath(alice.page));

	const panel = await openCommunitySettings(alice.page);
	await expect(panel.getByText('No custom emoji yet.')).toBeVisible();
	const image = panel.getByLabel('Image', { exact: true });
	const name = panel.getByRole('textbox', { name: /^Name/ });
	const add = panel.getByRole('button', { name: 'Add emoji' });

	// Refused before uploading: an SVG, and a name with capitals and a space.
	await image.setInputFiles({
		name: 'vector.svg',
		mimeType: 'image/svg+xml',
		buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')
	});
	await expect(panel.getByText('Use a PNG, GIF or WebP image.')).toBeVisible();
	await expect(image).toHaveAttribute('aria-invalid', 'true');
	// Text that says it is a PNG: the browser cannot read it.
	await image.setInputFiles({
		name: 'fake.png',
		mimeType: 'image/png',
		buffer: Buffer.from('not really an image')
	});
	await expect(panel.getByText('This file is not a PNG, GIF or WebP image.')).toBeVisible();
	// Refused by the server, which looks at the content: a BMP that says it is a PNG.
	await image.setInputFiles({ name: 'bitmap.png', mimeType: 'image/png', buffer: bmp() });
	await expect(panel.getByText('This file is not a PNG, GIF or WebP image.')).toHaveCount(0);
	await expect(panel.getByRole('img', { name: 'Preview: bitmap.png' })).toBeVisible();
	await expect(name).toHaveValue('bitmap');
	await add.click();
	await expect(panel.getByText('Use a PNG, GIF or WebP image.')).toBeVisible();
	await expect(image).toBeFocused();

	// A real PNG; its file name suggests the emoji's name, which must be valid.
	await image.setInputFiles({
		name: 'Party Blob.png',
		mimeType: 'image/png',
		buffer: circlePng(32, [230, 80, 160])
	});
	await expect(name).toHaveValue('party_blob');
	await expect(panel.getByRole('img', { name: 'Preview: Party Blob.png' })).toBeVisible();
	await name.fill('Party Blob');
	await add.click();
	await expect(panel.getByText('Use only lowercase letters, digits and underscores')).toBeVisible();
	await expect(name).toBeFocused();
	await name.fill('party_blob');
	await add.click();
	await expect(panel.getByText(':party_blob: added.')).toBeVisible();
	const list = panel.getByRole('list', { name: 'Custom emoji' });
	const row = list.getByRole('listitem').filter({ hasText: ':party_blob:' });
	await expect(row).toBeVisible();
	await expect.poll(() => naturalWidth(row.getByRole('img', { name: ':party_blob:' }))).toBe(32);

	// The same name again is refused beside the name field.
	await image.setInputFiles({
		name: 'again.png',
		mimeType: 'image/png',
		buffer: circlePng(16, [40, 160, 90])
	});
	await name.fill('party_blob');
	await add.click();
	await expect(panel.getByText('There is already an emoji called :party_blob:.')).toBeVisible();
	await expect(list.getByRole('listitem')).toHaveCount(1);
	await expectAccessible(alice.page, 'community settings with custom emoji');

	// Back in the channel: `:party_b` suggests the community's emoji first; Tab takes it.
	await alice.page.getByRole('link', { name: 'general' }).click();
	await expect(alice.page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	await composer(alice.page).fill('Shipped it ');
	await composer(alice.page).pressSequentially(':party_b');
	const suggestions = alice.page.getByRole('listbox', { name: 'Emoji' });
	await expect(suggestions.getByRole('option', { selected: true })).toContainText(':party_blob:');
	await composer(alice.page).press('Tab');
	await expect(composer(alice.page)).toHaveValue('Shipped it :party_blob: ');
	// Unknown names stay text.
	await composer(alice.page).pressSequentially('and :not_an_emoji:');
	await composer(alice.page).press('Enter');
	await expect(composer(alice.page)).toHaveValue('');

	for (const page of [alice.page, bob.page]) {
		const text = message(page, 'Shipped it').getByTestId('message-text');
		const emoji = text.getByRole('img', { name: ':party_blob:' });
		await expect(emoji).toBeVisible();
		await expect(emoji).toHaveAttribute('src', /\/api\/files\/[0-9a-f-]+\?token=./);
		await expect.poll(() => naturalWidth(emoji)).toBeGreaterThan(0);
		await expect(text).toContainText('Shipped it  and :not_an_emoji:');
		await expect(text.getByRole('img')).toHaveCount(1);
	}

	// Bob reacts with it from the picker's "This community" tab.
	const onBob = message(bob.page, 'Shipped it');
	await onBob.hover();
	await onBob.getByRole('button', { name: 'Add reaction' }).click();
	await onBob.getByRole('button', { name: 'More reactions' }).click();
	const picker = bob.page.getByRole('dialog', { name: 'Add a reaction' });
	await picker.getByRole('tab', { name: 'This community' }).click();
	const panelGrid = picker.getByRole('group', { name: 'This community' });
	const choice = panelGrid.getByRole('button', { name: ':party_blob:', exact: true });
	await expect.poll(() => naturalWidth(choice.locator('img'))).toBeGreaterThan(0);
	await expectAccessible(bob.page, 'emoji picker with community emoji');
	await choice.click();
	await expect(picker).toBeHidden();

	for (const page of [bob.page, alice.page]) {
		const reaction = message(page, 'Shipped it').getByRole('button', {
			name: /^:party_blob: 1 reaction/
		});
		await expect(reaction).toBeVisible();
		await expect.poll(() => naturalWidth(reaction.locator('img'))).toBeGreaterThan(0);
		await expect(reaction).toContainText('1');
	}
	// Searching finds it too, and the recently used tab offers it in this community.
	await onBob.getByRole('button', { name: 'Add reaction' }).click();
	await onBob.getByRole('button', { name: 'More reactions' }).click();
	await expect(picker.getByRole('tab', { name: 'Recently used', selected: true })).toBeVisible();
	await expect(picker.getByRole('button', { name: ':party_blob:', exact: true })).toBeVisible();
	await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('blob');
	await expect(
		picker.getByRole('group', { name: 'Search results' }).getByRole('button').first()
	).toHaveAccessibleName(':party_blob:');
	await bob.page.keyboard.press('Escape');
	await expect(picker).toBeHidden();

	// Deleted: the message shows `:party_blob:` as text again (for the admin at once).
	const again = await openCommunitySettings(alice.page);
	await again.getByRole('button', { name: 'Delete :party_blob:' }).click();
	const confirm = again.getByRole('button', { name: 'Yes, delete :party_blob:' });
	await expect(confirm).toBeFocused();
	await confirm.click();
	await expect(again.getByText('No custom emoji yet.')).toBeVisible();
	await alice.page.getByRole('link', { name: 'general' }).click();
	const text = message(alice.page, 'Shipped it').getByTestId('message-text');
	await expect(text).toContainText('Shipped it :party_blob: and :not_an_emoji:');
	await expect(text.getByRole('img')).toHaveCount(0);
});

test('phone width: the emoji settings by keyboard', async ({ newContext }) => {
	test.setTimeout(90_000);
	const alice = await person(await newContext({ viewport: { width: 390, height: 844 } }), 'admin');
	const page = alice.page;
	await page.getByRole('button', { name: 'Open navigation' }).click();
	await createCommunity(page);
	await page.getByRole('button', { name: 'Open navigation' }).click();
	const panel = await openCommunitySettings(page);

	// The file input opens the chooser from the keyboard; Tab reaches the name, Enter adds.
	const image = panel.getByLabel('Image', { exact: true });
	await image.focus();
	const chooser = page.waitForEvent('filechooser');
	await page.keyboard.press('Space');
	await (
		await chooser
	).setFiles({ name: 'wave.png', mimeType: 'image/png', buffer: circlePng(24, [60, 120, 220]) });
	await page.keyboard.press('Tab');
	const name = panel.getByRole('textbox', { name: /^Name/ });
	await expect(name).toBeFocused();
	await expect(name).toHaveValue('wave');
	await page.keyboard.press('Enter');
	await expect(panel.getByText(':wave: added.')).toBeVisible();
	const row = panel.getByRole('list', { name: 'Custom emoji' }).getByRole('listitem');
	await expect(row).toHaveCount(1);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	const box = await row.boundingBox();
	expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
	await expectAccessible(page, 'emoji settings on a phone');

	// Delete, cancel (focus back on Delete), delete again and confirm: focus lands in the form.
	const remove = panel.getByRole('button', { name: 'Delete :wave:' });
	await remove.focus();
	await page.keyboard.press('Enter');
	await expect(panel.getByRole('button', { name: 'Yes, delete :wave:' })).toBeFocused();
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await expect(remove).toBeFocused();
	await page.keyboard.press('Enter');
	await page.keyboard.press('Enter');
	await expect(panel.getByText('No custom emoji yet.')).toBeVisible();
	await expect(image).toBeFocused();
});
