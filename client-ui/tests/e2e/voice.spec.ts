/**
 * Voice and video calls (VOICE-1…5) between two people, each in a Chromium process of
 * their own with fake media devices, through the real server and a real coturn relay
 * with relay-only ICE: audio both ways (and played), the camera, mute, a moderator
 * disconnecting someone, leaving. Also: a denied microphone, and the call view at
 * phone width.
 */
import { createSocket } from 'node:dgram';
import type { Browser } from '@playwright/test';
import {
	acceptInvite,
	controllableSocket,
	createCommunity,
	invitePath,
	person
} from './chat-support';
import { expect, expectAccessible, test } from './fixtures';
import {
	callControls,
	caller,
	callStats,
	createVoiceChannel,
	joinVoice,
	openVoiceChannel,
	expectRelayedAudio,
	hangUp,
	launchCallBrowser,
	onlyPeer,
	peerConnectionsMade,
	tile,
	type Caller,
	turnRelayRunning,
	TURN_MISSING
} from './voice-support';

test.skip(!turnRelayRunning(), TURN_MISSING);

/** A UDP port where nothing listens. */
function freeUdpPort(): Promise<number> {
	return new Promise((done) => {
		const probe = createSocket('udp4');
		probe.bind(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => done(port));
		});
	});
}

