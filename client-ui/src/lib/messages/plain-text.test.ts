import { describe, expect, it } from 'vitest';
import { mapRanges, plainText } from './plain-text';

describe('plainText', () => {
	it('removes emphasis, code and strike marks but keeps snake_case', () => {
		expect(plainText('hello **world** and `code` ~~old~~ _it_ snake_case').text).toBe(
			'hello world and code old it snake_case'
		);
	});

	it('keeps the text of links and images, not their addresses', () => {
		expect(plainText('see [the docs](https://example.com/a "Docs") and ![logo](x.png)').text).toBe(
			'see the docs and logo'
		);
		// Brackets that are not a link stay.
		expect(plainText('array[0] is [not a link]').text).toBe('array[0] is [not a link]');
	});

	it('drops fences and line marks, joining lines with spaces', () => {
		expect(plainText('# Title\n> quoted\n- item\n```rust\nfn main() {}\n```\nend').text).toBe(
			'Title quoted item fn main() {} end'
		);
	});

	it('moves highlight ranges onto the plain text', () => {
		const source = 'hello **world**';
		const plain = plainText(source);
		const start = source.indexOf('world');
		expect(mapRanges(plain, [[start, start + 5]])).toEqual([[6, 11]]);
		// A range that covered markup too shrinks to what is kept.
		expect(mapRanges(plain, [[6, 15]])).toEqual([[6, 11]]);
		expect(mapRanges(plain, [[6, 8]])).toEqual([]);
	});

	it('counts code points, as the server does for ranges', () => {
		const plain = plainText('😀 **hi**');
		expect(plain.text).toBe('😀 hi');
		expect(mapRanges(plain, [[4, 6]])).toEqual([[2, 4]]);
	});
});
