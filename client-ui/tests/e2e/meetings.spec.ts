/**
 * Meetings on a channel (MEET-1/2): a moderator schedules a weekly series through the
 * dialog by keyboard alone, a member sees it live without the moderator's controls and
 * answers, and both pages follow the counts; a meeting's link opens its channel's panel.
 */
import type { Locator, Page } from '@playwright/test';
import { communityWithMember } from './chat-support';
import { expect, expectAccessible, httpStatusMessage, test } from './fixtures';
import { apiClient, apiLogin, label, tabTo } from './support';

function meetingsPanel(page: Page) {
	return page.getByRole('complementary', { name: 'Meetings' });
}

async function openMeetings(page: Page) {
	await page.getByRole('button', { name: 'Meetings', exact: true }).click();
	await expect(meetingsPanel(page).getByRole('tab', { name: 'Upcoming' })).toHaveAttribute(
		'aria-selected',
		'true'
	);
	return meetingsPanel(page);
}

/** The first upcoming occurrence of the series named `title`. */
function firstOccurrence(panel: Locator, title: string) {
	return panel
		.getByRole('list', { name: 'Upcoming meetings' })
		.getByRole('listitem', { name: title })
		.first();
}

test('a weekly meeting: scheduled by keyboard, answered live by a member', async ({
	context,
	newContext,
	allowConsoleErrors
}) => {
	test.setTimeout(150_000);
	const { admin, bob } = await communityWithMember(context, newContext);
	const title = 'Weekly sync';

	const bobPanel = await openMeetings(bob.page);
	await expect(bobPanel.getByText('No upcoming meetings.')).toBeVisible();
	// Members answer; only moderators and up schedule.
	await expect(bobPanel.getByRole('button', { name: 'Schedule a meeting' })).toHaveCount(0);

	// The moderator (the community's owner) schedules by keyboard alone.
	const page = admin.page;
	const panel = await openMeetings(page);
	const schedule = panel.getByRole('button', { name: 'Schedule a meeting' });
	await tabTo(page, schedule, 40);
	await page.keyboard.press('Enter');
	const dialog = page.getByRole('dialog', { name: 'Schedule a meeting' });
	await expect(dialog.getByLabel(label('Title'))).toBeFocused();
	await page.keyboard.type(title);
	await expect(dialog.getByLabel(label('Time zone'))).not.toHaveValue('');
	// The first meeting on a Monday, at least two days ahead (typed as the date field's
	// month, day and year; the browser and this runner share the machine's time zone).
	const monday = new Date();
	monday.setDate(monday.getDate() + 2);
	while (monday.getDay() !== 1) monday.setDate(monday.getDate() + 1);
	const [yyyy, mm, dd] = [
		String(monday.getFullYear()),
		String(monday.getMonth() + 1).padStart(2, '0'),
		String(monday.getDate()).padStart(2, '0')
	];
	const date = dialog.getByLabel(label('Date'));
	await tabTo(page, date, 40);
	await page.keyboard.type(`${mm}${dd}${yyyy}`);
	await expect(date).toHaveValue(`${yyyy}-${mm}-${dd}`);
	await tabTo(page, dialog.getByRole('radio', { name: 'Does not repeat' }), 40);
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('ArrowRight');
	await expect(dialog.getByRole('radio', { name: 'Weekly' })).toBeChecked();
	const days = dialog.getByRole('group', { name: 'On these days' });
	// Monday (the first meeting's weekday, pressed already) and Wednesday.
	for (const day of [
		'Monday',
		'Tuesday',
		'Wednesday',
		'Thursday',
		'Friday',
		'Saturday',
		'Sunday'
	]) {
		const toggle = days.getByRole('button', { name: day });
		const wanted = day === 'Monday' || day === 'Wednesday';
		if ((await toggle.getAttribute('aria-pressed')) === String(wanted)) continue;
		await tabTo(page, toggle, 40);
		await page.keyboard.press('Space');
		await expect(toggle).toHaveAttribute('aria-pressed', String(wanted));
	}
	await tabTo(page, dialog.getByRole('radio', { name: 'Never' }), 40);
	await page.keyboard.press('ArrowRight');
	const count = dialog.getByLabel(label('Number of meetings'));
	await expect(count).toHaveValue('10');
	await expect(dialog.getByText('Weekly on Mon, Wed · 10 times')).toBeVisible();
	await expectAccessible(page, 'the schedule dialog');
	await tabTo(page, count, 40);
	await page.keyboard.press('Enter');
	await expect(dialog).toBeHidden();
	// Focus goes back to where the dialog was opened.
	await expect(schedule).toBeFocused();

	const mine = firstOccurrence(panel, title);
	await expect(mine.getByText('Weekly on Mon, Wed · 10 times')).toBeVisible();
	await expect(mine.getByRole('button', { name: 'Edit series' })).toBeVisible();
	await expect(mine.getByRole('button', { name: 'Cancel series' })).toBeVisible();

	// Bob sees it without a reload, and without the moderator's controls.
	const theirs = firstOccurrence(bobPanel, title);
	await expect(theirs.getByText('Weekly on Mon, Wed · 10 times')).toBeVisible();
	await expect(theirs.getByTestId('rsvp-counts')).toHaveText('0 going · 0 maybe · 0 not going');
	for (const name of ['Edit series', 'Cancel series', 'Cancel this occurrence']) {
		await expect(bobPanel.getByRole('button', { name })).toHaveCount(0);
	}
	await expectAccessible(bob.page, 'the meetings panel');

	// Bob goes; both pages count him at once.
	const going = theirs.getByRole('button', { name: 'Going', exact: true });
	await going.click();
	await expect(going).toHaveAttribute('aria-pressed', 'true');
	await expect(theirs.getByTestId('rsvp-counts')).toHaveText('1 going · 0 maybe · 0 not going');
	await expect(mine.getByTestId('rsvp-counts')).toHaveText('1 going · 0 maybe · 0 not going');
	// Pressing it again takes the answer back.
	await going.click();
	await expect(going).toHaveAttribute('aria-pressed', 'false');
	await expect(mine.getByTestId('rsvp-counts')).toHaveText('0 going · 0 maybe · 0 not going');
	await theirs.getByRole('button', { name: 'Maybe' }).click();
	await expect(mine.getByTestId('rsvp-counts')).toHaveText('0 going · 1 maybe · 0 not going');

	// The meeting's link (as in its emails) opens the channel with the panel.
	const channelId = new URL(bob.page.url()).pathname.split('/')[3]!;
	const api = await apiClient();
	const token = await apiLogin(bob.account.username, bob.account.password);
	const listed = await api.get(`/api/channels/${channelId}/meetings?range=upcoming`, {
		headers: { authorization: `Bearer ${token}` }
	});
	const meetingId = (await listed.json()).meetings[0].id as string;
	await api.dispose();
	await bob.page.goto(`/meetings/${meetingId}`);
	await expect(bob.page).toHaveURL(new RegExp(`/${channelId}\\?meetings=open$`));
	const reopened = firstOccurrence(meetingsPanel(bob.page), title);
	await expect(reopened.getByRole('button', { name: 'Maybe' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);

	// A meeting one cannot see is simply not found.
	allowConsoleErrors(httpStatusMessage(404));
	await bob.page.goto('/meetings/00000000-0000-7000-8000-000000000000');
	await expect(bob.page.getByRole('heading', { name: 'Meeting not found' })).toBeVisible();
});
