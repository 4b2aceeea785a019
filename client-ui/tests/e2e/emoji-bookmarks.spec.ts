/**
 * The full emoji picker (for reactions and in the composer), `:shortcode` autocomplete,
 * and bookmarks with notes in their side panel.
 */
import { expect, test } from './fixtures';
import { fromFreshAddress } from './support';
import {
	acceptInvite,
	composer,
	createCommunity,
	invitePath,
	message,
	person,
	send
} from './chat-support';

test('emoji: a reaction found by search, :shortcode autocomplete, the composer picker', async ({
	newContext
}) => {
	test.setTimeout(120_000);
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'bob');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));
	await send(alice.page, 'Shipping the release today');

	// Bob reacts with an emoji that is not among the quick ones, found through the search.
	const onBob = message(bob.page, 'Shipping the release today');
	await onBob.hover();
	await onBob.getByRole('button', { name: 'Add reaction' }).click();
	await onBob.getByRole('button', { name: 'More reactions' }).click();
	const picker = bob.page.getByRole('dialog', { name: 'Add a reaction' });
	const search = picker.getByRole('searchbox', { name: 'Search emoji' });
	await expect(search).toBeFocused();
	await search.fill('rocket');
	await picker.getByRole('button', { name: 'rocket', exact: true }).click();
	await expect(picker).toBeHidden();
	await expect(onBob.getByRole('button', { name: 'Add reaction' })).toBeFocused();
	const onAlice = message(alice.page, 'Shipping the release today');
	await expect(onAlice.getByRole('button', { name: '🚀 1 reaction' })).toBeVisible();

	// Enter in the search box picks the best match.
	await onBob.getByRole('button', { name: 'Add reaction' }).press('Enter');
	await onBob.getByRole('button', { name: 'More reactions' }).click();
	await search.fill('party popper');
	await search.press('Enter');
	await expect(onAlice.getByRole('button', { name: '🎉 1 reaction' })).toBeVisible();

	// Keycaps, the only emoji that begin with an ASCII character, are reactions too.
	await onBob.getByRole('button', { name: 'Add reaction' }).press('Enter');
	await onBob.getByRole('button', { name: 'More reactions' }).click();
	await search.fill('keycap 1');
	await picker.getByRole('button', { name: 'keycap: 1', exact: true }).click();
	await expect(onAlice.getByRole('button', { name: /^1\uFE0F?\u20E3 1 reaction$/ })).toBeVisible();

	// `:tad` suggests :tada:, Tab takes it; a complete `:rocket:` becomes the emoji.
	await composer(bob.page).pressSequentially('Party :tad');
	const suggestions = bob.page.getByRole('listbox', { name: 'Emoji' });
	await expect(suggestions.getByRole('option', { selected: true })).toContainText(':tada:');
	await composer(bob.page).press('Tab');
	await expect(composer(bob.page)).toHaveValue('Party 🎉 ');
	await expect(suggestions).toHaveCount(0);
	await composer(bob.page).pressSequentially('and :rocket:');
	await expect(composer(bob.page)).toHaveValue('Party 🎉 and 🚀');
	// Escape dismisses the suggestions and keeps the text.
	await composer(bob.page).pressSequentially(' :smi');
	await expect(suggestions).toBeVisible();
	await composer(bob.page).press('Escape');
	await expect(suggestions).toHaveCount(0);
	for (let i = 0; i < ' :smi'.length; i++) await composer(bob.page).press('Backspace');

	// The composer's picker opens on the recently used emoji and inserts at the caret.
	await bob.page.getByRole('button', { name: 'Add emoji' }).click();
	const inserter = bob.page.getByRole('dialog', { name: 'Add an emoji' });
	await expect(inserter.getByRole('tab', { name: 'Recently used', selected: true })).toBeVisible();
	await expect(inserter.getByRole('button', { name: 'rocket', exact: true })).toBeVisible();
	await inserter.getByRole('searchbox', { name: 'Search emoji' }).fill('thumbs up');
	await inserter.getByRole('button', { name: 'thumbs up', exact: true }).click();
	await expect(inserter).toBeHidden();
	await expect(composer(bob.page)).toBeFocused();
	await expect(composer(bob.page)).toHaveValue('Party 🎉 and 🚀👍');
	await composer(bob.page).press('Enter');
	await expect(message(alice.page, 'Party 🎉 and 🚀👍')).toBeVisible();
});

