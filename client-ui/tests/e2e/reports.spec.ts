/**
 * Reports (ADM-6): members report a message or a person through the UI; reviewers (an
 * instance admin, a community moderator) work the queue on /reports, which follows new
 * reports live; resolving with a timeout closes the reported member's composer at once,
 * and the reporter hears how their report ended.
 */
import {
	acceptInvite,
	composer,
	createCommunity,
	invitePath,
	message,
	person,
	send
} from './chat-support';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { apiClient, uniqueName } from './support';

test('a reported message resolved with a timeout closes the composer live and tells the reporter', async ({
	context,
	newContext,
	allowConsoleErrors
}) => {
	test.setTimeout(120_000);
	// Reporting the same message twice is refused (409), as the test checks.
	allowConsoleErrors(httpStatusMessage(409));
	const admin = await person(context, 'admin');
	const community = await createCommunity(admin.page);
	const path = await invitePath(admin.page);
	const bob = await person(await newContext(), 'bob');
	await acceptInvite(bob.page, path);
	const carol = await person(await newContext(), 'carol');
	await acceptInvite(carol.page, path);
	const spam = uniqueName('Cheap watches ');
	await send(carol.page, spam);

	// The admin keeps the queue open (the admin navigation's "Reports"): no reloads below.
	await admin.page.getByRole('link', { name: 'Administration' }).click();
	await admin.page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'Reports', exact: true })
		.click();
	await expect(admin.page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
	await expect(admin.page.getByRole('heading', { name: 'Open reports' })).toBeVisible();

	// Bob's own messages have nothing to report.
	await send(bob.page, 'Hello everyone');
	await message(bob.page, 'Hello everyone').hover();
	await expect(
		message(bob.page, 'Hello everyone').getByRole('button', { name: 'Report message' })
	).toHaveCount(0);

	// Bob reports Carol's message from its toolbar.
	const reported = message(bob.page, spam);
	await reported.hover();
	const reportButton = reported.getByRole('button', { name: 'Report message' });
	await reportButton.click();
	const dialog = bob.page.getByRole('dialog', { name: 'Report message' });
	await expect(dialog).toContainText(spam);
	await expect(dialog.getByLabel('Reason')).toBeFocused();
	const reason = uniqueName('Advertising ');
	await dialog.getByLabel('Reason').fill(reason);
	await expect(dialog.getByText(`${reason.length} / 1000`)).toBeVisible();
	await expectAccessible(bob.page, 'report dialog');
	await dialog.getByRole('button', { name: 'Send report' }).click();
	await expect(dialog.getByText('Thanks — moderators will review it.')).toBeVisible();
	await dialog.getByRole('button', { name: 'Done' }).click();
	await expect(dialog).toHaveCount(0);
	await expect(reportButton).toBeFocused();

	// Twice is refused plainly; Escape closes the dialog.
	await reportButton.click();
	await dialog.getByLabel('Reason').fill('Again');
	await dialog.getByRole('button', { name: 'Send report' }).click();
	await expect(dialog.getByRole('alert')).toHaveText(
		'You already reported this, and moderators have not reviewed it yet.'
	);
	await bob.page.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);

	// It reached the admin's open queue live, with the message as it was.
	const entry = admin.page.getByTestId('report').filter({ hasText: reason });
	await expect(entry).toBeVisible();
	await expect(entry.getByTestId('report-message')).toHaveText(spam);
	await expect(entry).toContainText(`@${bob.account.username}`);
	await expect(entry).toContainText(`#general in ${community}`);
	await expectAccessible(admin.page, 'reports queue');

	await entry.getByRole('button', { name: /^Resolve the message report/ }).click();
	const review = admin.page.getByRole('dialog', { name: 'Resolve report' });
	// An instance admin may also suspend the account.
	await expect(review.getByRole('radio')).toHaveCount(5);
	await review.getByLabel('Time out the person').check();
	await review.getByLabel('Duration').selectOption({ label: '1 hour' });
	await review.getByLabel('Note (optional)').fill('No advertising here.');
	await expectAccessible(admin.page, 'resolve dialog');
	await review.getByRole('button', { name: 'Resolve', exact: true }).click();
	await expect(review).toHaveCount(0);
	await expect(entry.getByTestId('report-outcome')).toContainText(
		`Resolved: timed out by @${admin.account.username}`
	);
	await expect(entry.getByRole('button', { name: /^Resolve the/ })).toHaveCount(0);

	// Carol's composer closes at once, without a reload.
	await expect(composer(carol.page)).toBeDisabled();
	await expect(composer(carol.page)).toHaveAttribute('placeholder', /^You are timed out\./);

	// Bob hears how it ended, and can put the notice away.
	const notice = bob.page.getByTestId('report-notice');
	await expect(notice).toHaveText(
		`Your report was reviewed: ${carol.account.username} was timed out. Their note: “No advertising here.”`
	);
	await notice.getByRole('button', { name: 'Dismiss this notice' }).click();
	await expect(notice).toHaveCount(0);

	// The closed report moves out of "Open" and into "Resolved".
	await admin.page.getByRole('button', { name: 'Resolved', exact: true }).click();
	await expect(admin.page.getByRole('heading', { name: 'Resolved reports' })).toBeVisible();
	await expect(entry).toBeVisible();
	await admin.page.getByRole('button', { name: 'Open', exact: true }).click();
	await expect(admin.page.getByRole('heading', { name: 'Open reports' })).toBeVisible();
	await expect(entry).toHaveCount(0);
});

