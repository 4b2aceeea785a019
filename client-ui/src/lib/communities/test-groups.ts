/** A group as the server sends it, for unit tests: `extra` overrides any field. */
import type { Group } from './directory.svelte';

export const testGroup = (id: string, extra: Partial<Group> = {}): Group => ({
	id,
	community_id: 'c1',
	name: `Group ${id}`,
	created_at: '2026-01-01T00:00:00Z',
	position: 0,
	visibility: 'public',
	my_role: 'member',
	...extra
});
