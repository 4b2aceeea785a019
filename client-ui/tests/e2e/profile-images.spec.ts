/**
 * Pictures: a member sets an avatar through the cropper and the other member, with the
 * channel open, sees it appear on the message and in the profile card without a
 * reload; the owner sets a community icon that reaches a member's rail live (and
 * removing it brings the initials back); at phone width the cropper works by keyboard
 * alone, and an animated GIF goes up as it is. Every image's address is checked against the file ID the server answered.
 */
import type { Locator, Page, Response } from '@playwright/test';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { acceptInvite, createCommunity, invitePath, message, person, send } from './chat-support';
import { gif, naturalWidth, pictureSize, quartersPng } from './pictures';
import { openSettings } from './support';

/** The answer to the `PUT` of an image slot whose path ends with `slot`. */
function slotSaved(page: Page, slot: string): Promise<Response> {
	return page.waitForResponse(
		(response) =>
			response.request().method() === 'PUT' && new URL(response.url()).pathname.endsWith(slot)
	);
}

/** Picks a file through the slot's button (the file chooser, as a person would). */
async function pick(
	page: Page,
	button: Locator,
	name: string,
	buffer: Buffer,
	keyboard = false,
	mimeType = 'image/png'
) {
	const chooser = page.waitForEvent('filechooser');
	if (keyboard) {
		await button.focus();
		await page.keyboard.press('Enter');
	} else {
		await button.click();
	}
	await (await chooser).setFiles({ name, mimeType, buffer });
}

/** Presses Tab until `target` has focus (the dialog's tab order, at most `limit` steps). */
async function tabTo(page: Page, target: Locator, limit = 8) {
	for (let i = 0; i < limit; i++) {
		if (await target.evaluate((element) => element === document.activeElement)) return;
		await page.keyboard.press('Tab');
	}
	await expect(target).toBeFocused();
}

test('an avatar set through the cropper appears on messages and the profile card live', async ({
	newContext
}) => {
	test.setTimeout(120_000);
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'bob');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));
	await send(alice.page, 'Before my new avatar');
	const onBob = message(bob.page, 'Before my new avatar');
	await expect(onBob).toBeVisible();
	await expect(onBob.getByTestId('avatar-image')).toHaveCount(0);

	// Alice picks a 300×200 picture; the square crop is dragged to its left side.
	await openSettings(alice.page, 'My profile');
	const slot = alice.page.getByRole('group', { name: 'Avatar' });
	await pick(
		alice.page,
		slot.getByRole('button', { name: 'Upload avatar' }),
		'me.png',
		quartersPng(300, 200)
	);
	const dialog = alice.page.getByRole('dialog', { name: 'Crop the avatar' });
	const area = dialog.getByRole('application', { name: 'Avatar crop' });
	await expect(area).toBeFocused();
	const picture = area.locator('img');
	await expect.poll(() => naturalWidth(picture)).toBe(300);
	const before = await picture.getAttribute('style');
	const box = (await area.boundingBox())!;
	await alice.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
	await alice.page.mouse.down();
	await alice.page.mouse.move(box.x + box.width - 4, box.y + box.height / 2, { steps: 5 });
	await alice.page.mouse.up();
	await expect(picture).not.toHaveAttribute('style', before ?? '');
	const saved = slotSaved(alice.page, '/api/account/avatar');
	await dialog.getByRole('button', { name: 'Save' }).click();
	const response = await saved;
	expect(response.status(), await response.text()).toBe(200);
	const fileId = (await response.json()).avatar_file_id as string;
	expect(fileId).toMatch(/^[0-9a-f-]{36}$/);
	await expect(dialog).toBeHidden();
	await expect(slot.getByRole('status')).toHaveText('Avatar updated.');
	const thumbnail = new RegExp(`/api/files/${fileId}/thumbnail\\?token=.`);
	// Her own menu shows it at once.
	await expect(alice.page.getByTestId('avatar-image').first()).toHaveAttribute('src', thumbnail);

	// Bob, who never reloaded, sees it on her message and in the member list.
	const avatar = onBob.getByTestId('avatar-image');
	await expect(avatar).toHaveAttribute('src', thumbnail);
	await expect.poll(() => naturalWidth(avatar)).toBeGreaterThan(0);
	// The server got the crop: a 200×200 square (never enlarged to 512). Measured on the file
	// itself: what the thumbnail URL gives depends on whether the thumbnail was made yet.
	const content = new URL((await avatar.getAttribute('src'))!);
	content.pathname = content.pathname.replace(/\/thumbnail$/, '');
	expect(await pictureSize(bob.page, content.href)).toEqual({ width: 200, height: 200 });
	const members = bob.page.getByRole('complementary', { name: 'Members' });
	await expect(
		members
			.getByRole('listitem')
			.filter({ hasText: alice.account.username })
			.getByTestId('avatar-image')
	).toHaveAttribute('src', thumbnail);

	// Her name opens her profile card; Escape closes it and focus returns to the name.
	const name = onBob.getByRole('button', { name: alice.account.username, exact: true });
	await name.click();
	const card = bob.page.getByRole('dialog', { name: alice.account.username });
	await expect(card.getByText(`@${alice.account.username}`)).toBeVisible();
	await expect(card.getByTestId('avatar-image')).toHaveAttribute('src', thumbnail);
	await expectAccessible(bob.page, 'profile card');
	await bob.page.keyboard.press('Escape');
	await expect(card).toBeHidden();
	await expect(name).toBeFocused();
});

