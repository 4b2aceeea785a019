import { describe, expect, it } from 'vitest';
import { insertMention, mentionAt, rankMentions } from './mentions';

describe('mentionAt', () => {
	it('finds the @query ending at the caret', () => {
		expect(mentionAt('hi @an', 6)).toEqual({ start: 3, query: 'an' });
		expect(mentionAt('@', 1)).toEqual({ start: 0, query: '' });
		expect(mentionAt('hi @ann and', 11)).toBeNull();
		expect(mentionAt('mail me@host', 12)).toBeNull();
	});
});

describe('rankMentions', () => {
	const people = [
		{ id: '1', username: 'bob', name: 'Robert Ann' },
		{ id: '2', username: 'annie', name: 'Annie' },
		{ id: '3', username: 'joanna', name: 'Jo' },
		{ id: '4', username: 'zed', name: 'Zed' }
	];

	it('puts username prefixes first, then name words, then anything containing it', () => {
		expect(rankMentions(people, 'ann').map((p) => p.username)).toEqual(['annie', 'bob', 'joanna']);
		expect(rankMentions(people, '').map((p) => p.username)).toEqual([
			'annie',
			'bob',
			'joanna',
			'zed'
		]);
		expect(rankMentions(people, 'ann', 1)).toHaveLength(1);
	});
});

describe('insertMention', () => {
	it('replaces the query with the username and a space', () => {
		expect(insertMention('hi @an', { start: 3, query: 'an' }, 'annie')).toEqual({
			text: 'hi @annie ',
			caret: 10
		});
		expect(insertMention('@an there', { start: 0, query: 'an' }, 'annie')).toEqual({
			text: '@annie there',
			caret: 7
		});
	});
});
