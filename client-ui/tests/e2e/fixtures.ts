/**
 * Test fixtures: every browser context gets its own client address (X-Forwarded-For,
 * trusted by the test server) and has its console watched: any console error, page
 * error or CSP violation fails the test unless the test declared it expected.
 */
import AxeBuilder from '@axe-core/playwright';
import {
	test as base,
	expect,
	type Browser,
	type BrowserContext,
	type Page
} from '@playwright/test';

let addressCounter = 0;
const addresses = new WeakMap<BrowserContext, string>();

/** The client address a context made with `newContext` sends. */
export function addressOf(context: BrowserContext): string {
	const address = addresses.get(context);
	if (!address) throw new Error('not a context made by the newContext fixture');
	return address;
}
/** A fresh client address from the documentation range, one per simulated person. */
export function nextAddress(): string {
	addressCounter += 1;
	return `198.51.100.${(addressCounter % 250) + 1}`;
}

export function serverUrl(): string {
	const url = process.env.CHATALOT_E2E_URL;
	if (!url) throw new Error('CHATALOT_E2E_URL is unset: the global setup did not run');
	return url;
}

interface ConsoleWatch {
	problems: string[];
	allowed: RegExp[];
}

function watch(context: BrowserContext, state: ConsoleWatch) {
	const attach = (page: Page) => {
		page.on('console', (message) => {
			if (message.type() !== 'error') return;
			// The address names which request failed (Chromium's text does not).
			const { url } = message.location();
			state.problems.push(`console: ${message.text()}${url ? ` (${url})` : ''}`);
		});
		page.on('pageerror', (error) => state.problems.push(`page error: ${error.message}`));
	};
	context.pages().forEach(attach);
	context.on('page', attach);
	// Report CSP violations explicitly, whatever Chromium prints for them.
	return context.addInitScript(() => {
		document.addEventListener('securitypolicyviolation', (event) => {
			console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
		});
	});
}

/** Chromium logs every failed fetch; tests expecting one declare its status. */
export function httpStatusMessage(status: number): RegExp {
	return new RegExp(`Failed to load resource: the server responded with a status of ${status}`);
}

interface Fixtures {
	/** Declares console errors this test expects (e.g. the 401 of a wrong password). */
	allowConsoleErrors: (...patterns: RegExp[]) => void;
	/** Opens another browser context: another person or device, with its own address. */
	newContext: (options?: {
		viewport?: { width: number; height: number };
	}) => Promise<BrowserContext>;
	consoleWatch: ConsoleWatch;
}

export const test = base.extend<Fixtures>({
	baseURL: async ({}, use) => use(serverUrl()),
	extraHTTPHeaders: async ({}, use) => use({ 'X-Forwarded-For': nextAddress() }),
	consoleWatch: async ({}, use) => {
		const state: ConsoleWatch = { problems: [], allowed: [] };
		await use(state);
		const unexpected = state.problems.filter((p) => !state.allowed.some((re) => re.test(p)));
		expect(unexpected, 'console errors, page errors or CSP violations').toEqual([]);
	},
	context: async ({ context, consoleWatch }, use) => {
		await watch(context, consoleWatch);
		await use(context);
	},
	allowConsoleErrors: async ({ consoleWatch }, use) => {
		await use((...patterns) => consoleWatch.allowed.push(...patterns));
	},
	newContext: async ({ browser, consoleWatch, reducedMotion, serviceWorkers }, use) => {
		const contexts: BrowserContext[] = [];
		await use(async (options = {}) => {
			const context = await newPersonContext(
				browser,
				options.viewport,
				reducedMotion ?? 'reduce',
				serviceWorkers ?? 'block'
			);
			await watch(context, consoleWatch);
			contexts.push(context);
			return context;
		});
		for (const context of contexts) await context.close();
	}
});

async function newPersonContext(
	browser: Browser,
	viewport: { width: number; height: number } | undefined,
	reducedMotion: 'reduce' | 'no-preference' | null,
	serviceWorkers: 'allow' | 'block'
) {
	const address = nextAddress();
	const context = await browser.newContext({
		baseURL: serverUrl(),
		extraHTTPHeaders: { 'X-Forwarded-For': address },
		viewport: viewport ?? { width: 1280, height: 800 },
		reducedMotion,
		serviceWorkers
	});
	addresses.set(context, address);
	return context;
}

/** Fails on serious or critical WCAG 2 A/AA violations. */
export async function expectAccessible(page: Page, name: string) {
	const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
	const serious = results.violations.filter(
		(v) => v.impact === 'serious' || v.impact === 'critical'
	);
	const summary = serious.map(
		(v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
	);
	expect(summary, `accessibility violations on ${name}`).toEqual([]);
}

export { expect };
