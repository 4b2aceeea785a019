/**
 * Moderation from a member's menu and a message's toolbar (SPEC: moderation actions in
 * the member and message context menus): the owner warns, times out (the member's
 * composer closes live in their own browser, and the list marks them), removes the
 * timeout, kicks and bans; a moderator on a phone sees actions only for people below
 * them, and the server's refusal shows in the dialog.
 */
import {
	acceptInvite,
	composer,
	createCommunity,
	invitePath,
	message,
	person
} from './chat-support';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { apiClient, uniqueName } from './support';
import type { Page } from '@playwright/test';

function memberRow(page: Page, username: string) {
	return page
		.getByRole('complementary', { name: 'Members' })
		.getByRole('listitem')
		.filter({ hasText: username });
}

/** Signs in through the API: the bearer header and the user's ID. */
async function apiAuth(account: { username: string; password: string }) {
	const api = await apiClient();
	const login = await api.post('/api/auth/login', {
		data: { username: account.username, password: account.password }
	});
	expect(login.status(), await login.text()).toBe(200);
	const body = (await login.json()) as { access_token: string; user: { id: string } };
	await api.dispose();
	return { headers: { authorization: `Bearer ${body.access_token}` }, userId: body.user.id };
}

test('the owner warns, times out, kicks and bans from the member list and a message', async ({
	context,
	newContext
}) => {
	test.setTimeout(150_000);
	const admin = await person(context, 'admin');
	const community = await createCommunity(admin.page);
	const [communityId] = new URL(admin.page.url()).pathname.split('/').slice(2);
	const path = await invitePath(admin.page);
	const bob = await person(await newContext(), 'bob');
	await acceptInvite(bob.page, path);
	const carol = await person(await newContext(), 'carol');
	await acceptInvite(carol.page, path);
	const dave = await person(await newContext(), 'dave');
	await acceptInvite(dave.page, path);

	const bobRow = memberRow(admin.page, bob.account.username);
	await expect(bobRow).toBeVisible();
	await expect(memberRow(admin.page, dave.account.username)).toBeVisible();
	// Nobody moderates themself; members see no moderation at all.
	await expect(
		memberRow(admin.page, admin.account.username).getByRole('button', { name: /^More actions/ })
	).toHaveCount(0);
	await expect(
		memberRow(bob.page, carol.account.username).getByRole('button', { name: /^More actions/ })
	).toHaveCount(0);

	// The keyboard: the menu opens on its first item, arrows move, Escape gives focus back.
	const more = bobRow.getByRole('button', { name: `More actions for ${bob.account.username}` });
	await expect(more).toHaveAttribute('aria-haspopup', 'menu');
	await more.focus();
	await admin.page.keyboard.press('Enter');
	const menu = admin.page.getByRole('menu', { name: `Actions for ${bob.account.username}` });
	await expect(menu.getByRole('menuitem')).toHaveText(['Warn', 'Time out', 'Kick', 'Ban']);
	await expect(menu.getByRole('menuitem', { name: 'Warn' })).toBeFocused();
	await expect(more).toHaveAttribute('aria-expanded', 'true');
	await admin.page.keyboard.press('ArrowUp');
	await expect(menu.getByRole('menuitem', { name: 'Ban' })).toBeFocused();
	await admin.page.keyboard.press('Escape');
	await expect(menu).toHaveCount(0);
	await expect(more).toBeFocused();
	await expect(more).toHaveAttribute('aria-expanded', 'false');

	// A warning needs a reason, and says it went out.
	await admin.page.keyboard.press('ArrowDown');
	await expect(menu.getByRole('menuitem', { name: 'Warn' })).toBeFocused();
	await admin.page.keyboard.press('Enter');
	const warn = admin.page.getByRole('dialog', { name: `Warn ${bob.account.username}` });
	await expect(warn.getByLabel('Reason')).toBeFocused();
	await warn.getByRole('button', { name: 'Warn', exact: true }).click();
	await expect(warn).toContainText('Say why you are warning them.');
	await warn.getByLabel('Reason').fill('Keep it civil, please.');
	await warn.getByRole('button', { name: 'Warn', exact: true }).click();
	await expect(warn.getByRole('status')).toHaveText(`${bob.account.username} was warned.`);
	await warn.getByRole('button', { name: 'Done' }).click();
	await expect(warn).toHaveCount(0);
	await expect(more).toBeFocused();

	// A timeout closes Bob's composer at once, and the list marks him.
	await more.click();
	await menu.getByRole('menuitem', { name: 'Time out' }).click();
	const timeout = admin.page.getByRole('dialog', { name: `Time out ${bob.account.username}` });
	await expect(timeout.getByLabel('Duration')).toBeFocused();
	await timeout.getByLabel('Duration').selectOption({ label: '5 minutes' });
	await timeout.getByLabel('Reason (optional)').fill('Cool down.');
	await expectAccessible(admin.page, 'time-out dialog');
	await timeout.getByRole('button', { name: 'Time out', exact: true }).click();
	await expect(timeout).toHaveCount(0);
	await expect(composer(bob.page)).toBeDisabled();
	await expect(composer(bob.page)).toHaveAttribute('placeholder', /^You are timed out\./);
	await expect(bobRow).toContainText('Timed out until');

	// A right-click on his row opens the same menu, now with "Remove timeout".
	await bobRow.getByText(bob.account.username, { exact: true }).click({ button: 'right' });
	await expect(menu.getByRole('menuitem')).toHaveText([
		'Warn',
		'Change timeout',
		'Remove timeout',
		'Kick',
		'Ban'
	]);
	await expectAccessible(admin.page, 'member menu');
	await menu.getByRole('menuitem', { name: 'Remove timeout' }).click();
	const untimeout = admin.page.getByRole('dialog', {
		name: `Remove ${bob.account.username}’s timeout?`
	});
	await untimeout.getByRole('button', { name: 'Remove timeout' }).click();
	await expect(untimeout).toHaveCount(0);
	await expect(composer(bob.page)).toBeEnabled();
	await expect(bobRow).not.toContainText('Timed out until');

	// Carol's message offers "Kick author"; she sees that she was removed.
	const text = uniqueName('Buy followers ');
	await composer(carol.page).fill(text);
	await composer(carol.page).press('Enter');
	const spam = message(admin.page, text);
	await spam.hover();
	await spam.getByRole('button', { name: `Moderate ${carol.account.username}` }).click();
	const authorMenu = admin.page.getByRole('menu', { name: `Moderate ${carol.account.username}` });
	await expect(authorMenu.getByRole('menuitem')).toHaveText([
		'Warn author',
		'Time out author',
		'Kick author',
		'Ban author'
	]);
	await authorMenu.getByRole('menuitem', { name: 'Kick author' }).click();
	const kick = admin.page.getByRole('dialog', { name: `Kick ${carol.account.username}?` });
	await kick.getByRole('button', { name: 'Kick', exact: true }).click();
	await expect(kick).toHaveCount(0);
	await expect(
		carol.page
			.getByRole('main')
			.getByRole('heading', { name: `You were removed from ${community}` })
	).toBeVisible();
	await expect(memberRow(admin.page, carol.account.username)).toHaveCount(0);
	// Someone no longer in the community has nothing left to moderate.
	await expect(spam.getByRole('button', { name: /^Moderate / })).toHaveCount(0);

	// Dave is banned from the list, and the ban is on record.
	await memberRow(admin.page, dave.account.username)
		.getByRole('button', { name: `More actions for ${dave.account.username}` })
		.click();
	await admin.page
		.getByRole('menu', { name: `Actions for ${dave.account.username}` })
		.getByRole('menuitem', { name: 'Ban' })
		.click();
	const ban = admin.page.getByRole('dialog', { name: `Ban ${dave.account.username}?` });
	await ban.getByLabel('Reason (optional)').fill('Spam bot.');
	await ban.getByRole('button', { name: 'Ban', exact: true }).click();
	await expect(ban).toHaveCount(0);
	await expect(
		dave.page.getByRole('main').getByRole('heading', { name: `You were banned from ${community}` })
	).toBeVisible();
	await expect(memberRow(admin.page, dave.account.username)).toHaveCount(0);
	const owner = await apiAuth(admin.account);
	const api = await apiClient();
	const bans = await api.get(`/api/communities/${communityId}/bans`, { headers: owner.headers });
	expect(bans.status(), await bans.text()).toBe(200);
	expect(await bans.json()).toEqual([
		expect.objectContaining({ username: dave.account.username, reason: 'Spam bot.' })
	]);
	await api.dispose();
});