test("a community icon set by the owner reaches a member's rail live", async ({ newContext }) => {
	test.setTimeout(120_000);
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'bob');
	const community = await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));
	const railEntry = (page: Page) =>
		page
			.getByRole('navigation', { name: 'Spaces' })
			.getByRole('link', { name: new RegExp(`^${community}`) });
	await expect(railEntry(bob.page)).toBeVisible();
	await expect(railEntry(bob.page).getByTestId('community-icon')).toHaveCount(0);

	await alice.page.getByRole('link', { name: 'Community settings' }).click();
	const slot = alice.page
		.getByRole('region', { name: 'Icon and banner' })
		.getByRole('group', { name: 'Community icon' });
	await pick(
		alice.page,
		slot.getByRole('button', { name: 'Upload community icon' }),
		'logo.png',
		quartersPng(120, 120)
	);
	const dialog = alice.page.getByRole('dialog', { name: 'Crop the community icon' });
	await expect(dialog.getByRole('application', { name: 'Community icon crop' })).toBeFocused();
	await alice.page.keyboard.press('+');
	const saved = slotSaved(alice.page, '/icon');
	await dialog.getByRole('button', { name: 'Save' }).click();
	const response = await saved;
	expect(response.status(), await response.text()).toBe(200);
	const body = await response.json();
	expect(body.my_role).toBe('owner');
	const iconUrl = new RegExp(`/api/files/${body.icon_file_id}/thumbnail\\?token=.`);

	for (const page of [alice.page, bob.page]) {
		const icon = railEntry(page).getByTestId('community-icon');
		await expect(icon).toHaveAttribute('src', iconUrl);
		await expect.poll(() => naturalWidth(icon)).toBeGreaterThan(0);
	}
	// The owner's role survived the event every member got (it carries none).
	await expect(alice.page.getByRole('link', { name: 'Community settings' })).toBeVisible();

	// Removed: the initials come back for the member.
	await slot.getByRole('button', { name: 'Remove community icon' }).click();
	await expect(slot.getByRole('status')).toHaveText('Community icon removed.');
	await expect(slot.getByRole('button', { name: 'Upload community icon' })).toBeFocused();
	await expect(railEntry(bob.page).getByTestId('community-icon')).toHaveCount(0);
});

