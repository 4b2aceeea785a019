import { describe, expect, it } from 'vitest';
import type { Schemas } from '$api/client';
import type { Message } from '$lib/messages/merge';
import {
	withAuthor,
	withCardProfile,
	withDmMember,
	withMemberProfile,
	type Author
} from './updates';

const ann: Author = { id: 'ann', username: 'ann', display_name: 'Ann', avatar_file_id: null };
const annNow: Author = { ...ann, display_name: 'Ann Lee', avatar_file_id: 'f-new' };
const bob: Author = { id: 'bob', username: 'bob', display_name: 'Bob' };

function message(id: string, author: Author | null): Message {
	return {
		id,
		channel_id: 'c',
		author,
		content: id,
		created_at: '2026-03-10T10:00:00Z',
		deleted: false,
		mentions: [],
		mentions_everyone: false,
		pinned: false,
		reactions: [],
		thread_reply_count: 0
	};
}

describe('withAuthor', () => {
	it("gives the person's messages their new name and avatar", () => {
		const messages = [message('1', ann), message('2', bob), message('3', ann)];
		const next = withAuthor(messages, annNow);
		expect(next.map((m) => m.author?.display_name)).toEqual(['Ann Lee', 'Bob', 'Ann Lee']);
		expect(next[0]!.author?.avatar_file_id).toBe('f-new');
		// Others' messages are the same objects: their rows do not re-render.
		expect(next[1]).toBe(messages[1]);
		expect(messages[0]!.author?.display_name).toBe('Ann');
	});

	it('returns the same array when nothing is theirs or nothing changed', () => {
		const messages = [message('1', bob), message('2', null)];
		expect(withAuthor(messages, annNow)).toBe(messages);
		const current = [message('1', annNow)];
		expect(withAuthor(current, annNow)).toBe(current);
	});

	it('clears a removed avatar', () => {
		const next = withAuthor([message('1', annNow)], { ...annNow, avatar_file_id: null });
		expect(next[0]!.author?.avatar_file_id).toBeNull();
	});

	it('treats a missing avatar like none', () => {
		const messages = [message('1', { id: 'bob', username: 'bob', display_name: 'Bob' })];
		expect(withAuthor(messages, { ...bob, avatar_file_id: null })).toBe(messages);
	});
});

describe('withMemberProfile', () => {
	const members: Schemas['MemberView'][] = [
		{
			user_id: 'ann',
			username: 'ann',
			display_name: 'Ann',
			nickname: 'Annie',
			role: 'admin',
			joined_at: '2026-01-01T00:00:00Z',
			bot: false
		},
		{
			user_id: 'bob',
			username: 'bob',
			display_name: 'Bob',
			role: 'member',
			joined_at: '2026-01-01T00:00:00Z',
			bot: false
		}
	];

	it("updates the person's entry and keeps their nickname and role", () => {
		const next = withMemberProfile(members, annNow);
		expect(next[0]).toMatchObject({
			display_name: 'Ann Lee',
			avatar_file_id: 'f-new',
			nickname: 'Annie',
			role: 'admin'
		});
		expect(next[1]).toBe(members[1]);
	});

	it('returns the same list for someone else', () => {
		expect(withMemberProfile(members, { ...bob, id: 'carol' })).toBe(members);
	});
});

describe('withDmMember', () => {
	const dms: Schemas['DmView'][] = [
		{ channel_id: 'd1', kind: 'dm', created_at: '2026-01-01T00:00:00Z', members: [ann, bob] },
		{ channel_id: 'd2', kind: 'dm', created_at: '2026-01-01T00:00:00Z', members: [bob] }
	];

	it('updates the conversations the person is in', () => {
		const next = withDmMember(dms, annNow);
		expect(next[0]!.members[0]).toEqual(annNow);
		expect(next[0]!.members[1]).toBe(bob);
		expect(next[1]).toBe(dms[1]);
	});

	it('returns the same list when the person is in none', () => {
		expect(withDmMember(dms, { ...annNow, id: 'carol' })).toBe(dms);
	});
});

describe('withCardProfile', () => {
	const card: Schemas['UserCardView'] = {
		id: 'ann',
		username: 'ann',
		display_name: 'Ann',
		bio: 'Hello',
		banner_file_id: 'b1',
		created_at: '2026-01-01T00:00:00Z'
	};

	it('takes the new name and avatar and keeps the rest', () => {
		expect(withCardProfile(card, annNow)).toEqual({
			...card,
			display_name: 'Ann Lee',
			avatar_file_id: 'f-new'
		});
	});

	it("is the same card for someone else's update", () => {
		expect(withCardProfile(card, bob)).toBe(card);
	});
});
