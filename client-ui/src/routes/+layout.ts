import type { LayoutLoad } from './$types';

// A client-only SPA: the server serves build/index.html for every app path.
export const ssr = false;
export const prerender = false;

// Inside the desktop app: choose the server and set up its session first (null on the web).
export const load: LayoutLoad = async () => {
	if (!('__TAURI_INTERNALS__' in globalThis)) return { desktop: null };
	const { prepareDesktop } = await import('$lib/desktop/setup');
	return { desktop: await prepareDesktop() };
};
