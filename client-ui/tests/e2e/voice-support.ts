/**
 * Calls between browsers: each person in a Chromium process of their own with fake
 * media devices (a beep and a test pattern) and the browser's permission prompts
 * answered yes, all media forced through the TURN relay (in the test only: the init
 * script below sets `iceTransportPolicy: 'relay'` on every peer connection), and the
 * peer connections' statistics read from the test side.
 */
import { chromium, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { nextAddress, serverUrl } from './fixtures';
import { apiClient, apiLogin, registerUser, signIn, type Account } from './support';
import { registerAdmin } from './chat-support';

/** Chromium with fake media, launched with the project's own flags plus these. */
export async function launchCallBrowser(
	launchOptions: {
		executablePath?: string;
		args?: string[];
	},
	extraArgs: string[] = []
): Promise<Browser> {
	return chromium.launch({
		executablePath: launchOptions.executablePath,
		args: [
			...(launchOptions.args ?? []),
			'--use-fake-ui-for-media-stream',
			'--use-fake-device-for-media-stream',
			...extraArgs
		]
	});
}

export interface Caller {
	account: Account;
	context: BrowserContext;
	page: Page;
	/** Console errors and page errors seen so far. */
	problems: string[];
}

/** A new account signed in in its own context of `browser`, relay-only, console watched. */
export async function caller(
	browser: Browser,
	prefix: string,
	options: { beforeSignIn?: (context: BrowserContext) => Promise<unknown> } = {}
): Promise<Caller> {
	const account = prefix === 'admin' ? await registerAdmin() : await registerUser(prefix);
	const context = await browser.newContext({
		baseURL: serverUrl(),
		extraHTTPHeaders: { 'X-Forwarded-For': nextAddress() },
		viewport: { width: 1280, height: 800 },
		reducedMotion: 'reduce',
		// As playwright.config.ts: routing (forceRelay) does not see a service worker's requests.
		serviceWorkers: 'block'
	});
	await forceRelay(context);
	await options.beforeSignIn?.(context);
	const page = await context.newPage();
	const problems: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') problems.push(`console: ${message.text()}`);
	});
	page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
	await signIn(page, account.username, account.password);
	return { account, context, page, problems };
}

/**
 * Every peer connection of the page gets `iceTransportPolicy: 'relay'` (so only
 * relayed candidates are used) and is kept in `window.__peerConnections` for
 * `getStats()`.
 */
export function forceRelay(context: BrowserContext) {
	return context.addInitScript(() => {
		const Native = window.RTCPeerConnection;
		const all: RTCPeerConnection[] = [];
		class RelayOnly extends Native {
			constructor(config: RTCConfiguration = {}) {
				super({ ...config, iceTransportPolicy: 'relay' });
				all.push(this);
			}
		}
		window.RTCPeerConnection = RelayOnly;
		(window as unknown as { __peerConnections: RTCPeerConnection[] }).__peerConnections = all;
	});
}

export interface PeerStats {
	connectionState: RTCPeerConnectionState;
	/** The transport's selected candidate pair. */
	pairState: string | null;
	localCandidateType: string | null;
	remoteCandidateType: string | null;
	audioPacketsReceived: number;
	totalAudioEnergy: number;
	videoFramesDecoded: number;
	/** The codecs of the video this side sends (`video/VP8`, `video/H264`…). */
	videoCodecsSent: string[];
}

