/**
 * Interop between the web client and the native call engine (VOICE-4): a Chromium
 * whose fake microphone plays a 660 Hz tone and the engine (`voice-probe`) playing
 * 440 Hz join one voice channel on the real server, through the real coturn with
 * relay-only ICE on both sides. The engine's frequency analysis proves it hears the
 * browser's tone; the browser's `getStats()` shows the engine's audio arriving over
 * relay candidates and playing, and its call view shows the engine speaking. Both
 * directions of negotiation: the engine offers when it joins, the browser when it
 * joins after the engine. A second test does the same with cameras: the browser's fake
 * camera decoded by the engine, the engine's test pattern decoded by the browser; then
 * the browser shares its screen and the engine decodes it as the screen. Another
 * browser prefers H.264, as Safari does: the engine decodes its H.264 camera, and
 * the browser the engine's VP8.
 */
import { writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, TestInfo } from '@playwright/test';
import { createCommunity } from './chat-support';
import { expect, serverUrl, test } from './fixtures';
import { Probe, probeAvailable, probeBinary, toneWav, type ProbeReport } from './native-probe';
import { apiClient, apiLogin, registerUser } from './support';
import {
	callControls,
	callStats,
	caller,
	createVoiceChannel,
	expectRelayedAudio,
	hangUp,
	joinVoice,
	launchCallBrowser,
	openVoiceChannel,
	preferH264,
	tile,
	type Caller,
	turnRelayRunning,
	TURN_MISSING
} from './voice-support';

test.skip(!turnRelayRunning(), TURN_MISSING);
if (!probeAvailable() && process.env.CI === 'true') {
	throw new Error(`the native engine's probe is missing at ${probeBinary()} (and CI=true)`);
}
test.skip(!probeAvailable(), `the native engine's probe is not built (${probeBinary()})`);

const BROWSER_TONE = 660;
const ENGINE_TONE = 440;

/** A new member of the community, signed in through the API: (user name, access token). */
async function apiMember(communityId: string, owner: Caller) {
	const api = await apiClient();
	const ownerToken = await apiLogin(owner.account.username, owner.account.password);
	const invite = await api.post(`/api/communities/${communityId}/invites`, {
		headers: { authorization: `Bearer ${ownerToken}` },
		data: { max_uses: 1, expires_in_hours: 1 }
	});
	expect(invite.status(), await invite.text()).toBe(201);
	const account = await registerUser('native');
	const token = await apiLogin(account.username, account.password);
	const joined = await api.post(`/api/invites/${(await invite.json()).code}/accept`, {
		headers: { authorization: `Bearer ${token}` }
	});
	expect(joined.status(), await joined.text()).toBe(200);
	await api.dispose();
	return { name: account.username, token };
}

/**
 * Chromium (fake microphone at {@link BROWSER_TONE}) signed in as a community's admin,
 * in the call of a new voice channel `name`, and a member for the engine.
 */
async function browserInCall(
	testInfo: TestInfo,
	name: string,
	options: { beforeSignIn?: (context: BrowserContext) => Promise<unknown> } = {}
) {
	const wav = testInfo.outputPath(`tone-${BROWSER_TONE}.wav`);
	writeFileSync(wav, toneWav(BROWSER_TONE, 2));
	const launchOptions = testInfo.project.use.launchOptions ?? {};
	const browser = await launchCallBrowser(launchOptions, [
		`--use-file-for-fake-audio-capture=${wav}`
	]);
	const admin = await caller(browser, 'admin', options);
	await createCommunity(admin.page);
	const communityId = new URL(admin.page.url()).pathname.split('/')[2]!;
	const channelId = await createVoiceChannel(admin.account, communityId, name);
	const native = await apiMember(communityId, admin);
	await openVoiceChannel(admin.page, name);
	await joinVoice(admin);
	return { browser, alice: admin, channelId, native };
}

/** The engine (the probe, playing {@link ENGINE_TONE}) joins the call as a member. */
function startEngine(
	channelId: string,
	token: string,
	options: { camera?: boolean; wav?: string } = {}
) {
	return new Probe({
		server: serverUrl(),
		token,
		channel: channelId,
		tone: ENGINE_TONE,
		...options
	});
}

function isJoined(r: ProbeReport): r is Extract<ProbeReport, { type: 'joined' }> {
	return r.type === 'joined';
}

/** The engine hears the browser's tone: the strongest frequency, and nearly all the energy. */
function hearsBrowser(report: ProbeReport): report is Extract<ProbeReport, { type: 'heard' }> {
	return report.type === 'heard' && Math.abs(report.hz - BROWSER_TONE) < 5 && report.purity > 0.8;
}

