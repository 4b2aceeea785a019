/**
 * Long histories: the message list renders only the rows near the view, pages back
 * without moving what the reader looks at, keeps a bounded window, and jumps to a
 * message (from search, a reply's quote, a pin or a `?message=` link) in a window
 * detached from the present, which pages forward until it joins the live messages.
 */
import type { Page } from '@playwright/test';
import { expect, expectAccessible, test } from './fixtures';
import { createCommunity, message, person, poster } from './chat-support';
import { apiClient, apiLogin } from './support';

type Poster = Awaited<ReturnType<typeof poster>>;

/** The admin's community and channel (from the URL), and `count` people posting there. */
async function crew(page: Page, username: string, password: string, count: number) {
	const [, , communityId, channelId] = new URL(page.url()).pathname.split('/');
	const ownerAuth = { authorization: `Bearer ${await apiLogin(username, password)}` };
	const posters: Poster[] = [];
	for (let i = 0; i < count; i += 1) posters.push(await poster(communityId!, ownerAuth));
	return { channelId: channelId!, posters, auth: ownerAuth };
}

/**
 * Posts `count` messages in order, taking turns between the posters (each one is held
 * to the server's per-person message rate). Returns their IDs, oldest first.
 */
async function seed(
	posters: Poster[],
	channelId: string,
	count: number,
	text: (n: number) => string
) {
	const ids: string[] = [];
	for (let n = 1; n <= count; n += 1) {
		ids.push(await posters[n % posters.length]!.post(channelId, text(n)));
	}
	return ids;
}

/**
 * Goes Home while the history is seeded: a reader at the bottom of the channel would mark
 * every arriving message read, one request each, and meet the rate limit.
 */
async function leave(page: Page): Promise<string> {
	const channel = new URL(page.url()).pathname;
	await page.getByRole('link', { name: 'Home', exact: true }).click();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
	return channel;
}

async function reopen(page: Page, channel: string) {
	await page.goto(channel);
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
}

const exactly = (text: string) => new RegExp(`^\\s*${text}\\s*$`);

function messageViewport(page: Page) {
	return page.getByRole('region', { name: /^Messages in / });
}

/** The message row at the top of the view (after scrolling to the top): ID and position. */
async function topMessage(page: Page) {
	await messageViewport(page).evaluate((viewport) => (viewport.scrollTop = 0));
	// The rendered rows follow the scroll position on the next frames.
	await page.evaluate(
		() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))
	);
	return messageViewport(page).evaluate((viewport) => {
		const top = viewport.getBoundingClientRect().top;
		const rows = [...viewport.querySelectorAll<HTMLElement>('li[data-message-id]')];
		const row = rows.find((r) => r.getBoundingClientRect().bottom > top)!;
		return { id: row.dataset.messageId!, y: row.getBoundingClientRect().top };
	});
}

/** The first message row in the DOM (rows above the view are rendered too). */
function firstRendered(page: Page) {
	return messageViewport(page).evaluate(
		(viewport) => viewport.querySelector<HTMLElement>('li[data-message-id]')!.dataset.messageId
	);
}

test('a long history renders only the rows near the view and pages back in place', async ({
	newContext
}) => {
	test.setTimeout(240_000);
	const alice = await person(await newContext(), 'admin');
	const page = alice.page;
	await createCommunity(page);
	const { channelId, posters } = await crew(
		page,
		alice.account.username,
		alice.account.password,
		8
	);
	const channel = await leave(page);
	await seed(posters, channelId, 600, (n) => `Long ${n}`);
	await reopen(page, channel);

	await expect(message(page, exactly('Long 600'))).toBeInViewport();
	const rendered = messageViewport(page).locator('li[data-message-id]');
	// 50 loaded, about a screen and the overscan rendered.
	expect(await rendered.count()).toBeLessThan(45);
	// Screen readers learn each message's place among the loaded ones (separators do not
	// count); the size is unknown while older messages remain.
	const newest = message(page, exactly('Long 600'));
	await expect(newest).toHaveAttribute('aria-posinset', '50');
	await expect(newest).toHaveAttribute('aria-setsize', '-1');

	// Five pages back: each time the message that was at the top stays where it was.
	for (let loaded = 100; loaded <= 300; loaded += 50) {
		const before = await topMessage(page);
		await expect.poll(() => firstRendered(page), 'an older page arrives').not.toBe(before.id);
		const anchor = messageViewport(page).locator(`li[data-message-id="${before.id}"]`);
		await expect.poll(async () => Math.round((await anchor.boundingBox())!.y - before.y)).toBe(0);
	}
	// 300 messages loaded (Long 301 to 600; the reader is at the top of the last page but
	// one), a small part of them in the DOM; spacers keep the scroll height.
	await expect(message(page, exactly('Long 351'))).toBeInViewport();
	expect(await rendered.count()).toBeLessThan(60);
	await expect(message(page, exactly('Long 351'))).toHaveAttribute('aria-posinset', '51');
	await expect(rendered.first()).toHaveAttribute('aria-setsize', '-1');
	expect(await messageViewport(page).evaluate((v) => v.scrollHeight)).toBeGreaterThan(300 * 30);
	await expect(message(page, exactly('Long 600'))).toHaveCount(0);
	await expect(page.getByRole('button', { name: 'Jump to present' })).toHaveCount(0);

	// Paging further keeps at most 400 messages: the newest are dropped, so the window is
	// detached from the present and offers to jump back.
	for (let i = 0; i < 3; i += 1) {
		const before = await topMessage(page);
		await expect.poll(() => firstRendered(page)).not.toBe(before.id);
	}
	const present = page.getByRole('button', { name: 'Jump to present' });
	await expect(present).toBeVisible();
	await present.click();
	await expect(message(page, exactly('Long 600'))).toBeInViewport();
	await expect(present).toHaveCount(0);
	for (const someone of posters) await someone.dispose();
});

