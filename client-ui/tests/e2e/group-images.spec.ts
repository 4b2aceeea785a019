/**
 * Group pictures for a group's own admins: the owner makes a member admin of one group
 * (through the API); the "Group settings" entry appears for them live, and at phone
 * width, by keyboard, they set that group's icon, which the owner and a plain member see
 * in the sidebar without a reload. The plain member has no entry and no settings.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, expectAccessible, test } from './fixtures';
import { acceptInvite, createCommunity, invitePath, person } from './chat-support';
import { naturalWidth, quartersPng } from './pictures';
import { apiClient, apiLogin, uniqueName } from './support';

const PHONE = { width: 390, height: 844 };

/** A group's section in the community's channel sidebar. */
function groupSection(page: Page, name: string): Locator {
	return page.getByRole('region', { name, exact: true });
}

/** The sidebar's gear, whichever settings it opens. */
function settingsEntry(page: Page): Locator {
	return page.getByRole('link', { name: /^(Group|Community) settings$/ });
}

test("a group's admin sets its icon from Group settings and everyone sees it live", async ({
	newContext
}) => {
	test.setTimeout(150_000);
	const alice = await person(await newContext(), 'admin');
	await createCommunity(alice.page);
	const communityId = new URL(alice.page.url()).pathname.split('/')[2]!;

	// The owner adds a second group through the API; everyone joins after it exists.
	const api = await apiClient();
	const auth = {
		authorization: `Bearer ${await apiLogin(alice.account.username, alice.account.password)}`
	};
	const groupName = uniqueName('Design ');
	const created = await api.post(`/api/communities/${communityId}/groups`, {
		headers: auth,
		data: { name: groupName, visibility: 'public' }
	});
	expect(created.status(), await created.text()).toBe(201);
	const groupId = (await created.json()).id as string;
	await alice.page.reload();
	await expect(groupSection(alice.page, groupName)).toBeVisible();

	const invite = await invitePath(alice.page);
	const bob = await person(await newContext({ viewport: PHONE }), 'bob');
	const carol = await person(await newContext(), 'carol');
	await acceptInvite(bob.page, invite);
	await acceptInvite(carol.page, invite);

	// Plain members: no settings entry for either of them.
	for (const page of [bob.page, carol.page]) {
		await expect(groupSection(page, groupName)).toBeAttached();
		await expect(settingsEntry(page)).toHaveCount(0);
	}

	// The owner makes Bob an admin of the group (not of the community).
	const members = await api.get(`/api/communities/${communityId}/members`, { headers: auth });
	const bobId = ((await members.json()) as { user_id: string; username: string }[]).find(
		(m) => m.username === bob.account.username
	)!.user_id;
	const promoted = await api.put(`/api/groups/${groupId}/members/${bobId}`, {
		headers: auth,
		data: { role: 'admin' }
	});
	expect(promoted.status(), await promoted.text()).toBe(204);
	await api.dispose();

	// On his phone, Bob's sidebar now offers "Group settings" (live); he goes there by keyboard.
	const page = bob.page;
	await page.getByRole('button', { name: 'Open navigation' }).click();
	const entry = page.getByRole('link', { name: 'Group settings' });
	await expect(entry).toBeVisible();
	await expect(page.getByRole('link', { name: 'Community settings' })).toHaveCount(0);
	await entry.focus();
	await page.keyboard.press('Enter');
	await expect(page.getByRole('heading', { name: 'Group settings', level: 1 })).toBeVisible();
	await expect(page.getByText('Only admins can change this community')).toHaveCount(0);
	const panel = page.getByRole('region', { name: 'Group pictures' });
	// Only the group he administers, and none of the community's own settings.
	await expect(panel.getByRole('combobox', { name: 'Group' }).locator('option')).toHaveText([
		groupName
	]);
	await expect(page.getByRole('region', { name: 'Icon and banner' })).toHaveCount(0);
	await expect(page.getByRole('region', { name: 'Emoji', exact: true })).toHaveCount(0);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
		PHONE.width
	);
	await expectAccessible(page, 'group settings on a phone');

	const slot = panel.getByRole('group', { name: 'Group icon' });
	const upload = slot.getByRole('button', { name: 'Upload group icon' });
	await upload.focus();
	const chooser = page.waitForEvent('filechooser');
	await page.keyboard.press('Enter');
	await (
		await chooser
	).setFiles({ name: 'design.png', mimeType: 'image/png', buffer: quartersPng(120, 120) });
	const dialog = page.getByRole('dialog', { name: 'Crop the group icon' });
	await expect(dialog.getByRole('application', { name: 'Group icon crop' })).toBeFocused();
	const saved = page.waitForResponse(
		(response) =>
			response.request().method() === 'PUT' &&
			new URL(response.url()).pathname === `/api/groups/${groupId}/icon`
	);
	await dialog.getByRole('button', { name: 'Save' }).focus();
	await page.keyboard.press('Enter');
	const response = await saved;
	expect(response.status(), await response.text()).toBe(200);
	const body = await response.json();
	expect(body.my_role).toBe('admin');
	await expect(dialog).toBeHidden();
	await expect(slot.getByRole('status')).toHaveText('Group icon updated.');
	const iconUrl = new RegExp(`/api/files/${body.icon_file_id}/thumbnail\\?token=.`);
	await expect(slot.getByTestId('avatar-image')).toHaveAttribute('src', iconUrl);

	// The owner and the plain member see it beside the group's name, without a reload.
	for (const other of [alice.page, carol.page]) {
		const icon = groupSection(other, groupName).getByTestId('avatar-image');
		await expect(icon).toHaveAttribute('src', iconUrl);
		await expect.poll(() => naturalWidth(icon)).toBeGreaterThan(0);
	}
	// Bob's entry survived the refetch that the change caused.
	await page.getByRole('button', { name: 'Open navigation' }).click();
	await expect(page.getByRole('link', { name: 'Group settings' })).toBeVisible();
	await page.keyboard.press('Escape');

	// The plain member still has no entry; the settings address tells them who can.
	await expect(settingsEntry(carol.page)).toHaveCount(0);
	await carol.page.goto(`/c/${communityId}/settings`);
	await expect(carol.page.getByText('Only admins can change this community')).toBeVisible();
	await expect(carol.page.getByRole('region', { name: 'Group pictures' })).toHaveCount(0);
	await expect(
		carol.page.getByRole('heading', { name: 'Community settings', level: 1 })
	).toBeVisible();
});