test('two people call each other through the TURN relay', async ({}, testInfo) => {
	test.setTimeout(240_000);
	const launchOptions = testInfo.project.use.launchOptions ?? {};
	const browsers: Browser[] = [];
	const people: Caller[] = [];
	try {
		browsers.push(await launchCallBrowser(launchOptions), await launchCallBrowser(launchOptions));
		const alice = await caller(browsers[0]!, 'admin');
		people.push(alice);
		let bobSocket: Awaited<ReturnType<typeof controllableSocket>> | undefined;
		const bob = await caller(browsers[1]!, 'bob', {
			beforeSignIn: async (context) => (bobSocket = await controllableSocket(context))
		});
		people.push(bob);
		const aliceName = alice.account.username;
		const bobName = bob.account.username;

		// Alice's community (she owns it), with a voice channel; Bob joins by invite.
		await createCommunity(alice.page);
		const communityId = new URL(alice.page.url()).pathname.split('/')[2]!;
		await acceptInvite(bob.page, await invitePath(alice.page));
		await createVoiceChannel(alice.account, communityId, 'Lounge');
		await openVoiceChannel(alice.page, 'Lounge');
		await openVoiceChannel(bob.page, 'Lounge');
		await expect(bob.page.getByRole('heading', { name: 'No one is here yet' })).toBeVisible();

		// Alice joins; Bob, not in the call, sees her in the sidebar and in the lobby.
		await joinVoice(alice);
		const bobSidebar = bob.page.getByRole('list', { name: 'In the call in Lounge' });
		await expect(bobSidebar.getByText(aliceName)).toBeVisible();
		await expect(bob.page.getByRole('heading', { name: '1 in the call' })).toBeVisible();

		// Bob joins: he offers to Alice, both connect through the relay only.
		await joinVoice(bob);
		await expect(tile(alice.page, bobName)).toBeVisible();
		await expect(tile(bob.page, aliceName)).toBeVisible();
		await expectRelayedAudio(alice.page, 'Alice');
		await expectRelayedAudio(bob.page, 'Bob');
		// The remote voice plays in an audio element.
		await expect(alice.page.locator('audio[data-user-id]')).toHaveCount(1);
		// The fake microphone beeps: each sees the other speak.
		await expect(tile(alice.page, bobName)).toHaveAttribute('data-speaking', 'true');
		await expect(tile(bob.page, aliceName)).toHaveAttribute('data-speaking', 'true');

		// Bob's camera: Alice decodes his video and sees it on his tile.
		await callControls(bob.page).getByRole('button', { name: 'Camera', pressed: false }).click();
		await expect(
			callControls(bob.page).getByRole('button', { name: 'Camera', pressed: true })
		).toBeVisible();
		await expect
			.poll(async () => (await onlyPeer(alice.page))?.videoFramesDecoded ?? 0, {
				message: "Alice decodes Bob's video"
			})
			.toBeGreaterThan(0);
		const bobVideo = tile(alice.page, bobName).locator('video');
		await expect(bobVideo).toBeVisible();
		await expect
			.poll(() => bobVideo.evaluate((v: HTMLVideoElement) => v.videoWidth), {
				message: "Bob's video plays on Alice's screen"
			})
			.toBeGreaterThan(0);
		await expect(tile(alice.page, bobName).getByRole('img', { name: 'Camera on' })).toBeVisible();

		// Alice shares her screen: Bob gets a tile for it, and can focus it.
		await callControls(alice.page).getByRole('button', { name: 'Share screen' }).click();
		const screen = tile(bob.page, `${aliceName}'s screen`);
		await expect(screen.locator('video')).toBeVisible();
		await screen.getByRole('button', { name: `Focus ${aliceName}'s screen` }).click();
		await expect(
			screen.getByRole('button', { name: `Stop focusing ${aliceName}'s screen`, pressed: true })
		).toBeVisible();
		await callControls(alice.page)
			.getByRole('button', { name: 'Share screen', pressed: true })
			.click();
		await expect(screen).toHaveCount(0);

		// Alice mutes: Bob sees it on her tile and in the sidebar.
		await callControls(alice.page).getByRole('button', { name: 'Mute', pressed: false }).click();
		await expect(tile(bob.page, aliceName).getByRole('img', { name: 'Muted' })).toBeVisible();
		await expect(bobSidebar.getByRole('img', { name: 'Muted' })).toBeVisible();

		// Bob's connection to the server drops and comes back within the grace period: he
		// joins again and keeps his place; both make new peer connections through the relay.
		const madeByAlice = await peerConnectionsMade(alice.page);
		const madeByBob = await peerConnectionsMade(bob.page);
		await bobSocket!.drop();
		await expect(bob.page.getByText('Connection lost. Reconnecting…')).toBeVisible();
		bobSocket!.restore();
		await expect(bob.page.getByText('Connection lost. Reconnecting…')).toHaveCount(0, {
			timeout: 30_000
		});
		await expect.poll(() => peerConnectionsMade(alice.page)).toBeGreaterThan(madeByAlice);
		await expect.poll(() => peerConnectionsMade(bob.page)).toBeGreaterThan(madeByBob);
		await expect(tile(alice.page, bobName)).toBeVisible();
		await expectRelayedAudio(alice.page, 'Alice, after Bob reconnected');
		await expectRelayedAudio(bob.page, 'Bob, after reconnecting');
		// His camera stayed on.
		await expect
			.poll(async () => (await onlyPeer(alice.page))?.videoFramesDecoded ?? 0)
			.toBeGreaterThan(0);
		await expect(tile(bob.page, aliceName).getByRole('img', { name: 'Muted' })).toBeVisible();

		// Alice, the community's owner, disconnects Bob from her tile menu.
		await tile(alice.page, bobName)
			.getByRole('button', { name: `Options for ${bobName}` })
			.click();
		await expect(alice.page.getByRole('slider', { name: `Volume for ${bobName}` })).toBeVisible();
		await alice.page.getByRole('button', { name: 'Disconnect from voice' }).click();
		await expect(
			bob.page.getByText('A moderator disconnected you from voice.').first()
		).toBeVisible();
		await expect(bob.page.getByRole('button', { name: 'Join voice' })).toBeVisible();
		await expect(tile(alice.page, bobName)).toHaveCount(0);
		await expect(
			alice.page.getByRole('list', { name: 'In the call in Lounge' }).getByText(bobName)
		).toHaveCount(0);
		await expect.poll(async () => (await callStats(bob.page)).length).toBe(0);

		// Bob comes back; then Alice leaves and Bob sees her go.
		await joinVoice(bob);
		await expect(tile(bob.page, aliceName)).toBeVisible();
		await expectRelayedAudio(bob.page, 'Bob, after joining again');
		await callControls(alice.page).getByRole('button', { name: 'Leave call' }).click();
		await expect(alice.page.getByRole('button', { name: 'Join voice' })).toBeVisible();
		await expect(tile(bob.page, aliceName)).toHaveCount(0);
		await expect(bobSidebar.getByText(aliceName)).toHaveCount(0);
		await expect.poll(async () => (await callStats(bob.page)).length).toBe(0);

		for (const person of people) await hangUp(person.page);
		for (const person of people) expect(person.problems, 'console errors').toEqual([]);
	} finally {
		for (const person of people) await person.context.close().catch(() => {});
		for (const browser of browsers) await browser.close();
	}
});

