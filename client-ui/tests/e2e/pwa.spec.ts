/**
 * The installable web app (UI-4): the manifest and icons, the service worker showing a
 * push notification and routing its click into the app, and the cached app shell that
 * starts the app without network (showing that it reconnects) and recovers.
 *
 * Service workers are blocked in the other specs (playwright.config.ts); allowed here.
 */
import type { CDPSession, Page } from '@playwright/test';
import { registerAdmin } from './chat-support';
import { expect, nextAddress, serverUrl, test } from './fixtures';
import { apiClient, apiLogin, registerUser, SESSION_KEY, signIn, uniqueName } from './support';

test.use({ serviceWorkers: 'allow' });

/** Waits until the app's service worker is active and controls the page. */
async function serviceWorkerReady(page: Page) {
	await page.evaluate(async () => {
		await navigator.serviceWorker.ready;
	});
	await expect
		.poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null))
		.toBe(`${serverUrl()}/service-worker.js`);
}

interface ShownNotification {
	title: string;
	body: string;
	tag: string;
	icon: string;
	url: unknown;
}

function shownNotifications(page: Page): Promise<ShownNotification[]> {
	return page.evaluate(async () => {
		const registration = await navigator.serviceWorker.ready;
		return (await registration.getNotifications()).map((n) => ({
			title: n.title,
			body: n.body,
			tag: n.tag,
			icon: n.icon,
			url: (n.data as { url?: unknown } | null)?.url
		}));
	});
}

/**
 * Delivers a push again until the notifications shown satisfy `shown`: in one full run
 * of three (2026-12-06) a push delivered over the DevTools protocol showed nothing for
 * 15 s, while its reruns passed. A repeat is harmless: a tagged notification replaces
 * its namesake, and the assertions after accept repeats of an untagged one.
 */
async function pushUntilShown(
	page: Page,
	push: () => Promise<unknown>,
	shown: (notifications: ShownNotification[]) => boolean
) {
	for (let attempt = 1; attempt <= 5; attempt++) {
		await push();
		try {
			await expect
				.poll(async () => shown(await shownNotifications(page)), { timeout: 4000 })
				.toBe(true);
			return;
		} catch {
			console.log(`push ${attempt} showed nothing within 4 s; delivering it again`);
		}
	}
	throw new Error('five pushes showed no notification');
}

/** The worker's registration id, as the DevTools protocol names it. */
async function registrationId(cdp: CDPSession): Promise<string> {
	const scope = `${serverUrl()}/`;
	const found = new Promise<string>((resolve) => {
		cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
			const ours = registrations.find((r) => r.scopeURL === scope && !r.isDeleted);
			if (ours) resolve(ours.registrationId);
		});
	});
	await cdp.send('ServiceWorker.enable');
	return found;
}

