/**
 * Issue 21, continued: what a live view shows must be what a reload shows and what the
 * reader asked for: a search jump happens once, pins and deletions look the same live
 * and after a reload, the member list's message button stays whole, an empty channel
 * offers the next step, phones spend one row on headers, and the audit log names every
 * action in words.
 */
import type { Page } from '@playwright/test';
import {
	acceptInvite,
	communityWithMember,
	createCommunity,
	composer,
	invitePath,
	message,
	person,
	poster,
	send
} from './chat-support';
import { expect, test } from './fixtures';
import { apiClient, apiLogin } from './support';

function messageViewport(page: Page) {
	return page.getByRole('region', { name: /^Messages in / });
}

/** The open community and channel, from the URL (`/c/{community}/{channel}`). */
function place(page: Page) {
	const [, , communityId, channelId] = new URL(page.url()).pathname.split('/');
	return { communityId: communityId!, channelId: channelId! };
}

async function goHome(page: Page) {
	await page.getByRole('link', { name: 'Home', exact: true }).click();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
}

async function searchAndOpen(page: Page, query: string) {
	const panel = page.getByRole('complementary', { name: 'Search' });
	// On wide screens the panel stays open after a result was opened.
	if (!(await panel.isVisible())) {
		await page.getByRole('button', { name: 'Search', exact: true }).click();
	}
	await panel.getByRole('searchbox', { name: 'Search messages' }).fill(query);
	await panel.getByRole('button', { name: 'Search', exact: true }).click();
	await panel.getByRole('list', { name: 'Search results' }).getByRole('button').first().click();
}

test('a search jump happens once: the channel opens at the present again', async ({ context }) => {
	test.setTimeout(150_000);
	const admin = await person(context, 'admin');
	const page = admin.page;
	const community = await createCommunity(page);
	const { communityId, channelId } = place(page);
	const auth = {
		authorization: `Bearer ${await apiLogin(admin.account.username, admin.account.password)}`
	};
	const posters = [await poster(communityId, auth), await poster(communityId, auth)];
	// Away while the history is written (reading at the bottom would mark each message read).
	await goHome(page);
	await posters[0]!.post(channelId, 'Needle from the first minutes');
	for (let n = 1; n <= 30; n += 1) await posters[n % 2]!.post(channelId, `Chatter ${n}`);
	const rail = page.getByRole('navigation', { name: 'Spaces' });
	const openCommunity = () => rail.getByRole('link', { name: new RegExp(`^${community}`) }).click();
	await openCommunity();
	const newest = message(page, 'Chatter 30');
	await expect(newest).toBeInViewport();

	// The result is in the loaded page, but the view is on old history: the way back is offered.
	await searchAndOpen(page, 'needle');
	const needle = message(page, 'Needle from the first minutes');
	await expect(needle).toBeInViewport();
	await expect(needle).toHaveClass(/highlighted/);
	await expect(newest).not.toBeInViewport();
	const present = page.getByRole('button', { name: 'Jump to present' });
	await expect(present).toBeVisible();

	// Elsewhere and back: the channel shows its newest messages, not the old result again.
	await goHome(page);
	await openCommunity();
	await expect(page).toHaveURL(new RegExp(`/c/${communityId}/${channelId}$`));
	await expect(newest).toBeInViewport();
	await expect(needle).not.toBeInViewport();
	await expect(present).toHaveCount(0);

	// "Jump to present" goes back from the result.
	await searchAndOpen(page, 'needle');
	await expect(needle).toBeInViewport();
	await present.click();
	await expect(newest).toBeInViewport();
	await expect(present).toHaveCount(0);

	// So does the channel's own link while the address still names the result.
	await searchAndOpen(page, 'needle');
	await expect(page).toHaveURL(/\?message=/);
	await expect(needle).toBeInViewport();
	await page
		.getByRole('navigation', { name: `${community} channels` })
		.getByRole('link', { name: 'general' })
		.click();
	await expect(page).toHaveURL(new RegExp(`/c/${communityId}/${channelId}$`));
	await expect(newest).toBeInViewport();
	await expect(present).toHaveCount(0);
	for (const someone of posters) await someone.dispose();
});