test('phone width: the cropper by keyboard alone', async ({ newContext }) => {
	test.setTimeout(90_000);
	const width = 375;
	const alice = await person(await newContext({ viewport: { width, height: 740 } }), 'admin');
	const page = alice.page;
	await page.goto('/settings/profile');
	const slot = page.getByRole('group', { name: 'Profile banner' });
	await pick(
		page,
		slot.getByRole('button', { name: 'Upload profile banner' }),
		'sky.png',
		quartersPng(900, 600),
		true
	);
	const dialog = page.getByRole('dialog', { name: 'Crop the profile banner' });
	const area = dialog.getByRole('application', { name: 'Profile banner crop' });
	await expect(area).toBeFocused();
	const picture = area.locator('img');
	await expect.poll(() => naturalWidth(picture)).toBe(900);

	// The dialog and its crop area fit the screen.
	const frame = (await dialog.boundingBox())!;
	expect(frame.x).toBeGreaterThanOrEqual(0);
	expect(frame.x + frame.width).toBeLessThanOrEqual(width);
	const crop = (await area.boundingBox())!;
	expect(crop.width / crop.height).toBeCloseTo(3, 1);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		width
	);
	await expectAccessible(page, 'the cropper on a phone');

	// Arrows move the picture, + and − zoom (the slider follows).
	const zoom = dialog.getByRole('slider', { name: 'Zoom' });
	await expect(zoom).toHaveAttribute('aria-valuetext', '100%');
	const before = await picture.getAttribute('style');
	await page.keyboard.press('ArrowDown');
	await page.keyboard.press('ArrowDown');
	await expect(picture).not.toHaveAttribute('style', before ?? '');
	await page.keyboard.press('+');
	await page.keyboard.press('+');
	await expect(zoom).toHaveAttribute('aria-valuetext', '121%');
	await page.keyboard.press('-');
	await expect(zoom).toHaveAttribute('aria-valuetext', '110%');
	const moved = await picture.getAttribute('style');
	await page.keyboard.press('ArrowLeft');
	await expect(picture).not.toHaveAttribute('style', moved ?? '');

	// Tab reaches Save; Enter uploads; focus returns to the slot's button.
	const save = dialog.getByRole('button', { name: 'Save' });
	await tabTo(page, save);
	const saved = slotSaved(page, '/api/account/banner');
	await page.keyboard.press('Enter');
	const response = await saved;
	expect(response.status(), await response.text()).toBe(200);
	const fileId = (await response.json()).banner_file_id as string;
	await expect(dialog).toBeHidden();
	await expect(slot.getByRole('button', { name: 'Change profile banner' })).toBeFocused();
	const preview = slot.getByRole('img', { name: 'Current profile banner' });
	await expect(preview).toHaveAttribute('src', new RegExp(`/api/files/${fileId}\\?token=.`));
	// A crop of 900×300 at 110%: about 818×273 pixels, never enlarged to 1500×500.
	await expect.poll(() => naturalWidth(preview)).toBe(818);
});

test('an animated GIF goes up as it is, without the cropper', async ({
	newContext,
	allowConsoleErrors
}) => {
	// The first try is answered with the server's refusal (over the quota), shown in the dialog.
	allowConsoleErrors(httpStatusMessage(413));
	const alice = await person(await newContext(), 'admin');
	const page = alice.page;
	await openSettings(page, 'My profile');
	const slot = page.getByRole('group', { name: 'Avatar' });
	await pick(
		page,
		slot.getByRole('button', { name: 'Upload avatar' }),
		'wave.gif',
		gif(2),
		false,
		'image/gif'
	);
	// No cropping: the dialog is about the new avatar as it is.
	const dialog = page.getByRole('dialog', { name: 'New avatar' });
	await expect(dialog.getByText('Animated GIFs are uploaded as they are')).toBeVisible();
	await expect(dialog.getByRole('application')).toHaveCount(0);
	await expect(dialog.getByRole('img', { name: 'Preview of wave.gif' })).toBeVisible();

	// Held until the progress bar was seen, then refused: the server's sentence shows and
	// the dialog stays open for another try.
	let release!: () => void;
	const held = new Promise<void>((done) => (release = done));
	await page.route('**/api/account/avatar', async (route) => {
		await held;
		await route.fulfill({
			status: 413,
			contentType: 'application/json',
			body: JSON.stringify({ code: 'quota_exceeded', message: 'storage quota exceeded' })
		});
	});
	const save = dialog.getByRole('button', { name: 'Save' });
	await save.click();
	await expect(dialog.getByRole('progressbar', { name: 'Uploading the avatar' })).toBeVisible();
	release();
	await expect(dialog.getByRole('alert')).toHaveText('Storage quota exceeded');
	await expect(dialog.getByRole('progressbar')).toHaveCount(0);
	await page.unroute('**/api/account/avatar');

	const saved = slotSaved(page, '/api/account/avatar');
	await save.click();
	const response = await saved;
	expect(response.status(), await response.text()).toBe(200);
	const fileId = (await response.json()).avatar_file_id as string;
	const avatar = slot.getByTestId('avatar-image');
	await expect(avatar).toHaveAttribute(
		'src',
		new RegExp(`/api/files/${fileId}/thumbnail\\?token=.`)
	);
	await expect.poll(() => naturalWidth(avatar)).toBe(1);
	// The server holds a GIF with both frames, not a canvas's redrawing of the first.
	const stored = await page.request.get((await avatar.getAttribute('src'))!);
	expect(stored.headers()['content-type']).toBe('image/gif');
	const bytes = await stored.body();
	expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
	expect(bytes.includes(Buffer.from([0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4c, 0x01]))).toBe(
		true
	);
});
