import { describe, expect, it } from 'vitest';
import type { Channel, Community } from './directory.svelte';
import { testGroup } from './test-groups';
import { mergeCommunity, mergeGroup } from './updates';

const community = (id: string, extra: Partial<Community> = {}): Community => ({
	id,
	name: `Community ${id}`,
	owner_id: 'owner',
	created_at: '2026-01-01T00:00:00Z',
	discoverable: false,
	member_count: 2,
	who_can_create_invites: 'member',
	visibility: 'private',
	my_role: 'admin',
	theme: {},
	...extra
});

const group = testGroup;

describe('mergeCommunity', () => {
	it('takes the new settings and pictures and keeps our role', () => {
		const list = [community('c1'), community('c2')];
		const incoming = community('c1', { icon_file_id: 'icon', name: 'Renamed', my_role: null });
		const next = mergeCommunity(list, incoming);
		expect(next[0]).toMatchObject({ name: 'Renamed', icon_file_id: 'icon', my_role: 'admin' });
		expect(next[1]).toBe(list[1]);
	});

	it('takes a role the answer carries (our own change)', () => {
		const next = mergeCommunity([community('c1')], community('c1', { my_role: 'owner' }));
		expect(next[0]!.my_role).toBe('owner');
	});

	it('clears a removed picture', () => {
		const list = [community('c1', { banner_file_id: 'b' })];
		const next = mergeCommunity(list, community('c1', { banner_file_id: null, my_role: null }));
		expect(next[0]!.banner_file_id).toBeNull();
	});

	it('does not add a community the list does not have', () => {
		const list = [community('c1')];
		expect(mergeCommunity(list, community('c9'))).toBe(list);
	});
});

describe('mergeGroup', () => {
	it('replaces the group and keeps its channels and our role', () => {
		const channels = [{ id: 'ch', name: 'general' }] as Channel[];
		const groups = [
			{ group: group('g1'), channels },
			{ group: group('g2'), channels: [] }
		];
		const next = mergeGroup(groups, group('g1', { icon_file_id: 'gi', my_role: null }));
		expect(next[0]!.group).toMatchObject({ icon_file_id: 'gi', my_role: 'member' });
		expect(next[0]!.channels).toBe(channels);
		expect(next[1]).toBe(groups[1]);
	});

	it('returns the same list for an unknown group', () => {
		const groups = [{ group: group('g1'), channels: [] }];
		expect(mergeGroup(groups, group('g9'))).toBe(groups);
	});
});