test('bookmarks: a note, kept after a reload, opens its channel, removed', async ({
	newContext
}) => {
	test.setTimeout(90_000);
	const alice = await person(await newContext(), 'admin');
	const page = alice.page;
	await createCommunity(page);
	await send(page, 'Remember this one');
	await send(page, 'Not this one');

	// A second tab of the same account, to see the bookmark arrive live.
	const tab = await page.context().newPage();
	await tab.goto(page.url());
	const inTab = message(tab, 'Remember this one');
	await expect(inTab.getByRole('button', { name: 'Bookmark', exact: true })).toBeAttached();

	const item = message(page, 'Remember this one');
	await item.hover();
	await item.getByRole('button', { name: 'Bookmark', exact: true }).click();
	const dialog = page.getByRole('dialog', { name: 'Bookmark message' });
	const note = dialog.getByRole('textbox', { name: 'Note (optional)' });
	await expect(note).toBeFocused();
	await note.fill('Follow up on Monday');
	await dialog.getByRole('button', { name: 'Save bookmark' }).click();
	await expect(dialog).toBeHidden();
	await expect(item.getByRole('button', { name: 'Remove bookmark' })).toBeAttached();
	await expect(inTab.getByRole('button', { name: 'Remove bookmark' })).toBeAttached();
	await tab.close();

	// A second channel to open the bookmark from.
	await page.getByRole('link', { name: 'Community settings' }).click();
	await page.getByRole('textbox', { name: /^New channel name/ }).fill('elsewhere');
	await page.getByRole('button', { name: 'Create channel' }).click();
	await expect(page.getByText('#elsewhere created.')).toBeVisible();
	await page.getByRole('link', { name: 'elsewhere' }).click();
	await expect(page.getByRole('heading', { name: 'elsewhere', level: 1 })).toBeVisible();

	await fromFreshAddress(page);
	await page.reload();
	await page.getByRole('button', { name: 'Bookmarks', exact: true }).click();
	const panel = page.getByRole('complementary', { name: 'Bookmarks' });
	const entry = panel.getByTestId('bookmark');
	await expect(entry).toHaveCount(1);
	await expect(entry).toContainText('#general');
	await expect(entry).toContainText('Remember this one');
	await expect(entry).toContainText('Follow up on Monday');

	await entry.getByRole('button', { name: 'Edit note' }).click();
	const edit = page.getByRole('dialog', { name: 'Edit bookmark note' });
	await expect(edit.getByRole('textbox', { name: 'Note (optional)' })).toHaveValue(
		'Follow up on Monday'
	);
	await edit.getByRole('textbox', { name: 'Note (optional)' }).fill('Follow up on Tuesday');
	await edit.getByRole('button', { name: 'Save note' }).click();
	await expect(entry).toContainText('Follow up on Tuesday');

	await entry.getByRole('button', { name: /Remember this one/ }).click();
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	await expect(page).toHaveURL(/\?message=/);
	await expect(message(page, 'Remember this one')).toBeInViewport();
	await expect(message(page, 'Remember this one')).toHaveClass(/highlighted/);

	await page.getByRole('button', { name: 'Bookmarks', exact: true }).click();
	await panel.getByTestId('bookmark').getByRole('button', { name: 'Remove', exact: true }).click();
	await expect(panel.getByTestId('bookmark')).toHaveCount(0);
	await expect(panel.getByText('No bookmarks yet.')).toBeVisible();
	await item.hover();
	await expect(item.getByRole('button', { name: 'Bookmark', exact: true })).toBeAttached();
	await fromFreshAddress(page);
	await page.reload();
	await page.getByRole('button', { name: 'Bookmarks', exact: true }).click();
	await expect(panel.getByText('No bookmarks yet.')).toBeVisible();
});
