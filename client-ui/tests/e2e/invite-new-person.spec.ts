/**
 * Issue 21, item 1: one community invite link is enough for a person who has no account
 * on this invite-only server, when its creator is community staff; otherwise the page says
 * plainly what they need.
 */
import { createCommunity, composer, message, person, send } from './chat-support';
import { expect, expectAccessible, test } from './fixtures';
import { apiClient, apiLogin, label, OWNER, registerUser, uniqueName } from './support';

test('a new person registers from a community invite link and lands in the community', async ({
	context,
	newContext
}) => {
	const admin = await person(context, 'admin');
	const community = await createCommunity(admin.page);
	await admin.page.getByRole('button', { name: 'Invite people' }).click();
	const dialog = admin.page.getByRole('dialog', { name: /^Invite people to / });
	// The dialog promises what is true here: the link also creates accounts.
	await expect(dialog).toContainText('people new to this server can create their account');
	const path = new URL(await dialog.getByTestId('invite-link').inputValue()).pathname;
	await admin.page.keyboard.press('Escape');

	// Someone with no account opens the link.
	const stranger = await (await newContext()).newPage();
	await stranger.goto(path);
	await expect(stranger).toHaveURL(/\/join\/[A-Za-z0-9_-]+$/);
	await expect(stranger.getByRole('heading', { name: `Join ${community}` })).toBeVisible();
	await expect(stranger.getByText(`${admin.account.username} invited you`)).toBeVisible();
	await expectAccessible(stranger, 'the invite page for a new person');

	const name = uniqueName('newbie');
	await stranger.getByLabel(label('Username')).fill(name);
	await stranger.getByLabel(label('Password')).fill(`${name}-password`);
	await stranger.getByLabel(label('Confirm password')).fill(`${name}-password`);
	await stranger.getByRole('button', { name: 'Create account and join' }).click();

	// The recovery code first, then straight into the community.
	await expect(stranger.getByTestId('recovery-code')).toBeVisible();
	await stranger
		.getByRole('checkbox', { name: 'I have saved my recovery code somewhere safe' })
		.check();
	await stranger.getByRole('button', { name: 'Continue to Chatalot' }).click();
	await expect(stranger.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	await expect(stranger).toHaveURL(/\/c\/[0-9a-f-]+\/[0-9a-f-]+$/);

	// They chat at once, live both ways.
	await send(stranger, 'hello from the new person');
	await expect(message(admin.page, 'hello from the new person')).toBeVisible();
	await send(admin.page, 'welcome aboard');
	await expect(message(stranger, 'welcome aboard')).toBeVisible();
	await expect(composer(stranger)).toBeVisible();
});

test("a member's invite tells a new person plainly that it cannot create an account", async ({
	newContext
}) => {
	// A community where members may invite, and a member's invite.
	const api = await apiClient();
	const adminAccount = await registerUser('staff');
	const owner = { authorization: `Bearer ${await apiLogin(OWNER.username, OWNER.password)}` };
	const created = await api.post('/api/communities', {
		headers: owner,
		data: { name: uniqueName('Members invite ') }
	});
	expect(created.status(), await created.text()).toBe(201);
	const communityId = (await created.json()).id as string;
	const patched = await api.patch(`/api/communities/${communityId}`, {
		headers: owner,
		data: { who_can_create_invites: 'member' }
	});
	expect(patched.status(), await patched.text()).toBe(200);
	const ownersInvite = await api.post(`/api/communities/${communityId}/invites`, {
		headers: owner,
		data: {}
	});
	const member = {
		authorization: `Bearer ${await apiLogin(adminAccount.username, adminAccount.password)}`
	};
	const joined = await api.post(`/api/invites/${(await ownersInvite.json()).code}/accept`, {
		headers: member
	});
	expect(joined.status(), await joined.text()).toBe(200);
	const membersInvite = await api.post(`/api/communities/${communityId}/invites`, {
		headers: member,
		data: {}
	});
	const code = (await membersInvite.json()).code as string;
	await api.dispose();

	const stranger = await (await newContext()).newPage();
	await stranger.goto(`/invite/${code}`);
	await expect(
		stranger.getByText('This invite is for people who already have an account')
	).toBeVisible();
	await expect(stranger.getByRole('button', { name: 'Create account and join' })).toHaveCount(0);
	await expect(stranger.getByLabel(label('Username'))).toHaveCount(0);
	await expectAccessible(stranger, 'the invite page that cannot admit');

	// Signing in from there comes back to the invite.
	await stranger.getByRole('button', { name: 'Sign in to join' }).click();
	await expect(stranger).toHaveURL(new RegExp(`/login\\?next=%2Finvite%2F${code}$`));
	// The sign-in page keeps the invite for someone who turns out to be new.
	await expect(stranger.getByRole('link', { name: 'Create an account' })).toHaveAttribute(
		'href',
		`/join/${code}`
	);
});
