/**
 * Administration → Users (ADM-2): the account actions against the real server —
 * suspension (the person's open page is signed out), admin rights, password resets and
 * deletion — and what a non-owner administrator is offered.
 */
import type { Page, WebSocket } from '@playwright/test';
import { registerAdmin } from './chat-support';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import {
	apiClient,
	apiLogin,
	label,
	openSettings,
	OWNER,
	registerUser,
	signIn,
	type Account
} from './support';

const PHONE = { width: 390, height: 844 };

/** Opens the Users page and narrows the list to one account. */
async function findUser(page: Page, username: string) {
	await page.goto('/admin/users');
	await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
	const search = page.getByRole('search');
	await search.getByLabel(label('Search')).fill(username);
	await search.getByRole('button', { name: 'Search' }).click();
	const row = page.getByTestId('user-row').filter({ hasText: `@${username}` });
	await expect(row).toHaveCount(1);
	await expect(page.getByTestId('user-row')).toHaveCount(1);
	return row;
}

/** Opens an account's detail dialog from its row. */
async function openAccount(page: Page, username: string) {
	const row = await findUser(page, username);
	await row.getByRole('button', { name: `Manage @${username}` }).click();
	const details = page.getByRole('dialog', { name: `@${username}` });
	await expect(details).toBeVisible();
	await expect(details.getByRole('status', { name: 'Refreshing the account' })).toHaveCount(0);
	return { row, details };
}

/** Clicks an action in the detail dialog and returns its confirmation dialog. */
async function choose(
	page: Page,
	details: ReturnType<Page['getByRole']>,
	action: string,
	title: string
) {
	await details.getByRole('button', { name: action, exact: true }).click();
	const confirm = page.getByRole('dialog', { name: title });
	await expect(confirm).toBeVisible();
	return confirm;
}

async function userId(account: Account): Promise<string> {
	const api = await apiClient();
	const login = await api.post('/api/auth/login', {
		data: { username: account.username, password: account.password }
	});
	expect(login.status(), await login.text()).toBe(200);
	const id = (await login.json()).user.id as string;
	await api.dispose();
	return id;
}

test('the owner suspends a signed-in user, unsuspends them, and grants and removes admin', async ({
	page,
	newContext,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401), httpStatusMessage(403));
	const account = await registerUser('suspended');
	const theirs = await (await newContext()).newPage();
	const sockets: WebSocket[] = [];
	theirs.on('websocket', (socket) => sockets.push(socket));
	await signIn(theirs, account.username, account.password);
	await expect.poll(() => sockets.filter((s) => !s.isClosed()).length).toBeGreaterThan(0);

	await signIn(page, OWNER.username, OWNER.password);
	const { row, details } = await openAccount(page, account.username);
	await expect(details.getByTestId('user-status')).toHaveText('Active');
	await expect(details.getByTestId('user-role')).toHaveText('User');
	await expect(details).toContainText('Not linked');
	await expectAccessible(page, 'account details');

	// Suspend, with a reason.
	const suspend = await choose(page, details, 'Suspend', `Suspend @${account.username}?`);
	await expect(suspend.getByLabel(label('Reason'))).toBeFocused();
	await suspend.getByLabel(label('Reason')).fill('Spamming the lobby');
	await expectAccessible(page, 'suspend dialog');
	await suspend.getByRole('button', { name: 'Suspend', exact: true }).click();
	await expect(suspend).toBeHidden();
	await expect(details.getByRole('status')).toHaveText(
		`@${account.username} is suspended and was signed out everywhere.`
	);
	await expect(details.getByTestId('user-status')).toContainText('Suspended since');
	await expect(details.getByTestId('user-status')).toContainText('Reason: Spamming the lobby');
	await expect(details.getByRole('button', { name: 'Unsuspend' })).toBeVisible();
	await expect(row.getByTestId('suspended-badge')).toHaveText('Suspended');

	// Their socket was closed ("session ended"), and their next request signs them out.
	await expect.poll(() => sockets.every((s) => s.isClosed())).toBe(true);
	await openSettings(theirs, 'Sessions');
	await expect(theirs).toHaveURL(/\/login\?next=%2Fsettings%2Fsessions$/);
	await expect(theirs.getByText('Your session has ended. Please sign in again.')).toBeVisible();
	await theirs.getByLabel(label('Username or email')).fill(account.username);
	await theirs.getByLabel(label('Password')).fill(account.password);
	await theirs.getByRole('button', { name: 'Sign in' }).click();
	await expect(theirs.getByRole('alert')).toHaveText('This account is suspended');

	// Unsuspend: they sign in again.
	const unsuspend = await choose(page, details, 'Unsuspend', `Unsuspend @${account.username}?`);
	await expect(unsuspend).toContainText('Suspended because: Spamming the lobby');
	await expect(unsuspend.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await unsuspend.getByRole('button', { name: 'Unsuspend' }).click();
	await expect(unsuspend).toBeHidden();
	await expect(details.getByTestId('user-status')).toHaveText('Active');
	await expect(row.getByTestId('suspended-badge')).toHaveCount(0);
	await signIn(theirs, account.username, account.password);

	// Make admin, then remove admin; the row's badge follows.
	const grant = await choose(
		page,
		details,
		'Make admin',
		`Make @${account.username} an administrator?`
	);
	await grant.getByRole('button', { name: 'Make admin' }).click();
	await expect(grant).toBeHidden();
	await expect(details.getByTestId('user-role')).toHaveText('Admin');
	await expect(row.getByTestId('role-badge')).toHaveText('Admin');
	// The button that opened the dialog keeps the focus, now with its new word.
	await expect(details.getByRole('button', { name: 'Remove admin' })).toBeFocused();
	await theirs.reload();
	await expect(theirs.getByRole('link', { name: 'Administration' })).toBeVisible();

	const revoke = await choose(
		page,
		details,
		'Remove admin',
		`Remove @${account.username} as administrator?`
	);
	await revoke.getByRole('button', { name: 'Remove admin' }).click();
	await expect(revoke).toBeHidden();
	await expect(details.getByTestId('user-role')).toHaveText('User');
	await expect(row.getByTestId('role-badge')).toHaveCount(0);
	await expect(details.getByRole('status')).toHaveText(
		`@${account.username} is no longer an administrator.`
	);

	// Escape closes the details and gives the focus back to the row's button.
	await page.keyboard.press('Escape');
	await expect(details).toBeHidden();
	await expect(row.getByRole('button', { name: `Manage @${account.username}` })).toBeFocused();
});

