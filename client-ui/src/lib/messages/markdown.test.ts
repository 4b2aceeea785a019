import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

function dom(source: string): HTMLElement {
	const element = document.createElement('div');
	element.innerHTML = renderMarkdown(source);
	return element;
}

describe('renderMarkdown', () => {
	it('renders emphasis, lists, quotes and inline code', () => {
		const element = dom('**bold** _it_ `code`\n\n- one\n- two\n\n> quoted');
		expect(element.querySelector('strong')?.textContent).toBe('bold');
		expect(element.querySelector('em')?.textContent).toBe('it');
		expect(element.querySelector('code')?.textContent).toBe('code');
		expect(element.querySelectorAll('li')).toHaveLength(2);
		expect(element.querySelector('blockquote')?.textContent?.trim()).toBe('quoted');
	});

	it('shows raw HTML as text', () => {
		const element = dom('<img src=x onerror="alert(1)"> <script>alert(2)</script> <b>b</b>');
		expect(element.querySelector('img, script, b')).toBeNull();
		expect(element.textContent).toContain('<img src=x onerror="alert(1)">');
		expect(element.textContent).toContain('<script>alert(2)</script>');
	});

	it('renders only http, https and mailto links, opening safely', () => {
		const element = dom(
			'[web](https://example.org/a?b=1) [mail](mailto:someone@example.org) [js](javascript:alert(1)) [data](data:text/html,<b>x</b>) [rel](/settings) [vb](vbscript:x)'
		);
		const links = [...element.querySelectorAll('a')];
		expect(links.map((a) => a.getAttribute('href'))).toEqual([
			'https://example.org/a?b=1',
			'mailto:someone@example.org'
		]);
		for (const link of links) {
			expect(link.getAttribute('target')).toBe('_blank');
			expect(link.getAttribute('rel')).toBe('noopener noreferrer');
		}
		expect(element.textContent).toContain('[js](javascript:alert(1))');
		expect(element.textContent).toContain('[rel](/settings)');
	});

	it('links bare URLs and keeps images as text', () => {
		const element = dom('see https://example.org and ![pic](https://example.org/p.png)');
		expect(element.querySelector('img')).toBeNull();
		expect(element.querySelector('a')?.getAttribute('href')).toBe('https://example.org');
	});

	it('highlights fenced code in known languages and escapes the rest', () => {
		const element = dom('```rust\nfn main() { let x = "<b>"; }\n```\n\n```nope\n<i>x</i>\n```');
		const [rust, other] = [...element.querySelectorAll('pre')];
		expect(rust?.dataset.language).toBe('rust');
		expect(rust?.querySelector('.hljs-keyword')?.textContent).toBe('fn');
		expect(rust?.textContent).toContain('"<b>"');
		expect(other?.querySelector('i')).toBeNull();
		expect(other?.textContent).toContain('<i>x</i>');
	});

	it('keeps line breaks', () => {
		expect(dom('one\ntwo').querySelector('br')).not.toBeNull();
	});
});

describe('custom emoji in markdown', () => {
	const urls: Record<string, string> = {
		blob: 'https://chat.test/api/files/f1?token=t&x=1',
		cat: 'https://chat.test/api/files/f2?token="><script>alert(1)</script>'
	};
	const asked: string[] = [];
	const customEmoji = (name: string) => {
		asked.push(name);
		return urls[name] ?? null;
	};
	function render(source: string): HTMLElement {
		const element = document.createElement('div');
		element.innerHTML = renderMarkdown(source, { customEmoji });
		return element;
	}

	it('draws a known :name: as an inline image named by its code', () => {
		const element = render('hello :blob: **bold :blob:**');
		const images = [...element.querySelectorAll('img.custom-emoji')];
		expect(images).toHaveLength(2);
		expect(images[0]?.getAttribute('alt')).toBe(':blob:');
		expect(images[0]?.getAttribute('src')).toBe(urls.blob);
		expect(element.querySelector('strong img')).not.toBeNull();
		expect(element.textContent).toBe('hello  bold \n');
	});

	it('keeps unknown names, code and escaped colons as text', () => {
		const element = render(':nope: `:blob:` \\:blob:\n\n```\n:blob:\n```');
		expect(element.querySelector('img')).toBeNull();
		expect(element.textContent).toContain(':nope:');
		expect(element.querySelector('code')?.textContent).toBe(':blob:');
		expect(element.querySelector('pre')?.textContent).toContain(':blob:');
		expect(element.textContent).toContain(':blob:');
	});

	it('leaves the text of a bare link alone', () => {
		const element = render('https://example.org/:blob:/x');
		expect(element.querySelector('img')).toBeNull();
		expect(element.querySelector('a')?.textContent).toBe('https://example.org/:blob:/x');
	});

	it('never puts a name or URL into markup unescaped', () => {
		asked.length = 0;
		const element = render(':cat: :<img src=x onerror=alert(1)>: :"onload=x": :Blob:');
		expect(asked).toEqual(['cat']);
		expect(element.querySelector('script')).toBeNull();
		const images = element.querySelectorAll('img');
		expect(images).toHaveLength(1);
		expect(images[0]?.getAttribute('src')).toBe(urls.cat);
		expect(images[0]?.getAttributeNames().sort()).toEqual(
			['alt', 'class', 'draggable', 'src', 'title'].sort()
		);
		expect(element.textContent).toContain(':<img src=x onerror=alert(1)>:');
	});

	it('renders names as text without a lookup (direct messages)', () => {
		expect(dom(':blob:').querySelector('img')).toBeNull();
	});
});
