/**
 * A person's new name or avatar (`user_updated`) applied to what the client holds:
 * loaded messages, member lists, DM lists and profile cards. Each returns its input
 * unchanged (the same object) when nothing of it is that person's, so state that did
 * not change is not replaced and nothing re-renders.
 */
import type { Schemas } from '$api/client';

export type Author = Schemas['AuthorView'];

/** The fields `user_updated` carries, copied onto an object that shows the person. */
function sameProfile(
	shown: { username: string; display_name: string; avatar_file_id?: string | null },
	user: Author
): boolean {
	return (
		shown.username === user.username &&
		shown.display_name === user.display_name &&
		(shown.avatar_file_id ?? null) === (user.avatar_file_id ?? null)
	);
}

function profileOf(user: Author) {
	return {
		username: user.username,
		display_name: user.display_name,
		avatar_file_id: user.avatar_file_id ?? null
	};
}

/** Messages whose author is `user`, with the new name and avatar. */
export function withAuthor<M extends { author?: Author | null }>(messages: M[], user: Author): M[] {
	let changed = false;
	const next = messages.map((message) => {
		const author = message.author;
		if (!author || author.id !== user.id || sameProfile(author, user)) return message;
		changed = true;
		return { ...message, author: { ...author, ...profileOf(user) } };
	});
	return changed ? next : messages;
}

interface Shown {
	user_id: string;
	username: string;
	display_name: string;
	avatar_file_id?: string | null;
}

/** A member list (community or group) with the person's entry updated; nicknames stay. */
export function withMemberProfile<M extends Shown>(members: M[], user: Author): M[] {
	const index = members.findIndex((m) => m.user_id === user.id);
	if (index < 0 || sameProfile(members[index]!, user)) return members;
	const next = members.slice();
	next[index] = { ...members[index]!, ...profileOf(user) };
	return next;
}

/** DM conversations with the person among their members updated. */
export function withDmMember<D extends { members: Author[] }>(dms: D[], user: Author): D[] {
	let changed = false;
	const next = dms.map((dm) => {
		const index = dm.members.findIndex((m) => m.id === user.id);
		if (index < 0 || sameProfile(dm.members[index]!, user)) return dm;
		changed = true;
		const members = dm.members.slice();
		members[index] = { ...members[index]!, ...profileOf(user) };
		return { ...dm, members };
	});
	return changed ? next : dms;
}

/** A profile card of the person with the new name and avatar (bio and banner stay). */
export function withCardProfile<C extends { id: string } & Omit<Shown, 'user_id'>>(
	card: C,
	user: Author
): C {
	if (card.id !== user.id || sameProfile(card, user)) return card;
	return { ...card, ...profileOf(user) };
}
