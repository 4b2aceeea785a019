/**
 * First run: the fresh invite-only server has no owner. The app leads to setup, which
 * asks for the setup code the server printed; the owner then sees the recovery code once.
 * Setup is done by keyboard alone, and so is what follows: a new team's first minutes
 * (issue 21), where the owner creates a community and invites a colleague with no account
 * by one link, who registers from it, and they chat; with an accessibility check on every
 * screen.
 */
import { composer, message } from './chat-support';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { OWNER, label, tabTo, uniqueName } from './support';

test('first-run setup creates the owner with the printed setup code', async ({
	page,
	context,
	allowConsoleErrors
}) => {
	await context.grantPermissions(['clipboard-read', 'clipboard-write']);
	const setupCode = process.env.CHATALOT_E2E_SETUP_CODE;
	expect(setupCode, 'the server banner printed a setup code').toBeTruthy();

	await page.goto('/');
	await expect(page).toHaveURL(/\/setup$/);
	await expect(page.getByRole('heading', { name: 'Set up your server' })).toBeVisible();
	await expectAccessible(page, 'setup');

	// All by keyboard: client-side validation first, then the server's verdict on a wrong code.
	const submit = page.getByRole('button', { name: 'Create owner account' });
	await tabTo(page, submit);
	await page.keyboard.press('Enter');
	await expect(page.getByText('Setup code is required.')).toBeVisible();

	allowConsoleErrors(httpStatusMessage(403));
	const type = async (field: string, text: string) => {
		await tabTo(page, page.getByLabel(label(field)));
		await page.keyboard.type(text);
	};
	await type('Setup code', 'WRONGCODE1');
	await type('Username', OWNER.username);
	await type('Display name', OWNER.displayName);
	await type('Password', OWNER.password);
	await type('Confirm password', OWNER.password);
	await page.keyboard.press('Enter');
	await expect(page.getByText(/^This setup code is not valid/)).toBeVisible();
	await expect(page.getByLabel(label('Setup code'))).toBeFocused();

	// The owner corrects the code where the error left the cursor.
	await page.keyboard.press('ControlOrMeta+A');
	await page.keyboard.type(setupCode!);
	await page.keyboard.press('Enter');

	// The recovery code is shown once and must be acknowledged.
	await expect(page).toHaveURL(/\/recovery-code$/);
	const code = page.getByTestId('recovery-code');
	await expect(code).toHaveText(/^[A-Z0-9]+(-[A-Z0-9]+)+$/);
	await expectAccessible(page, "the owner's recovery code");
	const proceed = page.getByRole('button', { name: 'Continue to Chatalot' });
	await expect(proceed).toBeDisabled();
	await tabTo(page, page.getByRole('button', { name: 'Copy recovery code' }));
	await page.keyboard.press('Enter');
	await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
	expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(await code.textContent());
	const download = page.waitForEvent('download');
	await tabTo(page, page.getByRole('button', { name: 'Download' }));
	await page.keyboard.press('Enter');
	expect((await download).suggestedFilename()).toBe(`chatalot-recovery-code-${OWNER.username}.txt`);
	await tabTo(
		page,
		page.getByRole('checkbox', { name: 'I have saved my recovery code somewhere safe' })
	);
	await page.keyboard.press('Space');
	await page.keyboard.press('Tab');
	await expect(proceed).toBeFocused();
	await page.keyboard.press('Enter');

	await expect(page.getByRole('heading', { name: `Welcome, ${OWNER.displayName}` })).toBeVisible();
	// Owners get the administration entry in the rail.
	await expect(page.getByRole('link', { name: 'Administration' })).toBeVisible();

	// Setup is over: /setup now leads to sign-in (after signing out).
	await page.reload();
	await expect(page.getByRole('heading', { name: `Welcome, ${OWNER.displayName}` })).toBeVisible();
	await page.getByRole('link', { name: 'User settings' }).click();
	await page.getByRole('button', { name: 'Log out' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/setup');
	await expect(page).toHaveURL(/\/login$/);
});

test("a new team's first minutes, by keyboard alone, every screen accessible", async ({
	page: owner,
	newContext
}) => {
	test.setTimeout(120_000);
	// The owner set the server up in the test above; now they sign in.
	await owner.goto('/login');
	await expectAccessible(owner, 'sign-in');
	await tabTo(owner, owner.getByLabel(label('Username or email')));
	await owner.keyboard.type(OWNER.username);
	await owner.keyboard.press('Tab');
	await owner.keyboard.type(OWNER.password);
	await owner.keyboard.press('Enter');
	const main = owner.getByRole('main');
	await expect(main.getByRole('heading', { name: 'No communities yet' })).toBeVisible();
	await expectAccessible(owner, 'first-run Home');

	// A community, from Home's own action.
	await tabTo(owner, main.getByRole('button', { name: 'Create a community' }));
	await owner.keyboard.press('Enter');
	const create = owner.getByRole('dialog', { name: 'Create a community' });
	await expect(create.getByLabel(label('Community name'))).toBeFocused();
	await expectAccessible(owner, 'create a community');
	const community = uniqueName('Team ');
	await owner.keyboard.type(community);
	await owner.keyboard.press('Enter');
	await expect(owner.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	await expect(composer(owner)).toBeFocused();
	await expectAccessible(owner, 'the new community');

	// One link to invite a colleague who has no account.
	await tabTo(owner, owner.getByRole('button', { name: 'Invite people' }));
	await owner.keyboard.press('Enter');
	const invite = owner.getByRole('dialog', { name: `Invite people to ${community}` });
	await expect(invite).toContainText('people new to this server can create their account');
	await expectAccessible(owner, 'invite dialog');
	const path = new URL(await invite.getByTestId('invite-link').inputValue()).pathname;
	await owner.keyboard.press('Escape');
	await expect(invite).toHaveCount(0);

	// The colleague opens it in their own browser, signed out.
	const colleague = await (await newContext()).newPage();
	await colleague.goto(path);
	await expect(colleague.getByRole('heading', { name: `Join ${community}` })).toBeVisible();
	await expect(colleague.getByText(`${OWNER.username} invited you`)).toBeVisible();
	await expectAccessible(colleague, 'the invite page');
	const name = uniqueName('colleague');
	await tabTo(colleague, colleague.getByLabel(label('Username')));
	await colleague.keyboard.type(name);
	await tabTo(colleague, colleague.getByLabel(label('Password')));
	await colleague.keyboard.type(`${name}-password`);
	// Past the "show password" toggle.
	await tabTo(colleague, colleague.getByLabel(label('Confirm password')));
	await colleague.keyboard.type(`${name}-password`);
	await colleague.keyboard.press('Enter');

	await expect(colleague.getByTestId('recovery-code')).toBeVisible();
	await expectAccessible(colleague, 'recovery code');
	const saved = colleague.getByRole('checkbox', {
		name: 'I have saved my recovery code somewhere safe'
	});
	await tabTo(colleague, saved);
	await colleague.keyboard.press('Space');
	await expect(saved).toBeChecked();
	await tabTo(colleague, colleague.getByRole('button', { name: 'Continue to Chatalot' }));
	await colleague.keyboard.press('Enter');

	// They land in the community and talk, live both ways.
	await expect(colleague.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	await expectAccessible(colleague, 'the community, as the new member');
	await tabTo(colleague, composer(colleague));
	await colleague.keyboard.type('Hi all, glad to be here');
	await colleague.keyboard.press('Enter');
	await expect(message(owner, 'Hi all, glad to be here')).toBeVisible();
	await tabTo(owner, composer(owner));
	await owner.keyboard.type(`Welcome, ${name}!`);
	await owner.keyboard.press('Enter');
	await expect(message(colleague, `Welcome, ${name}!`)).toBeVisible();
	await expectAccessible(owner, 'the conversation');
});
