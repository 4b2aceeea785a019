/** Names and pictures of the people in a call, from the community's member list. */
import type { Member } from '$lib/communities/directory.svelte';

export interface CallPerson {
	name: string;
	avatarFileId: string | null;
}

export function callPerson(members: readonly Member[] | undefined, userId: string): CallPerson {
	const member = members?.find((m) => m.user_id === userId);
	if (!member) return { name: 'Someone', avatarFileId: null };
	return {
		name: member.nickname || member.display_name,
		avatarFileId: member.avatar_file_id ?? null
	};
}