test('a relay that cannot be reached is named on the tile', async ({}, testInfo) => {
	test.setTimeout(120_000);
	const browser = await launchCallBrowser(testInfo.project.use.launchOptions ?? {});
	const people: Caller[] = [];
	try {
		const alice = await caller(browser, 'admin');
		people.push(alice);
		// Bob's server hands out a TURN server where nothing answers.
		const deadPort = await freeUdpPort();
		const bob = await caller(browser, 'bob', {
			beforeSignIn: (context) =>
				context.route('**/api/account/turn-credentials', (route) =>
					route.fulfill({
						json: {
							ice_servers: [
								{
									urls: [`turn:127.0.0.1:${deadPort}?transport=udp`],
									username: '1:nobody',
									credential: 'none'
								}
							]
						}
					})
				)
		});
		people.push(bob);
		await createCommunity(alice.page);
		const communityId = new URL(alice.page.url()).pathname.split('/')[2]!;
		await acceptInvite(bob.page, await invitePath(alice.page));
		const channelId = await createVoiceChannel(alice.account, communityId, 'Far away');
		for (const { page } of people) await page.goto(`/c/${communityId}/${channelId}`);
		await joinVoice(alice);
		await joinVoice(bob);
		await expect(
			tile(bob.page, alice.account.username).getByText(
				`Can't connect to ${alice.account.username}: the relay (TURN) server is unreachable.`
			)
		).toBeVisible({ timeout: 30_000 });
		for (const { page } of people) await hangUp(page);
	} finally {
		for (const person of people) await person.context.close().catch(() => {});
		await browser.close();
	}
});

test('a denied microphone keeps you out of the call and says why', async ({ newContext }) => {
	const context = await newContext();
	// What the browser answers when the person (or a policy) refuses the microphone.
	await context.addInitScript(() => {
		if (!navigator.mediaDevices) return; // about:blank
		navigator.mediaDevices.getUserMedia = () =>
			Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
	});
	const alice = await person(context, 'admin');
	await createCommunity(alice.page);
	const communityId = new URL(alice.page.url()).pathname.split('/')[2]!;
	await createVoiceChannel(alice.account, communityId, 'Quiet room');
	await openVoiceChannel(alice.page, 'Quiet room');
	await alice.page.getByRole('button', { name: 'Join voice' }).click();
	await expect(
		alice.page.getByText(/may not use your microphone: permission was denied/).first()
	).toBeVisible();
	await expect(alice.page.getByRole('button', { name: 'Join voice' })).toBeVisible();
	await expect(alice.page.getByRole('region', { name: 'Voice connection' })).toHaveCount(0);
	await expect(alice.page.getByRole('list', { name: 'In the call in Quiet room' })).toHaveCount(0);
});

test('the call view fits a phone screen', async ({}, testInfo) => {
	test.setTimeout(120_000);
	const browser = await launchCallBrowser(testInfo.project.use.launchOptions ?? {});
	try {
		const alice = await caller(browser, 'admin');
		await createCommunity(alice.page);
		const communityId = new URL(alice.page.url()).pathname.split('/')[2]!;
		const channelId = await createVoiceChannel(alice.account, communityId, 'Pocket');
		await alice.page.setViewportSize({ width: 375, height: 740 });
		await alice.page.goto(`/c/${communityId}/${channelId}`);
		await expect(alice.page.getByRole('heading', { name: 'Pocket', level: 1 })).toBeVisible();
		await alice.page.getByRole('button', { name: 'Join voice' }).click();
		await expect(tile(alice.page, alice.account.username)).toBeVisible();
		const controls = callControls(alice.page);
		for (const name of ['Mute', 'Deafen', 'Camera', 'Voice settings', 'Leave call']) {
			const button = controls.getByRole('button', { name, exact: true });
			await expect(button).toBeInViewport({ ratio: 1 });
		}
		const overflow = await alice.page.evaluate(
			() => document.documentElement.scrollWidth - document.documentElement.clientWidth
		);
		expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);
		// The camera shows our own tile's video, mirrored.
		await controls.getByRole('button', { name: 'Camera', pressed: false }).click();
		await expect(tile(alice.page, alice.account.username).locator('video')).toBeVisible();
		// Keyboard: the settings dialog opens from its labelled button.
		await controls.getByRole('button', { name: 'Voice settings' }).focus();
		await alice.page.keyboard.press('Enter');
		const dialog = alice.page.getByRole('dialog', { name: 'Voice settings' });
		await expect(dialog.getByRole('switch', { name: 'Noise suppression' })).toBeChecked();
		await expect(dialog.getByRole('meter', { name: 'Microphone level' })).toBeVisible();
		await expectAccessible(alice.page, 'voice settings at phone width');
		await alice.page.keyboard.press('Escape');
		await expectAccessible(alice.page, 'call view at phone width');
		await hangUp(alice.page);
		expect(alice.problems, 'console errors').toEqual([]);
	} finally {
		await browser.close();
	}
});
