import { describe, expect, it } from 'vitest';
import type { Group, GroupWithChannels } from './directory.svelte';
import {
	manageableGroups,
	managesCommunity,
	managesGroup,
	moderatesCommunity
} from './group-admin';
import { testGroup } from './test-groups';

const group = (id: string, my_role: Group['my_role']): GroupWithChannels => ({
	group: testGroup(id, { my_role }),
	channels: []
});

const groups = [
	group('mine', 'admin'),
	group('owned', 'owner'),
	group('joined', 'member'),
	group('outside', null),
	group('unknown', undefined)
];
const ids = (list: GroupWithChannels[]) => list.map((entry) => entry.group.id);

describe('managesCommunity', () => {
	it('is for community owners and admins only', () => {
		expect(managesCommunity('owner')).toBe(true);
		expect(managesCommunity('admin')).toBe(true);
		expect(managesCommunity('moderator')).toBe(false);
		expect(managesCommunity('member')).toBe(false);
		expect(managesCommunity(null)).toBe(false);
		expect(managesCommunity(undefined)).toBe(false);
	});
});

describe('managesGroup', () => {
	it('lets community admins manage groups they are not in', () => {
		expect(managesGroup('admin', groups[3]!.group)).toBe(true);
		expect(managesGroup('owner', groups[2]!.group)).toBe(true);
	});

	it("otherwise takes the viewer's role in the group", () => {
		expect(managesGroup('member', groups[0]!.group)).toBe(true);
		expect(managesGroup('moderator', groups[1]!.group)).toBe(true);
		expect(managesGroup('moderator', groups[2]!.group)).toBe(false);
		expect(managesGroup('member', groups[3]!.group)).toBe(false);
		expect(managesGroup(null, groups[4]!.group)).toBe(false);
	});
});

describe('manageableGroups', () => {
	it('gives community owners and admins every group, in order', () => {
		expect(ids(manageableGroups('owner', groups))).toEqual(ids(groups));
		expect(ids(manageableGroups('admin', groups))).toEqual(ids(groups));
	});

	it('gives others only the groups they administer or own', () => {
		expect(ids(manageableGroups('member', groups))).toEqual(['mine', 'owned']);
		expect(ids(manageableGroups('moderator', groups))).toEqual(['mine', 'owned']);
	});

	it('gives a plain member nothing', () => {
		expect(manageableGroups('member', [groups[2]!, groups[3]!, groups[4]!])).toEqual([]);
		expect(manageableGroups('member', [])).toEqual([]);
	});
});

describe('moderatesCommunity', () => {
	it('is community moderators and up', () => {
		expect(moderatesCommunity('owner')).toBe(true);
		expect(moderatesCommunity('admin')).toBe(true);
		expect(moderatesCommunity('moderator')).toBe(true);
		expect(moderatesCommunity('member')).toBe(false);
		expect(moderatesCommunity(undefined)).toBe(false);
	});
});