/** Statistics of the page's open peer connections. */
export function callStats(page: Page): Promise<PeerStats[]> {
	return page.evaluate(async () => {
		const all =
			(window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections ?? [];
		const result: PeerStats[] = [];
		for (const pc of all) {
			if (pc.connectionState === 'closed') continue;
			const report = await pc.getStats();
			// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stats are loosely typed
			const stats: any[] = [];
			report.forEach((entry) => stats.push(entry));
			const byId = new Map(stats.map((s) => [s.id, s]));
			const transport = stats.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
			const pair = transport ? byId.get(transport.selectedCandidatePairId) : undefined;
			const inbound = (kind: string) =>
				stats.filter((s) => s.type === 'inbound-rtp' && s.kind === kind);
			const sum = (list: { [key: string]: number }[], key: string) =>
				list.reduce((total, s) => total + (s[key] ?? 0), 0);
			result.push({
				connectionState: pc.connectionState,
				pairState: pair?.state ?? null,
				localCandidateType: pair ? (byId.get(pair.localCandidateId)?.candidateType ?? null) : null,
				remoteCandidateType: pair
					? (byId.get(pair.remoteCandidateId)?.candidateType ?? null)
					: null,
				audioPacketsReceived: sum(inbound('audio'), 'packetsReceived'),
				totalAudioEnergy: sum(inbound('audio'), 'totalAudioEnergy'),
				videoFramesDecoded: sum(inbound('video'), 'framesDecoded'),
				videoCodecsSent: stats
					.filter((s) => s.type === 'outbound-rtp' && s.kind === 'video' && s.framesEncoded > 0)
					.map((s) => byId.get(s.codecId)?.mimeType ?? 'unknown')
			});
		}
		return result;
	});
}

/** How many peer connections the page has made so far (open or closed). */
export function peerConnectionsMade(page: Page): Promise<number> {
	return page.evaluate(
		() =>
			(window as unknown as { __peerConnections?: RTCPeerConnection[] }).__peerConnections
				?.length ?? 0
	);
}

/** The one open peer connection's statistics (a call of two). */
export async function onlyPeer(page: Page): Promise<PeerStats | null> {
	const stats = await callStats(page);
	return stats.length === 1 ? stats[0]! : null;
}

/**
 * Asserts that media flows between the page and its one peer through the relay: the
 * selected pair succeeded with relay candidates on both ends, and received audio keeps
 * arriving and playing (its energy grows only when an audio element plays it).
 */
export async function expectRelayedAudio(page: Page, who: string) {
	await expect
		.poll(
			async () => {
				const s = await onlyPeer(page);
				return s && [s.pairState, s.localCandidateType, s.remoteCandidateType];
			},
			{ message: `${who}: the selected candidate pair is relay to relay`, timeout: 30_000 }
		)
		.toEqual(['succeeded', 'relay', 'relay']);
	const first = (await onlyPeer(page))!;
	await expect
		.poll(async () => (await onlyPeer(page))?.audioPacketsReceived ?? 0, {
			message: `${who}: audio packets keep arriving`
		})
		.toBeGreaterThan(first.audioPacketsReceived);
	await expect
		.poll(async () => (await onlyPeer(page))?.totalAudioEnergy ?? 0, {
			message: `${who}: received audio is played (its energy grows)`
		})
		.toBeGreaterThan(first.totalAudioEnergy);
}

/** Creates a voice channel in the community's first group (as its owner, through the API). */
export async function createVoiceChannel(
	account: Account,
	communityId: string,
	name: string
): Promise<string> {
	const token = await apiLogin(account.username, account.password);
	const api = await apiClient();
	const headers = { authorization: `Bearer ${token}` };
	const groups = await api.get(`/api/communities/${communityId}/groups`, { headers });
	expect(groups.status(), await groups.text()).toBe(200);
	const groupId = ((await groups.json()) as { id: string }[])[0]!.id;
	const created = await api.post(`/api/groups/${groupId}/channels`, {
		headers,
		data: { name, kind: 'voice' }
	});
	expect(created.status(), await created.text()).toBe(201);
	const id = (await created.json()).id as string;
	await api.dispose();
	return id;
}

/** The call's tile of one person (their camera or avatar). */
export function tile(page: Page, name: string) {
	return page.getByRole('group', { name, exact: true });
}

export function callControls(page: Page) {
	return page.getByRole('group', { name: 'Call controls' });
}

/** Leaves the call if the page is in one, so the relay frees its allocations. */
export async function hangUp(page: Page) {
	const leave = callControls(page).getByRole('button', { name: 'Leave call' });
	if (await leave.isVisible().catch(() => false)) await leave.click();
	await expect
		.poll(async () => (await callStats(page).catch(() => [])).length, {
			message: 'peer connections are closed'
		})
		.toBe(0);
}

/** Opens a voice channel through the sidebar. */
export async function openVoiceChannel(page: Page, name: string) {
	await page
		.getByRole('navigation', { name: /channels$/ })
		.getByRole('link', { name: new RegExp(`^${name} \\(voice channel\\)`) })
		.click();
	await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
}

/** Joins the open voice channel's call and waits until it is connected. */
export async function joinVoice(person: Caller) {
	await person.page.getByRole('button', { name: 'Join voice' }).click();
	await expect(
		person.page.getByRole('region', { name: 'Voice connection' }).getByText('Voice connected')
	).toBeVisible();
}

/** The global setup started coturn (it is installed): call tests can run. */
export function turnRelayRunning(): boolean {
	return !!process.env.CHATALOT_E2E_TURN_URL;
}

export const TURN_MISSING =
	'coturn (turnserver) is not installed: the call tests need a real TURN relay';

/**
 * The page's new video transceivers list H.264 first, as Safari does: an offer from
 * this page makes the other side send, and this page send, H.264.
 */
export function preferH264(context: BrowserContext) {
	return context.addInitScript(() => {
		const add = RTCPeerConnection.prototype.addTransceiver;
		RTCPeerConnection.prototype.addTransceiver = function (
			this: RTCPeerConnection,
			trackOrKind: MediaStreamTrack | string,
			init?: RTCRtpTransceiverInit
		) {
			const transceiver = add.call(this, trackOrKind, init);
			const kind = typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind;
			const codecs = RTCRtpReceiver.getCapabilities('video')?.codecs ?? [];
			if (kind === 'video') {
				const h264 = codecs.filter((c) => c.mimeType === 'video/H264');
				transceiver.setCodecPreferences([
					...h264,
					...codecs.filter((c) => c.mimeType !== 'video/H264')
				]);
			}
			return transceiver;
		};
	});
}
