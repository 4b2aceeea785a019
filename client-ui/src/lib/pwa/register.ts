/**
 * The page's side of the service worker (src/service-worker.ts): registers it (the web
 * only — the desktop app has its own notifications and no need of an offline shell) and
 * follows its requests to open an app path after a notification click.
 */
import { dev } from '$app/environment';
import { navigate } from '$lib/navigation';
import { navigateMessagePath } from './push-payload';

/**
 * Registers the worker and listens for it; returns the cleanup. Not under `vite dev`,
 * where a caching worker would only get in the way (and SvelteKit serves it as a module).
 * `navigator.serviceWorker` is missing outside secure contexts (plain HTTP but localhost).
 */
export function startServiceWorker(
	container = dev ? undefined : globalThis.navigator?.serviceWorker
): () => void {
	if (!container) return () => {};
	const onMessage = (event: MessageEvent) => {
		const path = navigateMessagePath(event.data);
		if (path) void navigate(path);
	};
	container.addEventListener('message', onMessage);
	// Messages sent before this listener existed (a click that opened this page) arrive now.
	container.startMessages();
	container.register('/service-worker.js').catch((error: unknown) => {
		// No offline shell or push notifications; the app works regardless.
		console.warn('Service worker not registered:', error);
	});
	return () => container.removeEventListener('message', onMessage);
}
