/**
 * The rest of the chat surface: direct messages from the member list, search with
 * filters and highlighted snippets, pins, community settings, and the message list's
 * history paging and "new messages" pill.
 */
import { expect, test } from './fixtures';
import {
	acceptInvite,
	createCommunity,
	invitePath,
	message,
	person,
	poster,
	send
} from './chat-support';
import { apiLogin } from './support';

test('a direct message started from the member list', async ({ newContext }) => {
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'dmbob');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));

	await alice.page.getByRole('button', { name: `Message ${bob.account.username}` }).click();
	await expect(alice.page).toHaveURL(/\/dm\/[0-9a-f-]+$/);
	await expect(
		alice.page.getByRole('heading', { name: bob.account.username, level: 1 })
	).toBeVisible();
	await send(alice.page, 'Private hello');

	// Home counts the unread direct message.
	await bob.page.getByRole('link', { name: 'Home, 1 unread direct message' }).click();
	const conversation = bob.page.getByRole('link', {
		name: `${alice.account.username}, unread messages`
	});
	await conversation.click();
	await expect(message(bob.page, 'Private hello')).toBeVisible();
	await expect(
		bob.page.getByRole('link', { name: alice.account.username, exact: true })
	).toBeVisible();
	await send(bob.page, 'Hi back');
	await expect(message(alice.page, 'Hi back')).toBeVisible();
});

test('threads: replies in a side panel, live, with a count on the root', async ({ newContext }) => {
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'threader');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));
	await send(alice.page, 'Thread root: what should we build next?');

	const rootOnBob = message(bob.page, 'Thread root');
	await rootOnBob.hover();
	await rootOnBob.getByRole('button', { name: 'Reply in thread' }).click();
	const bobThread = bob.page.getByRole('complementary', { name: 'Thread' });
	await expect(bobThread).toContainText('what should we build next?');
	const bobBox = bobThread.getByRole('textbox', { name: 'Message thread' });
	await bobBox.fill('A calendar, please');
	await bobBox.press('Enter');
	await expect(bobThread.getByTestId('thread-reply')).toHaveText(/A calendar, please/);

	// Alice sees the count on the root, opens the thread, answers; Bob sees it live.
	const rootOnAlice = message(alice.page, 'Thread root');
	await rootOnAlice.getByRole('button', { name: '1 reply' }).click();
	const aliceThread = alice.page.getByRole('complementary', { name: 'Thread' });
	await expect(aliceThread.getByTestId('thread-reply')).toHaveText(/A calendar, please/);
	await aliceThread.getByRole('textbox', { name: 'Message thread' }).fill('Good idea');
	await aliceThread.getByRole('textbox', { name: 'Message thread' }).press('Enter');
	await expect(bobThread.getByTestId('thread-reply')).toHaveCount(2);
	await expect(bobThread.getByTestId('thread-reply').last()).toContainText('Good idea');
	await expect(rootOnBob.getByRole('button', { name: '2 replies' })).toBeVisible();
	// Thread replies stay out of the channel's timeline.
	await expect(message(bob.page, 'A calendar, please')).toHaveCount(0);
	await expect(message(alice.page, 'Good idea')).toHaveCount(0);
});

test('search with filters and highlighted snippets; pins', async ({ newContext }) => {
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'finder');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));
	await send(alice.page, 'The quick brown fox jumps over the lazy dog');
	await send(bob.page, 'A completely unrelated message');

	await bob.page.getByRole('button', { name: 'Search' }).click();
	const panel = bob.page.getByRole('complementary', { name: 'Search' });
	await panel.getByRole('searchbox', { name: 'Search messages' }).fill('brown');
	await panel.getByRole('button', { name: 'Search', exact: true }).click();
	const results = panel.getByRole('list', { name: 'Search results' });
	await expect(results.getByRole('listitem')).toHaveCount(1);
	await expect(results.locator('mark')).toHaveText('brown');
	await expect(results).toContainText(alice.account.username);
	// Filtered to Bob's own messages: no match.
	await panel.getByLabel('From').selectOption({ label: bob.account.username });
	await panel.getByRole('button', { name: 'Search', exact: true }).click();
	await expect(panel.getByText('0 results')).toBeVisible();

	// Alice pins her message; Bob sees it pinned, live, and in the pins panel.
	const fox = message(alice.page, 'quick brown fox');
	await fox.hover();
	await fox.getByRole('button', { name: 'Pin', exact: true }).click();
	await expect(message(bob.page, 'quick brown fox')).toContainText('Pinned');
	await bob.page.getByRole('button', { name: 'Pinned messages' }).click();
	const pins = bob.page.getByRole('complementary', { name: 'Pinned messages' });
	await expect(pins.getByTestId('pin')).toHaveCount(1);
	await expect(pins.getByTestId('pin')).toContainText('quick brown fox');
	// Members cannot unpin; Alice can, and Bob's panel follows.
	await expect(pins.getByRole('button', { name: 'Unpin' })).toHaveCount(0);
	await fox.hover();
	await fox.getByRole('button', { name: 'Unpin', exact: true }).click();
	await expect(pins.getByTestId('pin')).toHaveCount(0);
	await expect(message(bob.page, 'quick brown fox')).not.toContainText('Pinned');
});

