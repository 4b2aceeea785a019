/** A lively conversation to photograph: the owner and a second person in a new community. */
import { expect, type Page } from '@playwright/test';
import { createCommunity, invitePath, message, send } from './chat-support';
import { apiClient, registerUser } from './support';

export async function seedConversation(page: Page, phone: boolean) {
	if (phone) await page.getByRole('button', { name: 'Open navigation' }).click();
	await createCommunity(page, 'Design Crew');
	if (phone) await page.getByRole('button', { name: 'Open navigation' }).click();
	const code = (await invitePath(page)).split('/').pop()!;
	if (phone) await page.keyboard.press('Escape');

	const friend = await registerUser('maya');
	const api = await apiClient();
	const login = await api.post('/api/auth/login', {
		data: { username: friend.username, password: friend.password }
	});
	const headers = { authorization: `Bearer ${(await login.json()).access_token}` };
	const joined = await api.post(`/api/invites/${code}/accept`, { headers });
	expect(joined.status(), await joined.text()).toBe(200);
	const channelId = new URL(page.url()).pathname.split('/').pop();
	for (const content of [
		'Morning all! The new onboarding flow is ready for review 🎉',
		'Highlights:\n- **faster** sign-up\n- invite links that _just work_\n- dark and light themes',
		'Docs are at https://example.org/onboarding'
	]) {
		const sent = await api.post(`/api/channels/${channelId}/messages`, {
			headers,
			data: { content }
		});
		expect(sent.status(), await sent.text()).toBeLessThan(300);
	}
	await api.dispose();
	await expect(message(page, 'Docs are at')).toBeVisible();
	await send(
		page,
		'Looks great! One tweak:\n```ts\nconst invite = await createInvite({ days: 7 });\n```',
		'const invite'
	);
	const first = message(page, 'onboarding flow is ready');
	await first.hover();
	await first.getByRole('button', { name: 'Add reaction' }).click();
	await first.getByRole('button', { name: 'React with ❤️' }).click();
	await expect(first.getByRole('button', { name: /❤️ 1 reaction/ })).toBeVisible();
	await page.mouse.move(0, 0);
}