test('pins show on grouped messages; a deletion leaves the same tombstone live and after a reload', async ({
	context,
	newContext
}) => {
	const { admin, bob } = await communityWithMember(context, newContext);

	// Two messages in a row by one author: the second is grouped under the first's header.
	await send(admin.page, 'First of a group');
	await send(admin.page, 'Second of a group 🎉');
	const second = message(admin.page, 'Second of a group');
	await expect(second).toHaveClass(/grouped/);
	await second.hover();
	await second.getByRole('button', { name: 'Pin', exact: true }).click();
	await expect(second.getByText('Pinned')).toBeVisible();
	const bobsSecond = message(bob.page, 'Second of a group');
	await expect(bobsSecond.getByText('Pinned')).toBeVisible();
	await expect(message(bob.page, 'First of a group').getByText('Pinned')).toHaveCount(0);

	// Emoji in text are drawn by a colour emoji font, not a text font's symbols.
	const fonts = await bobsSecond
		.getByTestId('message-text')
		.evaluate((text) => getComputedStyle(text).fontFamily);
	expect(fonts).toContain('Noto Color Emoji');
	expect(fonts).toContain('Apple Color Emoji');
	expect(fonts).toContain('Segoe UI Emoji');

	// Bob answers the message the admin then deletes.
	await send(admin.page, 'Soon gone');
	const doomed = message(bob.page, 'Soon gone');
	await doomed.hover();
	await doomed.getByRole('button', { name: 'Reply', exact: true }).click();
	await send(bob.page, 'What was gone?');
	const gone = message(admin.page, 'Soon gone');
	await gone.hover();
	await gone.getByRole('button', { name: 'Delete', exact: true }).click();
	await admin.page
		.getByRole('dialog', { name: 'Delete message?' })
		.getByRole('button', { name: 'Delete' })
		.click();

	// Live, both see what history keeps: a tombstone in its place, the reply still after it.
	const tombstone = (page: Page) => messageViewport(page).getByText('This message was deleted.');
	for (const page of [admin.page, bob.page]) {
		await expect(tombstone(page)).toHaveCount(1);
		await expect(message(page, 'Soon gone')).toHaveCount(0);
		await expect(message(page, 'What was gone?')).toBeVisible();
	}
	await bob.page.reload();
	await expect(message(bob.page, 'What was gone?')).toBeVisible();
	await expect(tombstone(bob.page)).toHaveCount(1);
	await expect(message(bob.page, 'Second of a group').getByText('Pinned')).toBeVisible();
});

test('the member list offers a direct message with a labelled button that a long name does not push out', async ({
	context,
	newContext
}) => {
	// Bob has a long name before he joins.
	const longName = 'Maximiliana Wolfeschlegelsteinhausenbergerdorff-Smythe';
	const { admin, bob } = await communityWithMember(context, newContext, async (bob) => {
		const api = await apiClient();
		const renamed = await api.patch('/api/account/me', {
			headers: {
				authorization: `Bearer ${await apiLogin(bob.account.username, bob.account.password)}`
			},
			data: { display_name: longName }
		});
		expect(renamed.status(), await renamed.text()).toBe(200);
		await api.dispose();
	});

	const members = admin.page.getByRole('complementary', { name: 'Members' });
	const button = members.getByRole('button', { name: `Message ${longName}` });
	await expect(button).toBeVisible();
	// A speech bubble, not an "@" that reads as a mention.
	await expect(button.locator('svg.lucide-message-circle')).toHaveCount(1);
	await expect(button.locator('svg.lucide-at-sign')).toHaveCount(0);

	const panel = (await members.boundingBox())!;
	const box = (await button.boundingBox())!;
	expect(box.width).toBeGreaterThanOrEqual(28);
	expect(box.x).toBeGreaterThanOrEqual(panel.x);
	expect(box.x + box.width).toBeLessThanOrEqual(panel.x + panel.width);
	// Nothing scrolls sideways: the name gives way, cut with an ellipsis.
	expect(await members.evaluate((aside) => aside.scrollWidth - aside.clientWidth)).toBe(0);
	const name = members.locator(`li[data-user="${bob.account.username}"] .name`);
	const cut = await name.evaluate((el) => ({
		overflow: el.scrollWidth > el.clientWidth,
		ellipsis: getComputedStyle(el).textOverflow
	}));
	expect(cut).toEqual({ overflow: true, ellipsis: 'ellipsis' });

	await button.click();
	await expect(admin.page).toHaveURL(/\/dm\/[0-9a-f-]+$/);
	await expect(composer(admin.page)).toHaveAccessibleName(`Message @${longName}`);
});