test('jump to a message from search, a reply and a link; back to the present', async ({
	newContext
}) => {
	test.setTimeout(180_000);
	const alice = await person(await newContext(), 'admin');
	const page = alice.page;
	await createCommunity(page);
	const { channelId, posters, auth } = await crew(
		page,
		alice.account.username,
		alice.account.password,
		6
	);
	const channel = await leave(page);
	const ids = await seed(posters, channelId, 200, (n) =>
		n === 40 ? 'Needle in the haystack' : `Hay ${n}`
	);
	const needleId = ids[39]!;
	await reopen(page, channel);
	await expect(message(page, exactly('Hay 200'))).toBeInViewport();

	await page.getByRole('button', { name: 'Search' }).click();
	const panel = page.getByRole('complementary', { name: 'Search' });
	await panel.getByRole('searchbox', { name: 'Search messages' }).fill('needle');
	await panel.getByRole('button', { name: 'Search', exact: true }).click();
	await panel.getByRole('list', { name: 'Search results' }).getByRole('button').click();
	await expect(page).toHaveURL(new RegExp(`\\?message=${needleId}$`));
	const needle = message(page, 'Needle in the haystack');
	await expect(needle).toBeInViewport();
	await expect(needle).toHaveClass(/highlighted/);
	// Only the messages around it are loaded; the way back is offered.
	const present = page.getByRole('button', { name: 'Jump to present' });
	await expect(present).toBeVisible();
	await expect(message(page, exactly('Hay 200'))).toHaveCount(0);
	await expectAccessible(page, 'a message jumped to from search');

	// A live message is not appended after the gap; jumping to the present shows it once.
	await posters[0]!.post(channelId, 'Live while away');
	await expect(message(page, 'Live while away')).toHaveCount(0);
	await present.click();
	await expect(message(page, 'Live while away')).toBeInViewport();
	await expect(message(page, 'Live while away')).toHaveCount(1);
	await expect(present).toHaveCount(0);
	await expect(needle).toHaveCount(0);

	// A reply's quote leads to its parent, even when that is not loaded.
	await posters[1]!.post(channelId, 'About that needle', { reply_to_id: needleId });
	const reply = message(page, 'About that needle');
	await expect(reply).toBeInViewport();
	await reply.getByRole('button', { name: /earlier message|Needle in the haystack/ }).click();
	await expect(needle).toBeInViewport();
	await expect(needle).toHaveClass(/highlighted/);

	// The URL names the message, so a reload (or a shared link) shows it again.
	await page.reload();
	await expect(needle).toBeInViewport();
	await expect(needle).toHaveClass(/highlighted/);
	await expect(present).toBeVisible();

	// Scrolling down pages forward until the window joins the present.
	await expect
		.poll(async () => {
			await messageViewport(page).evaluate((v) => (v.scrollTop = v.scrollHeight));
			return present.count();
		}, 'newer pages until the newest message')
		.toBe(0);
	await expect(message(page, 'About that needle')).toBeInViewport();
	await expect(message(page, 'Live while away')).toHaveCount(1);
	await posters[2]!.post(channelId, 'Back in the present');
	await expect(message(page, 'Back in the present')).toBeInViewport();

	// A pin jumps to its message too.
	const api = await apiClient();
	const pin = await api.put(`/api/channels/${channelId}/pins/${needleId}`, { headers: auth });
	expect(pin.status(), await pin.text()).toBeLessThan(300);
	await api.dispose();
	await page.getByRole('button', { name: 'Pinned messages' }).click();
	const pins = page.getByRole('complementary', { name: 'Pinned messages' });
	await pins.getByTestId('pin').getByRole('button', { name: 'Jump' }).click();
	await expect(needle).toBeInViewport();
	await expect(needle).toHaveClass(/highlighted/);
	for (const someone of posters) await someone.dispose();
});