test('the owner resets a password: shown once, and it signs the user in', async ({
	page,
	newContext,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(401));
	const account = await registerUser('forgot');
	const theirs = await (await newContext()).newPage();
	await signIn(theirs, account.username, account.password);

	await signIn(page, OWNER.username, OWNER.password);
	const { details } = await openAccount(page, account.username);
	const reset = await choose(
		page,
		details,
		'Reset password',
		`Reset the password of @${account.username}?`
	);
	await expect(reset.getByRole('button', { name: 'Cancel' })).toBeFocused();
	await reset.getByRole('button', { name: 'Reset password' }).click();

	const shown = page.getByRole('dialog', { name: 'Temporary password' });
	await expect(shown).toContainText('Copy it now: it will not be shown again.');
	const field = shown.getByLabel(`Temporary password of @${account.username}`);
	await expect(field).toBeFocused();
	const temporary = await field.inputValue();
	expect(temporary.length).toBeGreaterThanOrEqual(8);
	await expect(shown.getByRole('button', { name: 'Copy password' })).toBeVisible();
	await expectAccessible(page, 'temporary password');
	await shown.getByRole('button', { name: 'Done' }).click();
	await expect(shown).toBeHidden();
	await expect(details.getByRole('status')).toHaveText(
		`The password of @${account.username} was reset and they were signed out everywhere.`
	);

	// Their open page is signed out; the old password no longer works; the new one does.
	await theirs.reload();
	await expect(theirs.getByText('Your session has ended. Please sign in again.')).toBeVisible();
	await theirs.getByLabel(label('Username or email')).fill(account.username);
	await theirs.getByLabel(label('Password')).fill(account.password);
	await theirs.getByRole('button', { name: 'Sign in' }).click();
	await expect(theirs.getByRole('alert')).toHaveText('Invalid username or password');
	await signIn(theirs, account.username, temporary);
});

