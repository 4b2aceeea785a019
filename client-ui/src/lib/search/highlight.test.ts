import { describe, expect, it } from 'vitest';
import { snippetParts } from './highlight';

describe('snippetParts', () => {
	it('marks the ranges', () => {
		expect(snippetParts('the quick fox', [[4, 9]])).toEqual([
			{ text: 'the ', match: false },
			{ text: 'quick', match: true },
			{ text: ' fox', match: false }
		]);
	});

	it('counts characters, not UTF-16 units', () => {
		expect(snippetParts('🎉 party 🎉', [[2, 7]])).toEqual([
			{ text: '🎉 ', match: false },
			{ text: 'party', match: true },
			{ text: ' 🎉', match: false }
		]);
	});

	it('sorts, clips and skips overlapping or empty ranges', () => {
		expect(
			snippetParts('abcdef', [
				[4, 99],
				[0, 2],
				[1, 3],
				[3, 3]
			])
		).toEqual([
			{ text: 'ab', match: true },
			{ text: 'c', match: true },
			{ text: 'd', match: false },
			{ text: 'ef', match: true }
		]);
	});
});