test('a moderator on a phone acts only below them and sees the server refuse', async ({
	context,
	newContext,
	allowConsoleErrors
}) => {
	test.setTimeout(120_000);
	// The kick below is refused (403), as the test checks.
	allowConsoleErrors(httpStatusMessage(403));
	const admin = await person(context, 'admin');
	await createCommunity(admin.page);
	const [communityId] = new URL(admin.page.url()).pathname.split('/').slice(2);
	const path = await invitePath(admin.page);
	const mod = await person(await newContext({ viewport: { width: 375, height: 740 } }), 'mod');
	await acceptInvite(mod.page, path);
	const carol = await person(await newContext(), 'carol');
	await acceptInvite(carol.page, path);

	const owner = await apiAuth(admin.account);
	const promote = async (userId: string) => {
		const api = await apiClient();
		const promoted = await api.patch(`/api/communities/${communityId}/members/${userId}`, {
			headers: owner.headers,
			data: { role: 'moderator' }
		});
		expect(promoted.status(), await promoted.text()).toBe(200);
		await api.dispose();
	};
	await promote((await apiAuth(mod.account)).userId);
	await mod.page.reload();
	await mod.page.getByRole('button', { name: 'Show members' }).click();

	// Nothing on the owner (above) or on themself; Carol (below) has the menu.
	const moreFor = (username: string) =>
		memberRow(mod.page, username).getByRole('button', { name: `More actions for ${username}` });
	await expect(moreFor(carol.account.username)).toBeVisible();
	await expect(moreFor(admin.account.username)).toHaveCount(0);
	await expect(moreFor(mod.account.username)).toHaveCount(0);

	await moreFor(carol.account.username).click();
	const menu = mod.page.getByRole('menu', { name: `Actions for ${carol.account.username}` });
	const box = await menu.boundingBox();
	expect(box!.x).toBeGreaterThanOrEqual(0);
	expect(box!.x + box!.width).toBeLessThanOrEqual(375);
	await menu.getByRole('menuitem', { name: 'Kick' }).click();
	const kick = mod.page.getByRole('dialog', { name: `Kick ${carol.account.username}?` });
	await expect(kick).toBeVisible();

	// Carol becomes a moderator meanwhile: her menu goes, and the server refuses the kick.
	await promote((await apiAuth(carol.account)).userId);
	await expect(moreFor(carol.account.username)).toHaveCount(0);
	await kick.getByRole('button', { name: 'Kick', exact: true }).click();
	await expect(kick.getByRole('alert')).toHaveText(
		'You cannot act on someone whose role is equal to or higher than yours'
	);
	const overflow = await mod.page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(overflow).toBe(0);
	await expectAccessible(mod.page, 'refused kick at phone width');
	await mod.page.keyboard.press('Escape');
	await expect(kick).toHaveCount(0);
	await expect(memberRow(mod.page, carol.account.username)).toBeVisible();
	await expect(composer(carol.page)).toBeEnabled();
});
