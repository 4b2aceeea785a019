/** Steps shared by the chat tests: communities, invites and messages through the UI. */
import { expect, type BrowserContext, type Page, type WebSocketRoute } from '@playwright/test';
import {
	apiClient,
	apiLogin,
	label,
	OWNER,
	registerUser,
	signIn,
	uniqueName,
	type Account
} from './support';

export interface Person {
	account: Account;
	page: Page;
}

/**
 * A new account signed in in its own browser context. `admin` makes it an instance
 * admin (communities are created by instance staff under the default
 * COMMUNITY_CREATION_MODE); a fresh admin per test keeps each one's community list short.
 */
export async function person(context: BrowserContext, prefix: string): Promise<Person> {
	const account = prefix === 'admin' ? await registerAdmin() : await registerUser(prefix);
	const page = await context.newPage();
	await signIn(page, account.username, account.password);
	return { account, page };
}

/** A new account that the owner makes an instance admin. */
export async function registerAdmin(): Promise<Account> {
	const account = await registerUser('admin');
	const api = await apiClient();
	const login = await api.post('/api/auth/login', {
		data: { username: account.username, password: account.password }
	});
	const userId = (await login.json()).user.id as string;
	const owner = await apiLogin(OWNER.username, OWNER.password);
	const granted = await api.put(`/api/admin/users/${userId}/role`, {
		headers: { authorization: `Bearer ${owner}` },
		data: { role: 'admin' }
	});
	expect(granted.status(), await granted.text()).toBeLessThan(300);
	await api.dispose();
	return account;
}

/** Creates a community through the rail and lands in its #general channel. */
export async function createCommunity(page: Page, name = uniqueName('Community ')) {
	// The rail's button (a first-run Home offers the same action in the page).
	await page
		.getByRole('navigation', { name: 'Spaces' })
		.getByRole('button', { name: 'Create a community' })
		.click();
	const dialog = page.getByRole('dialog', { name: 'Create a community' });
	await dialog.getByLabel(label('Community name')).fill(name);
	await dialog.getByRole('button', { name: 'Create' }).click();
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
	await expect(page).toHaveURL(/\/c\/[0-9a-f-]+\/[0-9a-f-]+$/);
	return name;
}

/** Makes an invite for the open community and returns its link's path. */
export async function invitePath(page: Page): Promise<string> {
	await page.getByRole('button', { name: 'Invite people' }).click();
	const dialog = page.getByRole('dialog', { name: /^Invite people to / });
	const link = await dialog.getByTestId('invite-link').inputValue();
	expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]+$/);
	await page.keyboard.press('Escape');
	await expect(dialog).toHaveCount(0);
	return new URL(link).pathname;
}

/**
 * An admin's new community and Bob, who joined it by its invite link, each in their own
 * browser (`newContext` is the fixture of that name). `beforeJoining` prepares Bob first.
 */
export async function communityWithMember(
	context: BrowserContext,
	newContext: () => Promise<BrowserContext>,
	beforeJoining?: (bob: Person) => Promise<void>
): Promise<{ admin: Person; bob: Person; community: string }> {
	const admin = await person(context, 'admin');
	const community = await createCommunity(admin.page);
	const path = await invitePath(admin.page);
	const bob = await person(await newContext(), 'bob');
	await beforeJoining?.(bob);
	await acceptInvite(bob.page, path);
	return { admin, bob, community };
}

export async function acceptInvite(page: Page, path: string) {
	await page.goto(path);
	await page.getByRole('button', { name: 'Join community' }).click();
	await expect(page.getByRole('heading', { name: 'general', level: 1 })).toBeVisible();
}

export function composer(page: Page) {
	return page.getByRole('textbox', { name: /^Message [#@]/ });
}

/** Sends `text` and waits for it in the list (as `shown`, when markdown changes it). */
export async function send(page: Page, text: string, shown = text) {
	await composer(page).fill(text);
	await composer(page).press('Enter');
	await expect(composer(page)).toHaveValue('');
	await expect(message(page, shown)).toBeVisible();
}

/** The message list item whose own text (not a quoted reply) contains `text`. */
export function message(page: Page, text: string | RegExp) {
	return page
		.getByRole('region', { name: /^Messages in / })
		.getByRole('listitem')
		.filter({ has: page.getByTestId('message-text').filter({ hasText: text }) });
}

/**
 * A member of the community who posts through the API from their own address: a new
 * user joining with an invite made by `ownerAuth`, or (with `own`) that owner itself.
 * Sends wait out the server's per-user message rate (429) and return the message ID.
 */
export async function poster(communityId: string, ownerAuth: Record<string, string>, own?: string) {
	const api = await apiClient();
	let auth = ownerAuth;
	if (!own) {
		const account = await registerUser('poster');
		const invite = await api.post(`/api/communities/${communityId}/invites`, {
			headers: ownerAuth,
			data: { max_uses: 1, expires_in_hours: 1 }
		});
		const code = (await invite.json()).code as string;
		auth = { authorization: `Bearer ${await apiLogin(account.username, account.password)}` };
		const joined = await api.post(`/api/invites/${code}/accept`, { headers: auth });
		expect(joined.status(), await joined.text()).toBe(200);
	}
	return {
		async post(channelId: string, content: string, extra: object = {}): Promise<string> {
			for (;;) {
				const sent = await api.post(`/api/channels/${channelId}/messages`, {
					headers: auth,
					data: { content, ...extra }
				});
				if (sent.status() === 429) {
					const wait = Number(sent.headers()['retry-after'] ?? '1');
					await new Promise((done) => setTimeout(done, Math.max(wait, 0.2) * 1000));
					continue;
				}
				expect(sent.status(), await sent.text()).toBeLessThan(300);
				return (await sent.json()).id as string;
			}
		},
		dispose: () => api.dispose()
	};
}

/**
 * Routes the context's WebSocket through the test so it can be cut: `drop()` closes the
 * live connection and refuses new ones until `restore()`.
 */
export async function controllableSocket(context: BrowserContext) {
	let blocked = false;
	let current: WebSocketRoute | null = null;
	let connections = 0;
	await context.routeWebSocket(/\/ws$/, (ws) => {
		if (blocked) {
			void ws.close({ code: 4000, reason: 'test: offline' });
			return;
		}
		connections += 1;
		current = ws;
		ws.connectToServer();
	});
	return {
		get connections() {
			return connections;
		},
		async drop() {
			blocked = true;
			await current?.close({ code: 4000, reason: 'test: connection lost' });
		},
		restore() {
			blocked = false;
		}
	};
}