test('a person reported in a community is reviewed by its moderator on a phone, who dismisses it', async ({
	context,
	newContext,
	allowConsoleErrors
}) => {
	test.setTimeout(120_000);
	// Someone who reviews nothing opens /reports: the server refuses (403).
	allowConsoleErrors(httpStatusMessage(403));
	const admin = await person(context, 'admin');
	const community = await createCommunity(admin.page);
	const [communityId] = new URL(admin.page.url()).pathname.split('/').slice(2);
	const path = await invitePath(admin.page);
	const mod = await person(await newContext({ viewport: { width: 390, height: 844 } }), 'mod');
	await acceptInvite(mod.page, path);
	const carol = await person(await newContext(), 'carol');
	await acceptInvite(carol.page, path);

	// The admin makes the first a moderator of the community.
	const api = await apiClient();
	const login = async ({ username, password }: { username: string; password: string }) =>
		(await (await api.post('/api/auth/login', { data: { username, password } })).json()) as {
			access_token: string;
			user: { id: string };
		};
	const adminAuth = { authorization: `Bearer ${(await login(admin.account)).access_token}` };
	const modId = (await login(mod.account)).user.id;
	const promoted = await api.patch(`/api/communities/${communityId}/members/${modId}`, {
		headers: adminAuth,
		data: { role: 'moderator' }
	});
	expect(promoted.status(), await promoted.text()).toBe(200);
	await api.dispose();

	// Carol reports the admin, from the card the member list opens.
	const members = carol.page.getByRole('complementary', { name: 'Members' });
	await members
		.getByRole('listitem')
		.filter({ hasText: admin.account.username })
		.getByRole('button')
		.first()
		.click();
	const card = carol.page.getByTestId('profile-card');
	await card.getByRole('button', { name: 'Report user' }).click();
	const dialog = carol.page.getByRole('dialog', { name: /^Report / });
	const reason = uniqueName('Rude in voice ');
	await dialog.getByLabel('Reason').fill(reason);
	await dialog.getByRole('button', { name: 'Send report' }).click();
	await expect(dialog.getByText('Thanks — moderators will review it.')).toBeVisible();
	await carol.page.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);
	// Back on the card that opened it.
	await expect(card.getByRole('button', { name: 'Report user' })).toBeFocused();
	await carol.page.keyboard.press('Escape');

	// Carol follows it under User settings › My reports, where it waits for review.
	await carol.page.goto('/settings/profile');
	await carol.page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: 'My reports' })
		.click();
	await expect(carol.page.getByRole('heading', { name: 'My reports', level: 1 })).toBeVisible();
	const mine = carol.page.getByTestId('my-report').filter({ hasText: reason });
	await expect(mine.getByTestId('my-report-status')).toHaveText('Waiting for review');
	await expect(mine).toContainText(community);

	// The moderator finds the queue from the community's settings.
	await mod.page.goto(`/c/${communityId}/settings`);
	const panel = mod.page.getByRole('region', { name: 'Reports' });
	await panel.getByRole('link', { name: 'Review reports' }).click();
	await expect(mod.page.getByRole('heading', { name: 'Reports', level: 1 })).toBeVisible();
	await expect(mod.page.getByLabel('Community', { exact: true })).toHaveValue(communityId!);
	const entry = mod.page.getByTestId('report').filter({ hasText: reason });
	await expect(entry).toBeVisible();
	await expect(entry).toContainText(`@${carol.account.username}`);
	await expect(entry).toContainText(community);

	// At 390 px nothing runs off the side, and the page stays accessible.
	const overflow = await mod.page.evaluate(() => {
		const main = document.querySelector('main')!;
		return {
			page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
			main: main.scrollWidth - main.clientWidth
		};
	});
	expect(overflow).toEqual({ page: 0, main: 0 });
	await expectAccessible(mod.page, 'reports queue at phone width');

	// A moderator may not suspend accounts, and a person report has no message to delete.
	await entry.getByRole('button', { name: /^Resolve the person report/ }).click();
	const review = mod.page.getByRole('dialog', { name: 'Resolve report' });
	await expect(review.getByRole('radio')).toHaveCount(3);
	await expect(review.getByLabel('Suspend the account')).toHaveCount(0);
	await expect(review.getByLabel('Delete the message')).toHaveCount(0);
	const box = await review.boundingBox();
	expect(box!.x).toBeGreaterThanOrEqual(0);
	expect(box!.x + box!.width).toBeLessThanOrEqual(390);
	await review.getByRole('button', { name: 'Cancel' }).click();

	await entry.getByRole('button', { name: /^Dismiss the person report/ }).click();
	const dismiss = mod.page.getByRole('dialog', { name: 'Dismiss report' });
	await dismiss.getByLabel('Note (optional)').fill('Not against the rules.');
	await dismiss.getByRole('button', { name: 'Dismiss report' }).click();
	await expect(dismiss).toHaveCount(0);
	await expect(entry.getByTestId('report-outcome')).toContainText(
		`Dismissed by @${mod.account.username}`
	);

	// Carol learns it, without who reviewed it.
	const notice = carol.page.getByTestId('report-notice');
	await expect(notice).toHaveText(
		'Your report was reviewed: the moderators took no action. Their note: “Not against the rules.”'
	);
	await expect(notice).not.toContainText(mod.account.username);
	// Her list changed with it, live: the outcome and the note, not who reviewed it.
	await expect(mine.getByTestId('my-report-status')).toHaveText('Dismissed');
	await expect(mine.getByTestId('my-report-outcome')).toContainText(
		'the moderators took no action. Their note: “Not against the rules.”'
	);
	await expect(mine).not.toContainText(mod.account.username);
	await expectAccessible(carol.page, 'my reports');

	// People who review nothing have no "Reports" link, and the page says why.
	await carol.page.goto('/settings/profile');
	const nav = carol.page.getByRole('navigation', { name: 'Settings' });
	await expect(nav.getByRole('link', { name: 'My profile' })).toBeVisible();
	await expect(nav.getByRole('link', { name: 'Reports', exact: true })).toHaveCount(0);
	await carol.page.goto('/reports');
	await expect(carol.page.getByRole('heading', { name: 'Moderators only' })).toBeVisible();
	// …and where to follow their own reports instead, which fit a 375 px phone.
	await carol.page.setViewportSize({ width: 375, height: 800 });
	await carol.page.getByRole('link', { name: 'See my reports' }).click();
	await expect(carol.page.getByRole('heading', { name: 'My reports', level: 1 })).toBeVisible();
	await expect(mine.getByTestId('my-report-status')).toHaveText('Dismissed');
	const mineOverflow = await carol.page.evaluate(
		() => document.documentElement.scrollWidth - document.documentElement.clientWidth
	);
	expect(mineOverflow).toBe(0);
});
