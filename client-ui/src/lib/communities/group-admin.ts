/**
 * Who may change a group's settings and pictures, as the server decides it
 * (`GroupAccess::can_manage`): community owners and admins every group, a group's own
 * admins and owner their group.
 */
import type { Community, Group, GroupWithChannels } from './directory.svelte';

type CommunityRole = Community['my_role'];

/** Community owners and admins: the community's settings, and every group's. */
export function managesCommunity(role: CommunityRole): boolean {
	return role === 'owner' || role === 'admin';
}

/**
 * Community moderators and up: what the server's `is_moderator` allows, such as
 * scheduling and changing a channel's meetings.
 */
export function moderatesCommunity(role: CommunityRole): boolean {
	return role === 'moderator' || managesCommunity(role);
}

/** Whether the viewer may change this group's pictures. */
export function managesGroup(communityRole: CommunityRole, group: Group): boolean {
	return managesCommunity(communityRole) || group.my_role === 'admin' || group.my_role === 'owner';
}

/** The groups (in their order) whose pictures the viewer may change. */
export function manageableGroups(
	communityRole: CommunityRole,
	groups: readonly GroupWithChannels[]
): GroupWithChannels[] {
	return groups.filter((entry) => managesGroup(communityRole, entry.group));
}
