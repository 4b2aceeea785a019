import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		runes: true
	},
	kit: {
		// A static SPA: the server serves build/ and falls back to index.html for deep links.
		adapter: adapter({
			pages: 'build',
			assets: 'build',
			fallback: 'index.html',
			strict: true
		}),
		// The app registers src/service-worker.ts itself (src/lib/pwa/register.ts): not in
		// the desktop app, and with the page's side of notification clicks.
		serviceWorker: { register: false },
		alias: {
			$api: 'src/lib/api',
			$shared: 'src/lib/shared'
		}
	}
};

export default config;