test('the web client and the native engine call each other through the TURN relay', async ({}, testInfo) => {
	test.setTimeout(180_000);
	let browser: Browser | undefined;
	let probe: Probe | undefined;
	let alice: Caller | undefined;
	try {
		const call = await browserInCall(testInfo, 'Lounge');
		({ browser, alice } = call);
		const { channelId, native } = call;

		// The engine joins second: it offers to the browser.
		// The engine plays its tone from a WAV file, as a recorded voice would be.
		const wav = testInfo.outputPath(`engine-${ENGINE_TONE}.wav`);
		writeFileSync(wav, toneWav(ENGINE_TONE, 2));
		probe = startEngine(channelId, native.token, { wav });
		await probe.waitFor(
			'a connection to the browser',
			(r): r is ProbeReport => r.type === 'peer' && r.state === 'connected'
		);
		await probe.waitFor("the browser's tone", hearsBrowser);
		await expect(tile(alice.page, native.name)).toBeVisible();
		await expectRelayedAudio(alice.page, 'the browser');
		await expect(tile(alice.page, native.name)).toHaveAttribute('data-speaking', 'true');

		// The engine mutes: the browser shows it quiet and marked muted.
		probe.send('mute');
		await expect(tile(alice.page, native.name)).toHaveAttribute('data-speaking', 'false');
		await expect(tile(alice.page, native.name).getByRole('img', { name: 'Muted' })).toBeVisible();
		probe.send('unmute');
		await expect(tile(alice.page, native.name)).toHaveAttribute('data-speaking', 'true');

		// The browser leaves and joins again: now the browser offers, the engine answers.
		await hangUp(alice.page);
		const mark = probe.reports.length;
		await joinVoice(alice);
		await probe.waitFor(
			'a new connection to the browser',
			(r): r is ProbeReport => r.type === 'peer' && r.state === 'connected',
			{ from: mark }
		);
		await probe.waitFor("the browser's tone again", hearsBrowser, { from: mark });
		await expectRelayedAudio(alice.page, 'the browser (rejoined)');

		// The engine leaves: its tile goes.
		await probe.stop();
		await expect(tile(alice.page, native.name)).toHaveCount(0);
		expect(alice.problems).toEqual([]);
	} finally {
		await probe?.stop();
		if (alice) await hangUp(alice.page).catch(() => {});
		await browser?.close();
	}
});

test("the web client and the native engine see each other's camera through the TURN relay", async ({}, testInfo) => {
	test.setTimeout(180_000);
	let browser: Browser | undefined;
	let probe: Probe | undefined;
	let alice: Caller | undefined;
	try {
		const call = await browserInCall(testInfo, 'Studio');
		({ browser, alice } = call);
		const { channelId, native } = call;
		// The browser's fake camera (Chromium's test pattern).
		await callControls(alice.page).getByRole('button', { name: 'Camera' }).click();

		probe = startEngine(channelId, native.token, { camera: true });
		const joined = await probe.waitFor('its join', isJoined);
		// The engine decodes the browser's camera: a stream of real pictures.
		const video = await probe.waitFor(
			"the browser's camera",
			(r): r is Extract<ProbeReport, { type: 'video' }> =>
				r.type === 'video' &&
				r.user_id !== joined.user_id &&
				r.slot === 'camera' &&
				r.frames >= 20 &&
				r.width >= 160 &&
				r.height >= 90
		);
		// The browser decodes the engine's test pattern at its size, in its tile.
		await expect
			.poll(async () => (await callStats(alice!.page))[0]?.videoFramesDecoded ?? 0, {
				message: "the engine's camera pictures decoded by the browser",
				timeout: 30_000
			})
			.toBeGreaterThan(20);
		const picture = tile(alice.page, native.name).locator('video');
		await expect
			.poll(() => picture.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight]), {
				timeout: 30_000
			})
			.toEqual([320, 240]);
		console.log(
			`engine decoded ${video.frames} frames of ${video.width}x${video.height} from the browser`
		);

		// The browser shares its screen: the engine decodes it as the browser's screen,
		// while the camera goes on arriving as the camera.
		const mark = probe.reports.length;
		await callControls(alice.page).getByRole('button', { name: 'Share screen' }).click();
		const screen = await browserVideo(probe, joined.user_id, 'screen', mark);
		await probe.waitFor(
			"the browser's camera beside its screen",
			(r): r is Extract<ProbeReport, { type: 'video' }> =>
				r.type === 'video' &&
				r.user_id !== joined.user_id &&
				r.slot === 'camera' &&
				r.frames > video.frames,
			{ from: mark }
		);
		console.log(
			`engine decoded ${screen.frames} frames of ${screen.width}x${screen.height} of the browser's screen`
		);
		expect(alice.problems).toEqual([]);
	} finally {
		await probe?.stop();
		if (alice) await hangUp(alice.page).catch(() => {});
		await browser?.close();
	}
});

