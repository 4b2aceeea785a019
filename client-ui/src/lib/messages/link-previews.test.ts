import { describe, expect, it } from 'vitest';
import {
	hasPreviewableLinks,
	hostOf,
	linksIn,
	previewImageSrc,
	safeHref,
	withoutCode
} from './link-previews';

describe('linksIn', () => {
	it('finds links outside code once each, like the server', () => {
		// The server's own test (`finds_links_outside_code_once_each` in card.rs).
		const text =
			'see https://a.example/x#frag and (https://b.example/y), ' +
			'`https://code.example` https://a.example/x again\n' +
			'```\nhttps://fenced.example\n```\nftp://no.example https://c.example https://d.example';
		expect(linksIn(text)).toEqual([
			'https://a.example/x',
			'https://b.example/y',
			'https://c.example/'
		]);
	});

	it('takes http and https only', () => {
		expect(linksIn('ftp://a.example mailto:x@y.example javascript:alert(1)')).toEqual([]);
		expect(linksIn('http://127.0.0.1:9/ and HTTPS://B.example/Path')).toEqual([
			'http://127.0.0.1:9/',
			'https://b.example/Path'
		]);
		// A scheme inside a word is not one.
		expect(linksIn('xhttps://a.example')).toEqual([]);
	});

	it('keeps at most three links', () => {
		const text = [1, 2, 3, 4, 5].map((n) => `https://site${n}.example/`).join(' ');
		expect(linksIn(text)).toHaveLength(3);
		expect(linksIn(text)[2]).toBe('https://site3.example/');
	});

	it('leaves sentence punctuation and unbalanced brackets out', () => {
		expect(linksIn('Read https://a.example/page. Then https://b.example/q?x=1!')).toEqual([
			'https://a.example/page',
			'https://b.example/q?x=1'
		]);
		expect(linksIn('(see https://en.example/wiki/Foo_(bar))')).toEqual([
			'https://en.example/wiki/Foo_(bar)'
		]);
		expect(linksIn('<https://a.example/x>')).toEqual(['https://a.example/x']);
	});

	it('ignores code spans and fences, also unclosed or indented ones', () => {
		expect(linksIn('`https://a.example` and `x https://b.example y`')).toEqual([]);
		// Each backtick opens or closes a span, as on the server.
		expect(linksIn('``https://b.example``')).toEqual(['https://b.example/']);
		expect(linksIn('  ```js\nconst u = "https://a.example";\n```\nhttps://b.example')).toEqual([
			'https://b.example/'
		]);
		expect(linksIn('```\nhttps://a.example')).toEqual([]);
		expect(linksIn('`unclosed https://a.example')).toEqual([]);
	});

	it('is the cheap check that spares the server messages without links', () => {
		expect(hasPreviewableLinks('hello there')).toBe(false);
		expect(hasPreviewableLinks('example.org without a scheme')).toBe(false);
		expect(hasPreviewableLinks('')).toBe(false);
		expect(hasPreviewableLinks('look: https://a.example')).toBe(true);
	});
});

describe('withoutCode', () => {
	it('blanks code and keeps the rest', () => {
		expect(withoutCode('a `b` c\n```\nd\n```\ne')).toBe('a     c\n\n\n\ne');
	});
});

describe('previewImageSrc', () => {
	it('puts the server path on the base with the media token', () => {
		expect(previewImageSrc('https://chat.example/', '/api/link-previews/p1/image', 't k')).toBe(
			'https://chat.example/api/link-previews/p1/image?token=t%20k'
		);
		expect(previewImageSrc('', '/api/link-previews/p1/image?v=2', 't')).toBe(
			'/api/link-previews/p1/image?v=2&token=t'
		);
	});

	it('never loads anything but a server path, and waits for a token', () => {
		expect(previewImageSrc('', 'https://site.example/card.png', 't')).toBeNull();
		expect(previewImageSrc('', '//site.example/api/x', 't')).toBeNull();
		expect(previewImageSrc('', null, 't')).toBeNull();
		expect(previewImageSrc('', '/api/link-previews/p1/image', null)).toBeNull();
	});
});

describe('links of cards', () => {
	it('only http(s) hrefs, and a host for a card without a site name', () => {
		expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
		expect(safeHref('javascript:alert(1)')).toBeNull();
		expect(safeHref('not a url')).toBeNull();
		expect(hostOf('https://www.a.example:8443/x')).toBe('www.a.example:8443');
	});
});
