import { describe, expect, it } from 'vitest';
import { mergeMessages, withReaction, type Message } from './merge';

function message(id: string, extra: Partial<Message> = {}): Message {
	return {
		id,
		channel_id: 'c',
		author: { id: 'u', username: 'u', display_name: 'U' },
		content: id,
		created_at: '2026-03-10T10:00:00Z',
		deleted: false,
		mentions: [],
		mentions_everyone: false,
		pinned: false,
		reactions: [],
		thread_reply_count: 0,
		...extra
	};
}

describe('mergeMessages', () => {
	it('sorts by ID and keeps each message once', () => {
		const merged = mergeMessages(
			[message('b'), message('d')],
			[message('c'), message('b'), message('a')]
		);
		expect(merged.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
	});

	it('keeps the later edit whichever copy arrives last', () => {
		const edited = message('a', { content: 'edited', edited_at: '2026-03-10T10:05:00Z' });
		expect(mergeMessages([edited], [message('a')])[0]!.content).toBe('edited');
		expect(mergeMessages([message('a')], [edited])[0]!.content).toBe('edited');
	});
});

describe('withReaction', () => {
	it('adds and removes one user once', () => {
		let m = message('a');
		m = withReaction(m, '👍', 'u1', true);
		m = withReaction(m, '👍', 'u1', true);
		m = withReaction(m, '👍', 'u2', true);
		expect(m.reactions).toEqual([{ emoji: '👍', count: 2, user_ids: ['u1', 'u2'] }]);
		m = withReaction(m, '👍', 'u1', false);
		m = withReaction(m, '👍', 'u2', false);
		expect(m.reactions).toEqual([]);
	});
});