/** A picture stream from the browser's `slot`, newer than report `from`. */
async function browserVideo(
	probe: Probe,
	engineId: string,
	slot: 'camera' | 'screen',
	from: number
) {
	return probe.waitFor(
		`the browser's ${slot}`,
		(r): r is Extract<ProbeReport, { type: 'video' }> =>
			r.type === 'video' &&
			r.user_id !== engineId &&
			r.slot === slot &&
			r.frames >= 10 &&
			r.width >= 160 &&
			r.height >= 90,
		{ from }
	);
}

/** The browser turns its camera on and shares its screen. */
async function cameraAndScreen(alice: Caller) {
	await callControls(alice.page).getByRole('button', { name: 'Camera' }).click();
	await callControls(alice.page).getByRole('button', { name: 'Share screen' }).click();
}

test("an engine without a camera tells the browser's camera from its screen, whoever offers", async ({}, testInfo) => {
	test.setTimeout(180_000);
	let browser: Browser | undefined;
	let probe: Probe | undefined;
	let alice: Caller | undefined;
	try {
		const call = await browserInCall(testInfo, 'Screens');
		({ browser, alice } = call);
		const { channelId, native } = call;
		await cameraAndScreen(alice);

		// The engine joins second and offers, with receive-only video slots.
		probe = startEngine(channelId, native.token);
		const joined = await probe.waitFor('its join', isJoined);
		await browserVideo(probe, joined.user_id, 'camera', 0);
		await browserVideo(probe, joined.user_id, 'screen', 0);

		// The browser rejoins: now it offers, and the engine answers.
		await hangUp(alice.page);
		const mark = probe.reports.length;
		await joinVoice(alice);
		await cameraAndScreen(alice);
		const camera = await browserVideo(probe, joined.user_id, 'camera', mark);
		const screen = await browserVideo(probe, joined.user_id, 'screen', mark);
		// Chromium's fake camera and fake screen differ in size: each is in its own slot.
		expect([camera.width, camera.height]).not.toEqual([screen.width, screen.height]);
		expect(alice.problems).toEqual([]);
	} finally {
		await probe?.stop();
		if (alice) await hangUp(alice.page).catch(() => {});
		await browser?.close();
	}
});

test('a browser that prefers H.264, as Safari does, and the engine see each other', async ({}, testInfo) => {
	test.setTimeout(180_000);
	let browser: Browser | undefined;
	let probe: Probe | undefined;
	let alice: Caller | undefined;
	try {
		const call = await browserInCall(testInfo, 'Codecs', { beforeSignIn: preferH264 });
		({ browser, alice } = call);
		const { channelId, native } = call;
		probe = startEngine(channelId, native.token, { camera: true });
		const joined = await probe.waitFor('its join', isJoined);
		await probe.waitFor(
			'a connection to the browser',
			(r): r is ProbeReport => r.type === 'peer' && r.state === 'connected'
		);

		// The browser joins again: its offer lists H.264 first, so it sends H.264.
		await hangUp(alice.page);
		const mark = probe.reports.length;
		await joinVoice(alice);
		await callControls(alice.page).getByRole('button', { name: 'Camera' }).click();
		const camera = await browserVideo(probe, joined.user_id, 'camera', mark);
		await expect
			.poll(async () => (await callStats(alice!.page))[0]?.videoCodecsSent ?? [], {
				message: 'the codec the browser sends its camera in'
			})
			.toEqual(['video/H264']);
		// The engine still sends VP8 (which the browser accepted too), and it plays.
		await expect
			.poll(async () => (await callStats(alice!.page))[0]?.videoFramesDecoded ?? 0, {
				message: "the engine's camera decoded by the browser",
				timeout: 30_000
			})
			.toBeGreaterThan(20);
		console.log(`engine decoded ${camera.frames} H.264 frames of ${camera.width}x${camera.height}`);
		await probe.waitFor("the browser's tone", hearsBrowser, { from: mark });
		expect(alice.problems).toEqual([]);
	} finally {
		await probe?.stop();
		if (alice) await hangUp(alice.page).catch(() => {});
		await browser?.close();
	}
});
