import { describe, expect, it } from 'vitest';
import type { Message } from './merge';
import { buildRows, dayLabel, messagePositions } from './rows';

let counter = 0;
function message(author: string, createdAt: string, extra: Partial<Message> = {}): Message {
	counter += 1;
	return {
		id: `0190000${String(counter).padStart(4, '0')}`,
		channel_id: 'c',
		author: { id: author, username: author, display_name: author },
		content: `message ${counter}`,
		created_at: createdAt,
		deleted: false,
		mentions: [],
		mentions_everyone: false,
		pinned: false,
		reactions: [],
		thread_reply_count: 0,
		...extra
	};
}

const kinds = (rows: ReturnType<typeof buildRows>) =>
	rows.map((r) => (r.kind === 'message' ? (r.grouped ? 'grouped' : 'head') : r.kind));

describe('buildRows', () => {
	const now = new Date('2026-03-10T12:00:00');

	it('groups consecutive messages by one author within minutes', () => {
		const rows = buildRows(
			[
				message('ann', '2026-03-10T10:00:00'),
				message('ann', '2026-03-10T10:01:00'),
				message('bob', '2026-03-10T10:02:00'),
				message('ann', '2026-03-10T10:03:00'),
				message('ann', '2026-03-10T10:30:00')
			],
			{ now }
		);
		expect(kinds(rows)).toEqual(['date', 'head', 'grouped', 'head', 'head', 'head']);
	});

	it('adds date separators and breaks groups at midnight', () => {
		const rows = buildRows(
			[message('ann', '2026-03-09T23:59:00'), message('ann', '2026-03-10T00:01:00')],
			{ now }
		);
		expect(kinds(rows)).toEqual(['date', 'head', 'date', 'head']);
		expect(rows.filter((r) => r.kind === 'date').map((r) => r.kind === 'date' && r.label)).toEqual([
			'Yesterday',
			'Today'
		]);
	});

	it('places the unread separator before the first unread message of someone else', () => {
		const list = [
			message('ann', '2026-03-10T10:00:00'),
			message('me', '2026-03-10T10:01:00'),
			message('ann', '2026-03-10T10:02:00'),
			message('ann', '2026-03-10T10:03:00')
		];
		const rows = buildRows(list, { now, lastReadId: list[0]!.id, selfId: 'me' });
		expect(kinds(rows)).toEqual(['date', 'head', 'head', 'unread', 'head', 'grouped']);
	});

	it('does not group replies', () => {
		const first = message('ann', '2026-03-10T10:00:00');
		const rows = buildRows(
			[first, message('ann', '2026-03-10T10:00:30', { reply_to_id: first.id })],
			{
				now
			}
		);
		expect(kinds(rows)).toEqual(['date', 'head', 'head']);
	});

	it('names older days in full', () => {
		expect(dayLabel(new Date('2026-01-02T10:00:00'), now, 'en-US')).toBe('Friday, January 2, 2026');
	});
});

describe('messagePositions', () => {
	const now = new Date('2026-03-10T12:00:00');
	const list = [
		message('ann', '2026-03-09T10:00:00'),
		message('ann', '2026-03-10T10:00:00'),
		message('bob', '2026-03-10T10:01:00'),
		message('ann', '2026-03-10T10:02:00')
	];
	const rows = buildRows(list, { now, lastReadId: list[1]!.id, selfId: 'me' });

	it('numbers messages from 1, skipping date and unread separators', () => {
		expect(kinds(rows)).toEqual(['date', 'head', 'date', 'head', 'unread', 'head', 'head']);
		const { positions } = messagePositions(rows, false);
		expect(list.map((m) => positions.get(m.id))).toEqual([1, 2, 3, 4]);
		expect(positions.get('unread')).toBeUndefined();
		expect([...positions.keys()].some((key) => key.startsWith('date-'))).toBe(false);
	});

	it('gives the loaded count as the set size when the history is complete', () => {
		expect(messagePositions(rows, false).setSize).toBe(4);
	});

	it('gives -1 as the set size while more messages can be loaded', () => {
		const { setSize, positions } = messagePositions(rows, true);
		expect(setSize).toBe(-1);
		expect(positions.get(list[3]!.id)).toBe(4);
	});

	it('handles an empty timeline', () => {
		expect(messagePositions([], false)).toEqual({ setSize: 0, positions: new Map() });
	});
});
