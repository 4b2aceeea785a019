/**
 * Chat between two people in two browsers: a community made by one and joined by invite
 * by the other, then messages, edits, deletes, reactions, typing and presence live; the
 * history after a reload; and a lost WebSocket that comes back without losing or
 * repeating messages.
 */
import { expect, test } from './fixtures';
import {
	acceptInvite,
	composer,
	controllableSocket,
	createCommunity,
	invitePath,
	message,
	person,
	send
} from './chat-support';

test('two people chat live in a community', async ({ newContext }) => {
	test.setTimeout(120_000);
	const alice = await person(await newContext(), 'admin');
	const bobContext = await newContext();
	const socket = await controllableSocket(bobContext);
	const bob = await person(bobContext, 'bob');

	await createCommunity(alice.page);
	const path = await invitePath(alice.page);
	await acceptInvite(bob.page, path);

	// Presence: Alice sees Bob come online in the member list, live.
	const aliceOnline = alice.page.getByRole('list', { name: 'Online members' });
	await expect(aliceOnline.getByText(bob.account.username, { exact: true })).toBeVisible();

	// Typing: Bob types, Alice sees it.
	await composer(bob.page).fill('Hel');
	await expect(alice.page.getByTestId('typing')).toHaveText(`${bob.account.username} is typing…`);

	// Messages both ways.
	await send(bob.page, 'Hello from Bob');
	await expect(message(alice.page, 'Hello from Bob')).toBeVisible();
	await expect(alice.page.getByTestId('typing')).toHaveText('');
	// Typing again right after sending shows again (the message ended the typing window).
	await composer(bob.page).fill('And');
	await expect(alice.page.getByTestId('typing')).toHaveText(`${bob.account.username} is typing…`);
	await composer(bob.page).fill('');
	await send(alice.page, 'Hi Bob, welcome');
	await expect(message(bob.page, 'Hi Bob, welcome')).toBeVisible();

	// Edit the last own message with the up arrow.
	await composer(alice.page).press('ArrowUp');
	const edit = alice.page.getByRole('textbox', { name: 'Edit message' });
	await expect(edit).toBeFocused();
	await edit.fill('Hi Bob, welcome aboard');
	await edit.press('Enter');
	await expect(message(bob.page, 'Hi Bob, welcome aboard')).toContainText('(edited)');

	// Reactions: Bob adds one, Alice adds the same, Bob takes his back.
	const onBob = message(bob.page, 'Hi Bob, welcome aboard');
	await onBob.hover();
	await onBob.getByRole('button', { name: 'Add reaction' }).click();
	await onBob.getByRole('button', { name: 'React with 👍' }).click();
	const onAlice = message(alice.page, 'Hi Bob, welcome aboard');
	await expect(onAlice.getByRole('button', { name: '👍 1 reaction' })).toBeVisible();
	await onAlice.getByRole('button', { name: '👍 1 reaction' }).click();
	await expect(
		onBob.getByRole('button', { name: '👍 2 reactions, including yours' })
	).toBeVisible();
	await onBob.getByRole('button', { name: '👍 2 reactions, including yours' }).click();
	await expect(
		onAlice.getByRole('button', { name: '👍 1 reaction, including yours' })
	).toBeVisible();

	// @mention autocomplete: Bob picks Alice from the suggestions with the keyboard.
	await composer(bob.page).fill(`Cheers @${alice.account.username.slice(0, 4)}`);
	const suggestions = bob.page.getByRole('listbox', { name: 'People to mention' });
	await expect(suggestions.getByRole('option', { selected: true })).toContainText(
		`@${alice.account.username}`
	);
	await composer(bob.page).press('Enter');
	await expect(composer(bob.page)).toHaveValue(`Cheers @${alice.account.username} `);
	await expect(suggestions).toHaveCount(0);
	await composer(bob.page).press('Enter');
	await expect(message(alice.page, `Cheers @${alice.account.username}`)).toBeVisible();

	// Reply.
	const hello = message(alice.page, 'Hello from Bob');
	await hello.hover();
	await hello.getByRole('button', { name: 'Reply', exact: true }).click();
	await expect(alice.page.getByText(`Replying to ${bob.account.username}`)).toBeVisible();
	await send(alice.page, 'This is a reply');
	await expect(message(bob.page, 'This is a reply')).toContainText('Hello from Bob');

	// Bob deletes his message after confirming; it disappears for Alice.
	await send(bob.page, 'Oops, wrong channel');
	await expect(message(alice.page, 'Oops, wrong channel')).toBeVisible();
	const oops = message(bob.page, 'Oops, wrong channel');
	await oops.hover();
	await oops.getByRole('button', { name: 'Delete' }).click();
	const confirm = bob.page.getByRole('dialog', { name: 'Delete message?' });
	await confirm.getByRole('button', { name: 'Delete' }).click();
	await expect(message(bob.page, 'Oops, wrong channel')).toHaveCount(0);
	await expect(message(alice.page, 'Oops, wrong channel')).toHaveCount(0);

	// A reload keeps the session and the history.
	await alice.page.reload();
	await expect(message(alice.page, 'Hi Bob, welcome aboard')).toBeVisible();
	await expect(message(alice.page, 'Hello from Bob')).toBeVisible();
	await expect(aliceOnline.getByText(bob.account.username, { exact: true })).toBeVisible();

	// Bob's connection drops: he shows as offline, and what Alice sends meanwhile reaches
	// him once he is back, exactly once.
	await socket.drop();
	await expect(bob.page.getByText('Connection lost. Reconnecting…')).toBeVisible();
	await expect(
		alice.page
			.getByRole('list', { name: 'Offline members' })
			.getByText(bob.account.username, { exact: true })
	).toBeVisible();
	await send(alice.page, 'Sent while you were away 1');
	await send(alice.page, 'Sent while you were away 2');
	socket.restore();
	await expect(bob.page.getByText('Connection lost. Reconnecting…')).toHaveCount(0);
	await expect(message(bob.page, 'Sent while you were away 2')).toBeVisible();
	await expect(message(bob.page, 'Sent while you were away 1')).toHaveCount(1);
	await expect(message(bob.page, 'Sent while you were away 2')).toHaveCount(1);
	await expect(aliceOnline.getByText(bob.account.username, { exact: true })).toBeVisible();
	// Live delivery works again, still without duplicates.
	await send(alice.page, 'Welcome back');
	await expect(message(bob.page, 'Welcome back')).toHaveCount(1);
	await send(bob.page, 'Thanks');
	await expect(message(alice.page, 'Thanks')).toHaveCount(1);
	expect(socket.connections).toBeGreaterThanOrEqual(2);
});

test('unread and mention badges, and the new-messages separator', async ({ newContext }) => {
	test.setTimeout(90_000);
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'ben');
	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));
	await send(alice.page, 'Before Bob left');
	await expect(message(bob.page, 'Before Bob left')).toBeVisible();

	// Bob goes home; Alice writes: the community and channel show as unread for Bob.
	await bob.page.getByRole('link', { name: 'Home', exact: true }).click();
	await send(alice.page, 'First new message');
	await send(alice.page, 'Second new message');
	const rail = bob.page.getByRole('navigation', { name: 'Spaces' });
	await expect(rail.getByRole('link', { name: /, unread messages$/ })).toBeVisible();
	await rail.getByRole('link', { name: /, unread messages$/ }).click();
	await expect(bob.page.getByRole('separator', { name: 'New messages' })).toBeVisible();
	// The separator sits right before the first unread message.
	await expect(
		bob.page.locator('li:has(> [role="separator"][aria-label="New messages"]) + li')
	).toContainText('First new message');
	// Reading clears the badge.
	await expect(rail.getByRole('link', { name: /, unread messages$/ })).toHaveCount(0);
});
