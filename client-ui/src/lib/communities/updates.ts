/**
 * Merging a community or group the server sent (after a settings or picture change)
 * into the lists the client holds. `community_updated` goes to every member alike, so
 * it carries no `my_role`: the client keeps its own.
 */
import type { Community, Group, GroupWithChannels } from './directory.svelte';

/** The list with `incoming` in place of the known community; unknown ones are not added. */
export function mergeCommunity(list: Community[], incoming: Community): Community[] {
	const index = list.findIndex((c) => c.id === incoming.id);
	if (index < 0) return list;
	const known = list[index]!;
	const next = list.slice();
	next[index] = { ...incoming, my_role: incoming.my_role ?? known.my_role ?? null };
	return next;
}

/** A community's groups with `incoming` in place of the known group, channels kept. */
export function mergeGroup(groups: GroupWithChannels[], incoming: Group): GroupWithChannels[] {
	const index = groups.findIndex((entry) => entry.group.id === incoming.id);
	if (index < 0) return groups;
	const known = groups[index]!;
	const next = groups.slice();
	next[index] = {
		...known,
		group: { ...incoming, my_role: incoming.my_role ?? known.group.my_role ?? null }
	};
	return next;
}
