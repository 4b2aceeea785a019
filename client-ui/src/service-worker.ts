/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/// <reference types="@sveltejs/kit" />
/**
 * The web app's service worker (registered by src/lib/pwa/register.ts):
 * - keeps the app shell (the build, the static files and index.html) per version, so
 *   that a reload without network still starts the app (which then shows that it is
 *   reconnecting);
 * - shows push notifications (metadata only) and opens the right place on a click.
 * The API (/api/*) and the WebSocket (/ws) are never intercepted or cached.
 */
import { build, files, version } from '$service-worker';
import { chooseClickAction, clickTarget, notificationFor } from '$lib/pwa/push-payload';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE = `chatalot-shell-${version}`;
const SHELL = '/index.html';
const PRECACHE = [...new Set([...build, ...files, SHELL])];
const PRECACHED = new Set(PRECACHE);

sw.addEventListener('install', (event) => {
	event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)));
});

sw.addEventListener('activate', (event) => {
	event.waitUntil(
		(async () => {
			for (const key of await caches.keys()) {
				if (key !== CACHE && key.startsWith('chatalot-shell-')) await caches.delete(key);
			}
			// Control the page that installed this worker too (offline from its next reload).
			await sw.clients.claim();
		})()
	);
});

sw.addEventListener('fetch', (event) => {
	const request = event.request;
	if (request.method !== 'GET') return;
	const url = new URL(request.url);
	if (url.origin !== sw.location.origin) return;
	const path = url.pathname;
	// The API and the WebSocket go to the network untouched.
	if (path === '/api' || path.startsWith('/api/') || path === '/ws' || path.startsWith('/ws/'))
		return;

	if (request.mode === 'navigate') {
		event.respondWith(networkFirst(request, SHELL));
	} else if (path.startsWith('/_app/immutable/')) {
		event.respondWith(cacheFirst(request));
	} else if (PRECACHED.has(path)) {
		// Static files are revalidated by the server (no-cache): fresh when online.
		event.respondWith(networkFirst(request, path));
	}
});

/** The network's answer; without network, the cached copy at `fallback`. */
async function networkFirst(request: Request, fallback: string): Promise<Response> {
	try {
		return await fetch(request);
	} catch (error) {
		const cached = await caches.match(fallback, { cacheName: CACHE, ignoreVary: true });
		if (cached) return cached;
		throw error;
	}
}

/** Content-hashed files never change: the cached copy, else the network's (kept). */
async function cacheFirst(request: Request): Promise<Response> {
	const cache = await caches.open(CACHE);
	// The server's CORS layer answers `Vary: Origin`, and Chromium sends an Origin header
	// for module scripts and fonts but the precache's requests have none: the same file.
	const cached = await cache.match(request, { ignoreVary: true });
	if (cached) return cached;
	const response = await fetch(request);
	if (response.ok) await cache.put(request, response.clone());
	return response;
}

sw.addEventListener('push', (event) => {
	let text: string | null = null;
	try {
		text = event.data?.text() ?? null;
	} catch {
		// Unreadable data: the generic notification.
	}
	const { title, options } = notificationFor(text);
	keepAlive(event, sw.registration.showNotification(title, options));
});

sw.addEventListener('notificationclick', (event) => {
	event.notification.close();
	keepAlive(event, openFromNotification(clickTarget(event.notification.data)));
});

async function openFromNotification(target: string): Promise<void> {
	const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
	const action = chooseClickAction(
		windows.map((client) => ({
			id: client.id,
			url: client.url,
			focused: client.focused,
			visibilityState: client.visibilityState
		})),
		sw.location.origin,
		target
	);
	if (action.kind === 'open') {
		await sw.clients.openWindow(action.url);
		return;
	}
	const client = windows.find((c) => c.id === action.clientId);
	if (!client) return;
	// The page navigates with the app's router (src/lib/pwa/register.ts), keeping its state.
	client.postMessage(action.message);
	// Focusing needs the click's user activation; without it (a synthetic event) it fails.
	await client.focus().catch(() => {});
}

/**
 * Extends the event's lifetime until `work` settles. A synthetic event (dispatched by a
 * test or the devtools) cannot be extended; the work runs regardless.
 */
function keepAlive(event: ExtendableEvent, work: Promise<unknown>): void {
	const settled = work.catch((error: unknown) => console.error(error));
	try {
		event.waitUntil(settled);
	} catch {
		// Not a browser-dispatched event.
	}
}
