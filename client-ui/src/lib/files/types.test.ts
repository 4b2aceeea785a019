import { describe, expect, it } from 'vitest';
import type { Message } from '$lib/messages/merge';
import { attachmentsOf, messageSummary, type FileView } from './types';

function message(content: string, attachments?: FileView[]): Message {
	return {
		id: 'm1',
		channel_id: 'c1',
		content,
		created_at: '2026-11-28T10:00:00Z',
		deleted: false,
		mentions: [],
		mentions_everyone: false,
		pinned: false,
		reactions: [],
		thread_reply_count: 0,
		...(attachments ? { attachments } : {})
	};
}

const file = (name: string): FileView => ({
	id: name,
	name,
	size: 10,
	content_type: 'text/plain',
	kind: 'file',
	sha256: '',
	thumbnail: false,
	created_at: '2026-11-28T10:00:00Z'
});

describe('attachments of a message', () => {
	it('treats a missing list as none', () => {
		expect(attachmentsOf(message('hi'))).toEqual([]);
		expect(attachmentsOf(message('hi', [file('a.txt')]))).toHaveLength(1);
	});

	it('summarises a message without text by its files', () => {
		expect(messageSummary(message('hello', [file('a.txt')]))).toBe('hello');
		expect(messageSummary(message('', [file('a.txt')]))).toBe('📎 a.txt');
		expect(messageSummary(message('', [file('a.txt'), file('b.txt')]))).toBe('📎 2 files');
		expect(messageSummary(message(''))).toBe('');
	});
});
