/**
 * Issue 21: what a new team meets in its first minutes, one test per finding that the
 * other specs do not already cover.
 */
import {
	acceptInvite,
	communityWithMember,
	createCommunity,
	composer,
	invitePath,
	message,
	person,
	send,
	type Person
} from './chat-support';
import { expect, httpStatusMessage, test } from './fixtures';
import { apiClient, label, openSettings, uniqueName } from './support';

test('a message over the limit is kept and refused plainly; near the limit a counter shows', async ({
	context
}) => {
	const { page } = await person(context, 'admin');
	await createCommunity(page);
	const box = composer(page);
	const counter = page.getByTestId('length-counter');

	await box.fill('a'.repeat(3000));
	await expect(counter).toHaveCount(0);
	await box.fill('a'.repeat(3600));
	await expect(counter).toHaveText('3,600 / 4,000');

	// A long paste is not cut: it is all there, and sending says by how much it is over.
	const long = 'b'.repeat(4100);
	await box.fill(long);
	await expect(box).toHaveValue(long);
	await expect(counter).toHaveText('4,100 / 4,000');
	await box.press('Enter');
	await expect(page.getByRole('alert')).toHaveText(
		'This message is 100 characters over the limit of 4,000. Shorten it or split it into several messages.'
	);
	await expect(box).toHaveValue(long);
	await expect(message(page, 'bbbb')).toHaveCount(0);

	// At the limit it goes.
	await box.fill('c'.repeat(4000));
	await box.press('Enter');
	await expect(box).toHaveValue('');
	await expect(message(page, 'c'.repeat(4000))).toBeVisible();
	await expect(counter).toHaveCount(0);
});

test('a message of only spaces says there is nothing to send', async ({ context }) => {
	const { page } = await person(context, 'admin');
	await createCommunity(page);
	const box = composer(page);
	await box.fill('   ');
	await box.press('Enter');
	await expect(page.getByRole('status').filter({ hasText: 'Nothing to send' })).toBeVisible();
	await box.press('x');
	await expect(page.getByText('Nothing to send')).toHaveCount(0);
});

