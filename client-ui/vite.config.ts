import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

// `npm run dev` talks to a Chatalot server on 127.0.0.1:8080 (override with
// CHATALOT_DEV_SERVER): the app calls relative /api and /ws URLs, proxied here.
const devServer = process.env.CHATALOT_DEV_SERVER ?? 'http://127.0.0.1:8080';

export default defineConfig({
	plugins: [sveltekit(), svelteTesting()],
	build: {
		// The emoji set (~620 kB, 100 kB gzipped) is one lazily loaded chunk on purpose.
		chunkSizeWarningLimit: 700
	},
	server: {
		proxy: {
			'/api': { target: devServer, changeOrigin: true },
			'/ws': { target: devServer.replace(/^http/, 'ws'), ws: true, changeOrigin: true }
		}
	},
	test: {
		environment: 'jsdom',
		include: ['src/**/*.{test,spec}.{js,ts}'],
		setupFiles: ['./src/vitest-setup.ts'],
		restoreMocks: true
	}
});