test('the owner deletes accounts: not while they own communities, and by typing the name', async ({
	page,
	allowConsoleErrors
}) => {
	allowConsoleErrors(httpStatusMessage(409));
	// A user who owns a community (created while briefly an admin: only admins create them).
	const founder = await registerUser('founder');
	const founderId = await userId(founder);
	const api = await apiClient();
	const owner = { authorization: `Bearer ${await apiLogin(OWNER.username, OWNER.password)}` };
	const setRole = async (role: string) => {
		const answer = await api.put(`/api/admin/users/${founderId}/role`, {
			headers: owner,
			data: { role }
		});
		expect(answer.status(), await answer.text()).toBe(200);
	};
	await setRole('admin');
	const created = await api.post('/api/communities', {
		headers: { authorization: `Bearer ${await apiLogin(founder.username, founder.password)}` },
		data: { name: `Founded by ${founder.username}` }
	});
	expect(created.status(), await created.text()).toBe(201);
	await setRole('user');
	await api.dispose();

	await signIn(page, OWNER.username, OWNER.password);
	let { details } = await openAccount(page, founder.username);
	let remove = await choose(
		page,
		details,
		'Delete account',
		`Delete the account of @${founder.username}?`
	);
	const confirmField = remove.getByLabel(label(`Type ${founder.username} to confirm`));
	await expect(confirmField).toBeFocused();
	const confirmButton = remove.getByRole('button', { name: 'Delete account' });
	await expect(confirmButton).toBeDisabled();
	await confirmField.fill(founder.username.slice(0, -1));
	await expect(confirmButton).toBeDisabled();
	await confirmField.fill(founder.username);
	await confirmButton.click();
	await expect(remove.getByRole('alert')).toHaveText(
		'This user owns communities: transfer or delete them first'
	);
	await remove.getByRole('button', { name: 'Cancel' }).click();
	await expect(remove).toBeHidden();
	await page.keyboard.press('Escape');
	await expect(details).toBeHidden();

	// A plain account goes, after the username is typed (Enter submits).
	const leaving = await registerUser('leaving');
	({ details } = await openAccount(page, leaving.username));
	remove = await choose(
		page,
		details,
		'Delete account',
		`Delete the account of @${leaving.username}?`
	);
	await remove
		.getByLabel(label(`Type ${leaving.username} to confirm`))
		.fill(`@${leaving.username}`);
	await page.keyboard.press('Enter');
	await expect(remove).toBeHidden();
	await expect(details).toBeHidden();
	const notice = page.getByText(`The account of @${leaving.username} was deleted.`);
	await expect(notice).toBeVisible();
	await expect(page.getByTestId('user-row')).toHaveCount(0);
	const gone = await apiClient();
	const login = await gone.post('/api/auth/login', {
		data: { username: leaving.username, password: leaving.password }
	});
	expect(login.status()).toBe(401);
	await gone.dispose();
});

test('an administrator who is not the owner is offered no role changes; phone width', async ({
	newContext
}) => {
	const admin = await registerAdmin();
	const target = await registerUser('managed');
	const otherAdmin = await registerAdmin();
	const page = await (await newContext({ viewport: PHONE })).newPage();
	await signIn(page, admin.username, admin.password);

	const { row, details } = await openAccount(page, target.username);
	await expect(row.getByRole('button', { name: `Manage @${target.username}` })).toBeVisible();
	const actions = details.getByRole('group', { name: `Actions on @${target.username}` });
	await expect(actions.getByRole('button')).toHaveText([
		'Suspend',
		'Reset password',
		'Delete account'
	]);
	await expect(details.getByRole('button', { name: 'Make admin' })).toHaveCount(0);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
	const box = (await details.boundingBox())!;
	expect(box.x).toBeGreaterThanOrEqual(0);
	expect(box.x + box.width).toBeLessThanOrEqual(390);
	await expectAccessible(page, 'account details at phone width');

	// Keyboard: the suspend dialog opens from the focused button and Escape backs out.
	await actions.getByRole('button', { name: 'Suspend' }).focus();
	await page.keyboard.press('Enter');
	const suspend = page.getByRole('dialog', { name: `Suspend @${target.username}?` });
	await expect(suspend.getByLabel(label('Reason'))).toBeFocused();
	const suspendBox = (await suspend.boundingBox())!;
	expect(suspendBox.x + suspendBox.width).toBeLessThanOrEqual(390);
	await page.keyboard.press('Escape');
	await expect(suspend).toBeHidden();
	await expect(actions.getByRole('button', { name: 'Suspend' })).toBeFocused();
	await page.keyboard.press('Escape');
	await expect(details).toBeHidden();

	// Another administrator: details only, and why.
	const peer = await findUser(page, otherAdmin.username);
	await expect(peer.getByTestId('role-badge')).toHaveText('Admin');
	await peer.getByRole('button', { name: `Details of @${otherAdmin.username}` }).click();
	const peerDetails = page.getByRole('dialog', { name: `@${otherAdmin.username}` });
	await expect(peerDetails).toContainText(
		'You can act only on accounts whose role is below yours.'
	);
	await expect(peerDetails.getByRole('group')).toHaveCount(0);
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
});
