/**
 * Accessibility of the chat screens: axe (WCAG 2 A and AA) on a channel with messages,
 * reactions and the member list, on the community settings and on the sign-in page, in
 * both themes; keyboard use of the message list and composer; the phone layout.
 */
import { expect, expectAccessible, test } from './fixtures';
import {
	acceptInvite,
	composer,
	createCommunity,
	invitePath,
	message,
	person,
	send
} from './chat-support';

for (const theme of ['dark', 'light'] as const) {
	test(`chat screens have no serious violations (${theme})`, async ({ newContext }) => {
		test.setTimeout(150_000);
		const alice = await person(await newContext(), 'admin');
		const bob = await person(await newContext(), 'axe');
		for (const page of [alice.page, bob.page]) await page.emulateMedia({ colorScheme: theme });
		await createCommunity(alice.page);
		await acceptInvite(bob.page, await invitePath(alice.page));
		await send(bob.page, 'Hello **everyone**, see https://example.org', 'Hello everyone');
		await send(alice.page, '```js\nconst answer = 42;\n```', 'const answer');
		const hello = message(alice.page, 'Hello everyone');
		await hello.hover();
		await hello.getByRole('button', { name: 'Add reaction' }).click();
		await hello.getByRole('button', { name: 'React with 🎉' }).click();
		await expect(hello.getByRole('button', { name: /🎉 1 reaction/ })).toBeVisible();
		// The whole (short) history is loaded: the last message states the list's size.
		const rows = alice.page
			.getByRole('region', { name: /^Messages in / })
			.locator('li[data-message-id]');
		const count = String(await rows.count());
		await expect(rows.last()).toHaveAttribute('aria-posinset', count);
		await expect(rows.last()).toHaveAttribute('aria-setsize', count);
		await expectAccessible(alice.page, `chat (${theme})`);

		// The side panels: search with a highlighted result, a thread, pinned messages.
		await alice.page.getByRole('button', { name: 'Search', exact: true }).click();
		const search = alice.page.getByRole('complementary', { name: 'Search' });
		await search.getByRole('searchbox', { name: 'Search messages' }).fill('everyone');
		await search.getByRole('button', { name: 'Search', exact: true }).click();
		await expect(search.locator('mark')).toHaveCount(1);
		await expectAccessible(alice.page, `search panel (${theme})`);
		await hello.hover();
		await hello.getByRole('button', { name: 'Reply in thread' }).click();
		const thread = alice.page.getByRole('complementary', { name: 'Thread' });
		await thread.getByRole('textbox', { name: 'Message thread' }).fill('In a thread');
		await thread.getByRole('textbox', { name: 'Message thread' }).press('Enter');
		await expect(thread.getByTestId('thread-reply')).toHaveCount(1);
		await expectAccessible(alice.page, `thread panel (${theme})`);
		await alice.page.getByRole('button', { name: 'Pinned messages' }).click();
		await expect(
			alice.page.getByText('Nothing is pinned here yet.', { exact: false })
		).toBeVisible();
		await expectAccessible(alice.page, `pins panel (${theme})`);

		// The emoji picker, browsing and searching, and the bookmarks panel with a note.
		await alice.page.getByRole('button', { name: 'Add emoji' }).click();
		const picker = alice.page.getByRole('dialog', { name: 'Add an emoji' });
		await expect(picker.getByRole('button', { name: 'grinning face', exact: true })).toBeVisible();
		await expectAccessible(alice.page, `emoji picker (${theme})`);
		await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('heart');
		await expect(picker.getByRole('group', { name: 'Search results' })).toBeVisible();
		await expectAccessible(alice.page, `emoji search (${theme})`);
		await alice.page.keyboard.press('Escape');
		await expect(picker).toBeHidden();
		await hello.hover();
		await hello.getByRole('button', { name: 'Bookmark', exact: true }).click();
		const bookmark = alice.page.getByRole('dialog', { name: 'Bookmark message' });
		await expectAccessible(alice.page, `bookmark dialog (${theme})`);
		await bookmark.getByRole('textbox', { name: 'Note (optional)' }).fill('Reply to this');
		await bookmark.getByRole('button', { name: 'Save bookmark' }).click();
		await expect(bookmark).toBeHidden();
		await alice.page.getByRole('button', { name: 'Bookmarks', exact: true }).click();
		await expect(alice.page.getByTestId('bookmark')).toContainText('Reply to this');
		await expectAccessible(alice.page, `bookmarks panel (${theme})`);

		await alice.page.getByRole('link', { name: 'Community settings' }).click();
		await expect(
			alice.page.getByRole('heading', { name: 'Community settings', level: 1 })
		).toBeVisible();
		await expectAccessible(alice.page, `community settings (${theme})`);

		await bob.page.getByRole('link', { name: 'User settings' }).click();
		await bob.page.getByRole('button', { name: 'Log out' }).click();
		await expect(bob.page.getByRole('heading', { name: 'Welcome back' })).toBeVisible();
		await expectAccessible(bob.page, `sign-in (${theme})`);
	});
}