test('an empty channel offers inviting to those who may, and its start to everyone', async ({
	context,
	newContext
}) => {
	const admin = await person(context, 'admin');
	const community = await createCommunity(admin.page);
	const path = await invitePath(admin.page);
	const list = messageViewport(admin.page);
	await expect(list.getByText('This is the start of the #general conversation.')).toBeVisible();
	const invite = list.getByRole('button', { name: 'Invite your team' });
	await invite.click();
	const dialog = admin.page.getByRole('dialog', { name: `Invite people to ${community}` });
	await expect(dialog.getByTestId('invite-link')).toHaveValue(/\/invite\/[A-Za-z0-9_-]+$/);
	await admin.page.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);
	await expect(invite).toBeFocused();

	// A member (invites are for moderators and up here) sees the start, without the offer.
	const bob = await person(await newContext(), 'bob');
	await acceptInvite(bob.page, path);
	const bobsList = messageViewport(bob.page);
	await expect(bobsList.getByText('This is the start of the #general conversation.')).toBeVisible();
	await expect(bobsList.getByRole('button', { name: 'Invite your team' })).toHaveCount(0);
	await expect(bob.page.getByRole('button', { name: 'Invite people' })).toHaveCount(0);

	// Once the conversation has started, the offer steps aside.
	await send(admin.page, 'Hello team');
	await expect(invite).toHaveCount(0);
});

test('on a phone the channel has one header row, whose menu button opens the navigation', async ({
	newContext
}) => {
	const context = await newContext();
	const { page } = await person(context, 'admin');
	await createCommunity(page);
	await page.setViewportSize({ width: 390, height: 844 });

	const list = messageViewport(page);
	await expect(list).toBeVisible();
	expect((await list.boundingBox())!.y).toBeLessThan(70);
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeInViewport();

	// One menu button, in the channel header, named and reachable by keyboard.
	const menu = page.getByRole('button', { name: 'Open navigation' });
	await expect(menu).toHaveCount(1);
	await expect(menu).toHaveAttribute('aria-expanded', 'false');
	await menu.focus();
	await page.keyboard.press('Enter');
	const drawer = page.getByRole('dialog', { name: 'Navigation' });
	await expect(drawer).toBeVisible();
	await expect(menu).toHaveAttribute('aria-expanded', 'true');
	await expect(drawer.getByRole('link', { name: 'Home', exact: true })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(menu).toBeFocused();
	await expect(menu).toHaveAttribute('aria-expanded', 'false');

	// Pages without their own header keep the shell's top bar.
	await menu.click();
	await drawer.getByRole('link', { name: 'Home', exact: true }).click();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Open navigation' })).toBeVisible();
});

test('the audit log lines its filters up and names every action in words', async ({ context }) => {
	const { page } = await person(context, 'admin');
	// Something the old labels did not know.
	await createCommunity(page);
	await page.goto('/admin/audit-log');
	const filters = page.locator('form').filter({ has: page.getByLabel('Action') });
	const inputs = filters.locator('input');
	await expect(inputs).toHaveCount(4);
	const boxes = await inputs.evaluateAll((fields) =>
		fields.map((field) => {
			const { top, height } = field.getBoundingClientRect();
			return { top: Math.round(top), height: Math.round(height) };
		})
	);
	// Same height everywhere, and the fields of one row start at one line.
	expect(new Set(boxes.map((b) => b.height)).size).toBe(1);
	expect(boxes[1]!.top).toBe(boxes[0]!.top);
	expect(boxes[3]!.top).toBe(boxes[2]!.top);

	const entries = page.getByTestId('audit-entry');
	await expect(entries.first()).toBeVisible();
	await expect(entries.getByText('Community created', { exact: true }).first()).toBeVisible();
	const labels = await entries.locator('.top > span').allTextContents();
	expect(labels.filter((text) => /^[a-z_]+\.[a-z_]+$/.test(text.trim()))).toEqual([]);
});