/** The PNG's width and height, from its IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
	expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

test('the web app is installable, with its manifest and icons', async ({
	playwright,
	launchOptions
}) => {
	// Chromium never offers to install from an off-the-record profile ("in-incognito"),
	// which every `browser.newContext()` is: this test has a profile of its own.
	const context = await playwright.chromium.launchPersistentContext(
		test.info().outputPath('profile'),
		{
			...launchOptions,
			baseURL: serverUrl(),
			extraHTTPHeaders: { 'X-Forwarded-For': nextAddress() },
			serviceWorkers: 'allow'
		}
	);
	const problems: string[] = [];
	context.on('console', (message) => {
		if (message.type() === 'error') problems.push(message.text());
	});
	context.on('weberror', (error) => problems.push(error.error().message));
	const page = context.pages()[0] ?? (await context.newPage());
	await page.goto('/login');
	await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
	await serviceWorkerReady(page);

	const cdp = await context.newCDPSession(page);
	const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
	expect(installabilityErrors).toEqual([]);
	const { url, errors } = await cdp.send('Page.getAppManifest');
	expect(url).toBe(`${serverUrl()}/manifest.webmanifest`);
	expect(errors).toEqual([]);

	const response = await page.request.get('/manifest.webmanifest');
	expect(response.status()).toBe(200);
	expect(response.headers()['content-type']).toMatch(/^application\/(manifest\+)?json/);
	const manifest = await response.json();
	expect(manifest).toMatchObject({
		id: '/',
		name: 'Chatalot',
		start_url: '/',
		scope: '/',
		display: 'standalone'
	});
	const icons = manifest.icons as { src: string; sizes: string; type: string; purpose: string }[];
	expect(icons.map((icon) => `${icon.sizes} ${icon.purpose}`).sort()).toEqual([
		'192x192 any',
		'512x512 any',
		'512x512 maskable'
	]);
	for (const icon of [...icons, { src: '/icons/apple-touch-icon.png', sizes: '180x180' }]) {
		const image = await page.request.get(icon.src);
		expect(image.status(), icon.src).toBe(200);
		expect(image.headers()['content-type']).toBe('image/png');
		expect(pngSize(await image.body()).join('x')).toBe(icon.sizes);
	}
	// The page links the manifest and the iOS icon.
	await expect(page.locator('link[rel="manifest"]')).toHaveAttribute(
		'href',
		/\/manifest\.webmanifest$/
	);
	await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveCount(1);
	expect(problems, 'console errors').toEqual([]);
	await context.close();
});

test('a push shows a notification whose click opens the channel', async ({ page, context }) => {
	// An admin's community with a channel, made through the API.
	const admin = await registerAdmin();
	const api = await apiClient();
	const auth = { authorization: `Bearer ${await apiLogin(admin.username, admin.password)}` };
	const post = async (path: string, data: object) => {
		const response = await api.post(path, { data, headers: auth });
		expect(response.status(), await response.text()).toBeLessThan(300);
		return (await response.json()) as { id: string };
	};
	const community = await post('/api/communities', { name: uniqueName('Pushed ') });
	const group = await post(`/api/communities/${community.id}/groups`, { name: 'Team' });
	const channel = await post(`/api/groups/${group.id}/channels`, { name: 'alerts' });
	await api.dispose();
	const channelPath = `/c/${community.id}/${channel.id}`;

	await context.grantPermissions(['notifications'], { origin: serverUrl() });
	await signIn(page, admin.username, admin.password);
	await serviceWorkerReady(page);
	const cdp = await context.newCDPSession(page);
	const id = await registrationId(cdp);
	const push = (data: string) =>
		cdp.send('ServiceWorker.deliverPushMessage', { origin: serverUrl(), registrationId: id, data });

	// A payload the service worker cannot read still shows something (browsers penalise
	// silent pushes), leading home.
	await pushUntilShown(
		page,
		() => push('not json at all'),
		(shown) => shown.length > 0
	);
	const unreadable = await shownNotifications(page);
	expect(unreadable.length).toBeGreaterThan(0);
	for (const notification of unreadable) {
		expect(notification).toEqual({
			title: 'Chatalot',
			body: 'New activity',
			tag: '',
			icon: expect.any(String),
			url: '/'
		});
	}

	const mention = JSON.stringify({
		v: 1,
		kind: 'mention',
		title: 'Alice',
		body: 'mentioned you in #alerts',
		url: channelPath,
		tag: channel.id,
		message_id: null
	});
	await pushUntilShown(
		page,
		() => push(mention),
		(shown) => shown.some((n) => n.tag === channel.id)
	);
	await expect
		.poll(async () => (await shownNotifications(page)).find((n) => n.tag === channel.id))
		.toEqual({
			title: 'Alice',
			body: 'mentioned you in #alerts',
			tag: channel.id,
			icon: `${serverUrl()}/icons/icon-192.png`,
			url: channelPath
		});

	// The click. The DevTools protocol cannot click a notification, so the worker gets a
	// `notificationclick` event for the real notification, dispatched in its own scope:
	// its handler closes it, picks this open window and tells it to navigate, and the page
	// routes there with the app's router. What this cannot show — the browser's own click
	// (user activation, so focus() succeeds) and clients.openWindow() when no window is
	// open — is covered by the unit tests of the decision (src/lib/pwa/push-payload.test.ts).
	await page.evaluate(() => {
		(window as { pwaMarker?: string }).pwaMarker = 'same document';
	});
	const worker = context.serviceWorkers().find((w) => w.url().endsWith('/service-worker.js'));
	expect(worker, 'the service worker').toBeDefined();
	await worker!.evaluate(async (tag) => {
		interface Scope {
			registration: ServiceWorkerRegistration;
			NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
			dispatchEvent(event: Event): boolean;
		}
		const scope = self as unknown as Scope;
		const [notification] = await scope.registration.getNotifications({ tag });
		if (!notification) throw new Error(`no notification tagged ${tag}`);
		scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification }));
	}, channel.id);

	await expect(page).toHaveURL(`${serverUrl()}${channelPath}`);
	await expect(page.getByRole('heading', { name: 'alerts', level: 1 })).toBeVisible();
	// A client-side navigation: the page (and the app's state) stayed.
	expect(await page.evaluate(() => (window as { pwaMarker?: string }).pwaMarker)).toBe(
		'same document'
	);
	await expect
		.poll(async () => (await shownNotifications(page)).map((n) => n.tag))
		.not.toContain(channel.id);
});

test('a reload without network shows the app reconnecting, then recovers', async ({
	page,
	context,
	allowConsoleErrors
}) => {
	// The failed API calls while offline.
	allowConsoleErrors(/net::ERR_INTERNET_DISCONNECTED/);
	const account = await registerUser('offline');
	await signIn(page, account.username, account.password);
	await serviceWorkerReady(page);

	await context.setOffline(true);
	await page.reload();
	// The cached shell started the app: it says it is offline and reconnecting.
	await expect(page.getByRole('heading', { name: 'You’re offline' })).toBeVisible();
	const reconnecting = page.getByTestId('start-reconnecting');
	await expect(reconnecting).toHaveText('Reconnecting…');
	await expect(page).toHaveURL(`${serverUrl()}/`);
	// Not signed out: the stored session is still there.
	expect(await page.evaluate((key) => localStorage.getItem(key), SESSION_KEY)).not.toBeNull();

	await context.setOffline(false);
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
	await expect(reconnecting).toHaveCount(0);
	await expect(page.getByRole('heading', { name: 'You’re offline' })).toHaveCount(0);
});