test('a direct message arriving while in a community badges Home', async ({
	context,
	newContext
}) => {
	const { admin, bob } = await communityWithMember(context, newContext);
	const home = bob.page.getByRole('link', { name: /^Home/ });
	await expect(home).toHaveAccessibleName('Home');

	// The admin writes to Bob directly while Bob reads the community.
	const api = await apiClient();
	const login = async ({ username, password }: { username: string; password: string }) =>
		(await (await api.post('/api/auth/login', { data: { username, password } })).json()) as {
			access_token: string;
			user: { id: string };
		};
	const sender = await login(admin.account);
	const recipient = await login(bob.account);
	const headers = { authorization: `Bearer ${sender.access_token}` };
	const dm = await api.post('/api/dms', { headers, data: { user_ids: [recipient.user.id] } });
	expect(dm.status(), await dm.text()).toBeLessThan(300);
	const channelId = (await dm.json()).id as string;
	for (const content of ['psst', 'got a minute?']) {
		const sent = await api.post(`/api/channels/${channelId}/messages`, {
			headers,
			data: { content }
		});
		expect(sent.status(), await sent.text()).toBe(201);
	}
	await api.dispose();

	await expect(home).toHaveAccessibleName('Home, 2 unread direct messages');
	await expect(bob.page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	// Reading the conversation clears it.
	await home.click();
	await bob.page.getByRole('link', { name: /unread messages$/ }).click();
	await expect(message(bob.page, 'got a minute?')).toBeVisible();
	await expect(home).toHaveAccessibleName('Home');
});

test('focus goes where the work starts: search box, thread composer, the composer of a channel switched to', async ({
	context
}) => {
	const { page } = await person(context, 'admin');
	await createCommunity(page);
	await send(page, 'Where does the cursor go?');

	// Search: typing goes into the box and Enter searches (not closes the panel).
	await page.getByRole('button', { name: 'Search', exact: true }).click();
	const search = page.getByRole('complementary', { name: 'Search' });
	await expect(search.getByRole('searchbox', { name: 'Search messages' })).toBeFocused();
	await page.keyboard.type('cursor');
	await page.keyboard.press('Enter');
	await expect(search.getByRole('list', { name: 'Search results' })).toContainText('cursor');
	await search.getByRole('button', { name: 'Close search' }).click();

	// A thread opens with its composer ready.
	const root = message(page, 'Where does the cursor go?');
	await root.hover();
	await root.getByRole('button', { name: 'Reply in thread' }).click();
	const thread = page.getByRole('complementary', { name: 'Thread' });
	await expect(thread.getByRole('textbox', { name: 'Message thread' })).toBeFocused();
	await page.keyboard.type('Right here');
	await page.keyboard.press('Enter');
	await expect(thread.getByTestId('thread-reply')).toContainText('Right here');

	// Leaving for Home and coming back to the channel: straight to its composer.
	await page.getByRole('link', { name: /^Home/ }).click();
	// Home's entry is in the history before going back from it.
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
	await page.goBack();
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	await expect(composer(page)).toBeFocused();
});

test('the rail names its icons on hover, in front of the page rather than clipped by the rail', async ({
	context
}) => {
	const { page } = await person(context, 'admin');
	const home = page.getByRole('link', { name: /^Home/ });
	await home.hover();
	const tip = home.locator('.rail-tooltip');
	await expect(tip).toHaveText('Home');
	await expect(tip).toHaveCSS('opacity', '1');
	// What is drawn at the tooltip's centre is the tooltip (a clipped one is not there).
	const onTop = await tip.evaluate((element) => {
		element.style.pointerEvents = 'auto';
		const box = element.getBoundingClientRect();
		const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
		return hit === element;
	});
	expect(onTop).toBe(true);
});

test('reply quotes and search snippets read as text, without markdown markup', async ({
	context
}) => {
	const { page } = await person(context, 'admin');
	await createCommunity(page);
	await send(page, 'Hello **world**, see [the docs](https://example.com/docs)', 'Hello world');

	const original = message(page, 'Hello world');
	await original.hover();
	await original.getByRole('button', { name: 'Reply', exact: true }).click();
	await send(page, 'Answering that');
	const answer = message(page, 'Answering that');
	await expect(answer.locator('.reply-text')).toHaveText('Hello world, see the docs');

	await page.getByRole('button', { name: 'Search', exact: true }).click();
	const search = page.getByRole('complementary', { name: 'Search' });
	await search.getByRole('searchbox', { name: 'Search messages' }).fill('world');
	await search.getByRole('button', { name: 'Search', exact: true }).click();
	const results = search.getByRole('list', { name: 'Search results' });
	await expect(results.locator('.snippet')).toHaveText('Hello world, see the docs');
	await expect(results.locator('mark')).toHaveText('world');
});

test('the invite table says who created an invite, as a sentence', async ({ context }) => {
	const { page, account } = await person(context, 'admin');
	await page.goto('/admin/invites');
	await page.getByRole('button', { name: 'Create invite' }).click();
	const row = page.getByTestId('invite-row').first();
	await expect(row).toContainText(new RegExp(`Created .+ by ${account.username}`));
});

test('first-run Home offers the next step the user may take', async ({ context, newContext }) => {
	// A member who may not create communities is not told to start one.
	const member = await person(context, 'newcomer');
	const main = member.page.getByRole('main');
	await expect(main.getByRole('heading', { name: 'No communities yet' })).toBeVisible();
	await expect(main).toContainText('Creating communities is up to the administrators');
	await expect(main.getByRole('button', { name: 'Create a community' })).toHaveCount(0);
	await main.getByRole('button', { name: 'Join with an invite' }).click();
	await expect(member.page.getByRole('dialog', { name: 'Join a community' })).toBeVisible();

	// An administrator creates the first community from Home.
	const admin = await person(await newContext(), 'admin');
	await admin.page.getByRole('main').getByRole('button', { name: 'Create a community' }).click();
	const dialog = admin.page.getByRole('dialog', { name: 'Create a community' });
	await dialog.getByLabel(label('Community name')).fill(uniqueName('Home '));
	await dialog.getByRole('button', { name: 'Create' }).click();
	await expect(admin.page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
});

test('a group offers "+" to create a channel to those who may; text channel names become lower-case-with-dashes', async ({
	context,
	newContext,
	allowConsoleErrors
}) => {
	// The refused name below.
	allowConsoleErrors(httpStatusMessage(400));
	const admin = await person(context, 'admin');
	await createCommunity(admin.page);
	const sidebar = admin.page.getByRole('navigation', { name: /channels$/ });
	await sidebar.getByRole('button', { name: 'Create a channel in Text channels' }).click();
	const dialog = admin.page.getByRole('dialog', { name: 'New channel in Text channels' });
	const name = dialog.getByRole('textbox', { name: 'Channel name' });
	await expect(name).toBeFocused();
	await admin.page.keyboard.type('Release Notes');
	await expect(dialog).toContainText('It will be #release-notes.');
	await admin.page.keyboard.press('Enter');

	// The new channel opens, ready to type in; the server stored the same name.
	await expect(admin.page.getByRole('heading', { name: 'release-notes', level: 1 })).toBeVisible();
	await expect(composer(admin.page)).toBeFocused();
	await expect(sidebar.getByRole('link', { name: /release-notes/ })).toBeVisible();

	// Punctuation the rule does not allow is refused with the server's reason.
	await sidebar.getByRole('button', { name: 'Create a channel in Text channels' }).click();
	await name.fill('what?');
	await expect(dialog).toContainText('Use letters, digits, dashes and underscores.');
	await dialog.getByRole('button', { name: 'Create channel' }).click();
	await expect(dialog.getByRole('textbox', { name: 'Channel name' })).toHaveAccessibleDescription(
		/letters, digits, dashes and underscores/
	);
	await dialog.getByRole('button', { name: 'Cancel' }).click();

	// A member who may not create channels has no "+".
	const path = await invitePath(admin.page);
	const bob = await person(await newContext(), 'bob');
	await acceptInvite(bob.page, path);
	const bobSidebar = bob.page.getByRole('navigation', { name: /channels$/ });
	await expect(bobSidebar.getByRole('button', { name: 'Text channels' })).toBeVisible();
	await expect(bobSidebar.getByRole('button', { name: /^Create a channel/ })).toHaveCount(0);
});

/** A moderator's API session, and the path of `bob`'s membership in the admin's community. */
async function moderation(admin: Person, bob: Person) {
	const [, communityId] = new URL(admin.page.url()).pathname.split('/').slice(1);
	const api = await apiClient();
	const login = async ({ username, password }: { username: string; password: string }) =>
		(await (await api.post('/api/auth/login', { data: { username, password } })).json()) as {
			access_token: string;
			user: { id: string };
		};
	const headers = { authorization: `Bearer ${(await login(admin.account)).access_token}` };
	const bobId = (await login(bob.account)).user.id;
	return {
		api,
		headers,
		member: `/api/communities/${communityId}/members/${bobId}`,
		ban: `/api/communities/${communityId}/bans/${bobId}`
	};
}

test('a timeout closes the composer live with a local time, staff see it, it reopens when it ends', async ({
	context,
	newContext
}) => {
	// Bob's clock is in the test's hands, so the end of a timeout needs no waiting.
	const { admin, bob } = await communityWithMember(context, newContext, (bob) =>
		bob.page.clock.install()
	);
	await expect(composer(bob.page)).toBeEnabled();
	const { api, headers, member } = await moderation(admin, bob);
	const timeout = async () => {
		const answer = await api.put(`${member}/timeout`, { headers, data: { duration_secs: 300 } });
		expect(answer.status(), await answer.text()).toBe(200);
	};
	await timeout();

	// Bob's composer closes at once and says when, in his local time.
	await expect(composer(bob.page)).toBeDisabled();
	await expect(composer(bob.page)).toHaveAttribute(
		'placeholder',
		// The day is named when the end falls after midnight.
		/^You are timed out\. You can post again (on [A-Z][a-z]{2} \d{1,2} )?at \d{1,2}:\d{2}\s?[AP]M \(in 5 minutes\)\.$/
	);
	// The moderator sees the marker in the member list.
	const members = admin.page.getByRole('complementary', { name: 'Members' });
	await expect(
		members.getByRole('listitem').filter({ hasText: bob.account.username })
	).toContainText(/Timed out until/);

	// The moderator ends it early: the composer opens at once and works.
	const ended = await api.delete(`${member}/timeout`, { headers });
	expect(ended.status(), await ended.text()).toBe(204);
	await expect(composer(bob.page)).toBeEnabled();
	await send(bob.page, 'I am back');
	await expect(
		members.getByRole('listitem').filter({ hasText: bob.account.username })
	).not.toContainText(/Timed out/);

	// A timeout that runs out reopens the composer by itself, without a reload (Bob's clock
	// moves five minutes; the server's does not, so he does not send then).
	await timeout();
	await expect(composer(bob.page)).toBeDisabled();
	await bob.page.clock.fastForward('05:01');
	await expect(composer(bob.page)).toBeEnabled();
	await expect(composer(bob.page)).toHaveAttribute('placeholder', /^Message #/);
	await api.dispose();
});

test('a kicked or banned member is told so on the page they were on, not "Community not found"', async ({
	context,
	newContext
}) => {
	const { admin, bob, community } = await communityWithMember(context, newContext);
	await expect(composer(bob.page)).toBeEnabled();
	const { api, headers, member, ban } = await moderation(admin, bob);

	const kicked = await api.post(`${member}/kick`, { headers, data: {} });
	expect(kicked.status(), await kicked.text()).toBe(204);
	const main = bob.page.getByRole('main');
	await expect(
		main.getByRole('heading', { name: `You were removed from ${community}` })
	).toBeVisible();
	await expect(main).toContainText('You can come back with a new invite.');
	await expect(bob.page.getByText('Community not found')).toHaveCount(0);
	await main.getByRole('link', { name: 'Go to Home' }).click();
	await expect(bob.page).toHaveURL(/\/$/);

	// Back with a new invite, then banned.
	await acceptInvite(bob.page, await invitePath(admin.page));
	await expect(composer(bob.page)).toBeEnabled();
	const banned = await api.put(ban, { headers, data: { reason: 'spam' } });
	expect(banned.status(), await banned.text()).toBeLessThan(300);
	await expect(
		main.getByRole('heading', { name: `You were banned from ${community}` })
	).toBeVisible();
	await api.dispose();
});

test("a new display name reaches others' open pages live", async ({ context, newContext }) => {
	const { admin, bob } = await communityWithMember(context, newContext);
	await send(admin.page, 'Who am I now?');
	const onBob = message(bob.page, 'Who am I now?');
	await expect(onBob).toContainText(admin.account.username);

	await openSettings(admin.page, 'My profile');
	await admin.page.getByLabel(label('Display name')).fill('Ada Lovelace');
	await admin.page.getByRole('button', { name: 'Save changes' }).click();

	// Bob never reloads: the message and the member list follow.
	await expect(onBob.getByRole('button', { name: 'Ada Lovelace', exact: true })).toBeVisible();
	const members = bob.page.getByRole('complementary', { name: 'Members' });
	await expect(members.getByText('Ada Lovelace', { exact: true })).toBeVisible();
});

test('the audit log names the community, channel and group of an event, not their IDs', async ({
	context
}) => {
	const { page } = await person(context, 'admin');
	const community = await createCommunity(page);
	await page.goto('/admin/audit-log');
	const created = page
		.getByTestId('audit-entry')
		.filter({ has: page.locator('[title="community.created"]') })
		.first();
	await expect(created).toContainText(new RegExp(`Community\\s*${community}`));
	await expect(created).not.toContainText(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);
	await expect(created.locator('.action')).not.toHaveText('community.created');
	// The channel and group an event is about, by name too (the ID shows on hover).
	const channel = page
		.getByTestId('audit-entry')
		.filter({ has: page.locator('[title="channel.created"]') })
		.first();
	await expect(channel).toContainText(/channel\s*general/i);
	await expect(channel).toContainText(/group\s*Text channels/i);
	await expect(channel).not.toContainText(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-/);
});
