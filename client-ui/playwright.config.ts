import { defineConfig } from '@playwright/test';

// Browser tests against the real server: tests/e2e/global-setup.ts starts the
// chatalot-server binary ($CHATALOT_SERVER_BIN) on a free port with a fresh data folder,
// serving build/ (run `npm run build` first). Debian's Chromium is used, never a
// downloaded browser.
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results/artifacts',
	globalSetup: './tests/e2e/global-setup.ts',
	workers: 1,
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	retries: 0,
	// Hang guards, not performance limits: the long specs take 20–36 s on a loaded 2-core machine.
	timeout: 90_000,
	expect: { timeout: 15_000 },
	reporter: [['list']],
	use: {
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		reducedMotion: 'reduce',
		// The app's service worker stays out of the way: Playwright's routing does not see
		// the requests a worker makes. pwa.spec.ts allows it.
		serviceWorkers: 'block',
		launchOptions: {
			executablePath: chromium,
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	},
	projects: [
		// Runs first, on the fresh server: creates the owner through first-run setup.
		{ name: 'first-run', testMatch: /first-run\.spec\.ts/ },
		{ name: 'app', testIgnore: /first-run\.spec\.ts/, dependencies: ['first-run'] }
	]
});