test('the chat works from the keyboard', async ({ newContext }) => {
	const alice = await person(await newContext(), 'admin');
	await createCommunity(alice.page);
	const page = alice.page;
	await send(page, 'Keyboard message');

	// After a reload, the first Tab reaches the skip link, which jumps to the content.
	await page.reload();
	await expect(message(page, 'Keyboard message')).toBeVisible();
	await page.keyboard.press('Tab');
	const skip = page.getByRole('link', { name: 'Skip to content' });
	await expect(skip).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(page.locator('#main')).toBeFocused();

	// Message actions are reachable with Tab and show when focused.
	const item = message(page, 'Keyboard message');
	const react = item.getByRole('button', { name: 'Add reaction' });
	await react.focus();
	await expect(react).toBeVisible();
	await page.keyboard.press('Enter');
	await expect(item.getByRole('button', { name: 'React with 👍' })).toBeFocused();
	await page.keyboard.press('ArrowRight');
	await expect(item.getByRole('button', { name: 'React with ❤️' })).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(item.getByRole('button', { name: /❤️ 1 reaction, including yours/ })).toBeVisible();

	// The emoji picker: search first, arrows through the grid, Escape back to its button.
	const addEmoji = page.getByRole('button', { name: 'Add emoji' });
	await addEmoji.focus();
	await page.keyboard.press('Enter');
	const picker = page.getByRole('dialog', { name: 'Add an emoji' });
	const search = picker.getByRole('searchbox', { name: 'Search emoji' });
	await expect(search).toBeFocused();
	const cells = picker.getByRole('group', { name: 'Smileys & emotion' }).getByRole('button');
	await expect(cells.first()).toBeVisible();
	await page.keyboard.press('ArrowDown');
	await expect(cells.nth(0)).toBeFocused();
	await page.keyboard.press('ArrowRight');
	await expect(cells.nth(1)).toBeFocused();
	await page.keyboard.press('ArrowDown');
	await expect(cells.nth(9)).toBeFocused();
	await page.keyboard.press('ArrowUp');
	await page.keyboard.press('ArrowUp');
	await expect(search).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(picker).toBeHidden();
	await expect(addEmoji).toBeFocused();
	// Categories are tabs: the arrows move between them.
	await page.keyboard.press('Enter');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Tab');
	await expect(picker.getByRole('tab', { name: 'Smileys & emotion' })).toBeFocused();
	await page.keyboard.press('ArrowRight');
	await expect(picker.getByRole('tab', { name: 'People & body', selected: true })).toBeFocused();
	await page.keyboard.press('Tab');
	await page.keyboard.press('Enter');
	await expect(picker).toBeHidden();
	await expect(composer(page)).toHaveValue('👋');
	await composer(page).fill('');

	// Shift+Enter adds a line; Enter sends.
	await composer(page).focus();
	await page.keyboard.type('line one');
	await page.keyboard.press('Shift+Enter');
	await page.keyboard.type('line two');
	await expect(composer(page)).toHaveValue('line one\nline two');
	await page.keyboard.press('Enter');
	await expect(message(page, 'line two')).toBeVisible();
	// Escape in the edit box cancels and returns to the composer.
	await page.keyboard.press('ArrowUp');
	await expect(page.getByRole('textbox', { name: 'Edit message' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(composer(page)).toBeFocused();
});

test('phone width: channels in the drawer, members on demand', async ({ newContext }) => {
	const alice = await person(await newContext({ viewport: { width: 390, height: 844 } }), 'admin');
	const page = alice.page;
	await page.getByRole('button', { name: 'Open navigation' }).click();
	await createCommunity(page);
	await expect(page.getByRole('button', { name: 'Open navigation' })).toHaveAttribute(
		'aria-expanded',
		'false'
	);
	await send(page, 'Hello from a phone');
	// The member list stays out of the way until asked for.
	await expect(page.getByRole('complementary', { name: 'Members' })).toHaveCount(0);
	await page.getByRole('button', { name: 'Show members' }).click();
	await expect(page.getByRole('complementary', { name: 'Members' })).toBeVisible();
	await page.getByRole('button', { name: 'Hide members' }).click();
	// The drawer holds the channel list.
	await page.getByRole('button', { name: 'Open navigation' }).click();
	await expect(page.getByRole('link', { name: 'general' })).toBeVisible();
	await expectAccessible(page, 'phone navigation with channels');
	await page.getByRole('link', { name: 'general' }).click();
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	// The emoji picker is a sheet along the bottom edge.
	await page.getByRole('button', { name: 'Add emoji' }).click();
	const picker = page.getByRole('dialog', { name: 'Add an emoji' });
	await expect(picker.getByRole('button', { name: 'grinning face', exact: true })).toBeVisible();
	expect((await picker.boundingBox())?.width).toBe(390);
	await expectAccessible(page, 'phone emoji picker');
	await picker.getByRole('button', { name: 'grinning face', exact: true }).click();
	await expect(composer(page)).toHaveValue('😀');
});