test('community settings: rename, new channel with topic, slow mode', async ({
	newContext,
	allowConsoleErrors
}) => {
	// The refused second message in slow mode.
	allowConsoleErrors(/the server responded with a status of (403|429)/);
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'member');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));
	// Members get no settings link.
	await expect(bob.page.getByRole('link', { name: 'Community settings' })).toHaveCount(0);

	await alice.page.getByRole('link', { name: 'Community settings' }).click();
	await expect(
		alice.page.getByRole('heading', { name: 'Community settings', level: 1 })
	).toBeVisible();
	await alice.page.getByRole('textbox', { name: /^Community name/ }).fill('Renamed crew');
	await alice.page.getByRole('button', { name: 'Save changes' }).click();
	await expect(alice.page.getByText('Community updated.')).toBeVisible();
	await expect(alice.page.getByRole('heading', { name: 'Renamed crew', level: 2 })).toBeVisible();

	await alice.page.getByRole('textbox', { name: /^New channel name/ }).fill('announcements');
	await alice.page.getByRole('textbox', { name: /^New channel topic/ }).fill('News only');
	await alice.page.getByRole('button', { name: 'Create channel' }).click();
	await expect(alice.page.getByText('#announcements created.')).toBeVisible();
	// Bob's sidebar gets the new channel live.
	await bob.page.getByRole('link', { name: 'announcements' }).click();
	await expect(bob.page.getByRole('heading', { name: 'announcements', level: 1 })).toBeVisible();
	await expect(bob.page.getByText('News only')).toBeVisible();

	await alice.page.getByRole('button', { name: 'Edit #announcements' }).click();
	const edit = alice.page.getByRole('form', { name: 'Edit #announcements' });
	await edit.getByLabel('Slow mode').selectOption({ label: '5 seconds' });
	await edit.getByRole('button', { name: 'Save' }).click();
	await expect(alice.page.getByText('slow mode 5s')).toBeVisible();
	// Slow mode applies to Bob: a second message right away is refused with a reason.
	await send(bob.page, 'first in slow mode');
	await bob.page.getByRole('textbox', { name: /^Message #/ }).fill('second too soon');
	await bob.page.getByRole('textbox', { name: /^Message #/ }).press('Enter');
	await expect(bob.page.getByRole('alert')).toBeVisible();
});

test('older history loads on scroll up, keeping the place; new messages raise a pill', async ({
	newContext
}) => {
	test.setTimeout(120_000);
	const alice = await person(await newContext(), 'admin');
	await createCommunity(alice.page);
	const [, , communityId, channelId] = new URL(alice.page.url()).pathname.split('/');
	const token = await apiLogin(alice.account.username, alice.account.password);
	const ownerAuth = { authorization: `Bearer ${token}` };

	// 72 messages from four people (each within the per-user send burst): one page of 50
	// on opening, the other 22 on scrolling up.
	const posters = [
		await poster(communityId!, ownerAuth),
		await poster(communityId!, ownerAuth),
		await poster(communityId!, ownerAuth),
		await poster(communityId!, ownerAuth, 'admin')
	];
	let n = 0;
	for (const someone of posters) {
		for (let i = 0; i < 18; i += 1) await someone.post(channelId!, `History ${(n += 1)}`);
	}
	await alice.page.reload();
	const page = alice.page;
	await expect(message(page, 'History 72')).toBeInViewport();
	await expect(message(page, 'History 22')).toHaveCount(0);

	const viewport = page.getByRole('region', { name: /^Messages in / });
	await viewport.evaluate((element) => (element.scrollTop = 0));
	await expect(message(page, /^\s*History 1\s*$/)).toHaveCount(1);
	await expect(page.getByRole('heading', { name: 'Welcome to #general!' })).toHaveCount(1);
	// The reader's place is kept: the message that was at the top is still on screen.
	await expect(message(page, 'History 23')).toBeInViewport();
	await expect(message(page, /^\s*History 1\s*$/)).not.toBeInViewport();

	// Someone else writes while Alice reads old messages: a pill, no jump.
	await posters[0]!.post(channelId!, 'Fresh news');
	const pill = page.getByRole('button', { name: 'New messages' });
	await expect(pill).toBeVisible();
	await expect(message(page, 'History 23')).toBeInViewport();
	await pill.click();
	await expect(message(page, 'Fresh news')).toBeInViewport();
	await expect(pill).toHaveCount(0);
	for (const someone of posters) await someone.dispose();
});
