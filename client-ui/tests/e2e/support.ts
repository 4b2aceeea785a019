/** Shared steps: accounts made through the API (fast) and sign-in through the UI. */
import { expect, request, type Locator, type Page } from '@playwright/test';
import { nextAddress, serverUrl } from './fixtures';

/** The owner created by first-run.spec.ts. Its password never changes. */
export const OWNER = {
	username: 'owner',
	displayName: 'Olivia Owner',
	password: 'owner-password-1'
} as const;

export interface Account {
	username: string;
	password: string;
	recoveryCode: string;
}

/** Where the app keeps the session's tokens (src/lib/auth/token-store.ts). */
export const SESSION_KEY = 'chatalot.session';

let userCounter = 0;
export function uniqueName(prefix: string): string {
	userCounter += 1;
	return `${prefix}${userCounter}_${Date.now().toString(36).slice(-4)}`;
}

/**
 * Sends the page's next requests from a new client address. A full page load asks the
 * server for about fifteen things at once, so a test that loads pages faster than a
 * person would meets the per-address limit (a burst of 50, then 20 a second).
 */
export async function fromFreshAddress(page: Page) {
	await page.setExtraHTTPHeaders({ 'X-Forwarded-For': nextAddress() });
}

/** An API client with its own client address. */
export async function apiClient() {
	return request.newContext({
		baseURL: serverUrl(),
		extraHTTPHeaders: { 'X-Forwarded-For': nextAddress() }
	});
}

export async function apiLogin(username: string, password: string): Promise<string> {
	const api = await apiClient();
	const response = await api.post('/api/auth/login', { data: { username, password } });
	expect(response.status(), await response.text()).toBe(200);
	const token = (await response.json()).access_token as string;
	await api.dispose();
	return token;
}

export async function createInvite(maxUses: number | null = 1): Promise<string> {
	const token = await apiLogin(OWNER.username, OWNER.password);
	const api = await apiClient();
	const response = await api.post('/api/admin/invites', {
		data: { max_uses: maxUses, expires_in_hours: 24 },
		headers: { authorization: `Bearer ${token}` }
	});
	expect(response.status(), await response.text()).toBe(201);
	const code = (await response.json()).code as string;
	await api.dispose();
	return code;
}

/** Registers a user with a fresh invite. */
export async function registerUser(prefix = 'user'): Promise<Account> {
	const invite = await createInvite();
	const username = uniqueName(prefix);
	const password = `${username}-password`;
	const api = await apiClient();
	const response = await api.post('/api/auth/register', {
		data: { username, password, invite_code: invite }
	});
	expect(response.status(), await response.text()).toBe(201);
	const recoveryCode = (await response.json()).recovery_code as string;
	await api.dispose();
	return { username, password, recoveryCode };
}

export async function signIn(page: Page, username: string, password: string) {
	await page.goto('/login');
	await page.getByLabel(label('Username or email')).fill(username);
	await page.getByLabel(label('Password')).fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('heading', { name: /^Welcome, / })).toBeVisible();
}

/**
 * Overwrites the session the app keeps in the browser (null: none), the way the app saves
 * it: the authoritative IndexedDB copy first, then localStorage, whose `storage` event
 * other tabs of the app follow.
 */
export function writeStoredSession(page: Page, value: string | null) {
	return page.evaluate(
		async ([key, value]) => {
			const db = await new Promise<IDBDatabase>((resolve, reject) => {
				const open = indexedDB.open('chatalot-session');
				open.onupgradeneeded = () => open.result.createObjectStore('tokens');
				open.onsuccess = () => resolve(open.result);
				open.onerror = () => reject(open.error);
			});
			await new Promise((resolve, reject) => {
				const tx = db.transaction('tokens', 'readwrite');
				tx.objectStore('tokens').put(value, key);
				tx.oncomplete = resolve;
				tx.onerror = () => reject(tx.error);
			});
			db.close();
			if (value === null) localStorage.removeItem(key);
			else localStorage.setItem(key, value);
		},
		[SESSION_KEY, value] as const
	);
}

/** Opens a settings page through the app's own navigation (a client-side route change). */
export async function openSettings(page: Page, section: string) {
	await page.getByRole('link', { name: 'User settings' }).click();
	await page
		.getByRole('navigation', { name: 'Settings' })
		.getByRole('link', { name: section })
		.click();
}

/** Matches a field label with or without the visual "required" asterisk. */
export function label(text: string): RegExp {
	return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*\\*?$`);
}

/** Presses Tab (at most `limit` times) until `target` has the focus. */
export async function tabTo(page: Page, target: Locator, limit = 80) {
	for (let presses = 0; presses < limit; presses++) {
		if (await target.evaluate((element) => element === document.activeElement)) return;
		await page.keyboard.press('Tab');
	}
	await expect(target, `reached by Tab within ${limit} presses`).toBeFocused();
}
