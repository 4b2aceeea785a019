/**
 * Message markdown in the browser: formatting and highlighted code render, while raw
 * HTML, scripts and javascript: links in a message stay inert text, for the sender and
 * for a reader.
 */
import { expect, test } from './fixtures';
import { acceptInvite, createCommunity, invitePath, message, person, send } from './chat-support';

const PAYLOADS = [
	'<img src=x onerror="window.__xss = 1; alert(1)">',
	'<script>window.__xss = 2; alert(2)</script>',
	'[click me](javascript:window.__xss=3;alert(3))',
	'<a href="javascript:alert(4)" onclick="window.__xss = 4">html link</a>',
	'<iframe src="javascript:alert(5)"></iframe>'
];

test('markdown renders; HTML and script links in messages do nothing', async ({ newContext }) => {
	test.setTimeout(90_000);
	const alice = await person(await newContext(), 'admin');
	const bob = await person(await newContext(), 'reader');
	const dialogs: string[] = [];
	for (const page of [alice.page, bob.page]) page.on('dialog', (d) => dialogs.push(d.message()));

	await createCommunity(alice.page);
	await acceptInvite(bob.page, await invitePath(alice.page));

	await send(
		alice.page,
		'**bold** and _italic_ with `inline code` and https://example.org/docs',
		'bold and italic with inline code'
	);
	await send(alice.page, '```rust\nfn main() { println!("hi"); }\n```', 'println!');
	for (const payload of PAYLOADS) await send(alice.page, payload);

	for (const page of [alice.page, bob.page]) {
		const formatted = message(page, 'bold and italic');
		await expect(formatted.locator('strong')).toHaveText('bold');
		await expect(formatted.locator('em')).toHaveText('italic');
		const link = formatted.getByRole('link', { name: 'https://example.org/docs' });
		await expect(link).toHaveAttribute('target', '_blank');
		await expect(link).toHaveAttribute('rel', 'noopener noreferrer');
		const code = message(page, 'println!').locator('pre code');
		await expect(code.locator('.hljs-keyword').first()).toHaveText('fn');

		// Every payload is shown as the text that was sent.
		for (const payload of PAYLOADS) await expect(message(page, payload)).toHaveCount(1);
		const list = page.getByRole('region', { name: /^Messages in #/ });
		await expect(list.locator('img, script, iframe')).toHaveCount(0);
		await expect(list.locator('a[href^="javascript:" i]')).toHaveCount(0);
		// Clicking the would-be links runs nothing.
		await message(page, '[click me]').getByText('click me').click();
		await message(page, 'html link').getByText('html link').click();
		expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();
	}
	expect(dialogs).toEqual([]);
});
