/**
 * Profile cards (`GET /api/users/{id}`: name, pictures, pronouns, status, bio), fetched
 * when one is opened and kept for the session. An open card shows what is known at once
 * and is fetched again (bios and banners change without an event); `user_updated`
 * brings new names and avatars into the kept cards.
 */
import { SvelteMap } from 'svelte/reactivity';
import { unwrap, type Api, type Schemas } from '$api/client';
import { withCardProfile, type Author } from './updates';

export type ProfileCard = Schemas['UserCardView'];

export class ProfileCards {
	private readonly cards = new SvelteMap<string, ProfileCard>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly inFlight = new Map<string, Promise<ProfileCard>>();
	private readonly api: Api;

	constructor(api: Api) {
		this.api = api;
	}

	/** The card as last fetched (and updated live), or undefined. */
	get(userId: string): ProfileCard | undefined {
		return this.cards.get(userId);
	}

	/** Fetches the card (one request at a time per person). */
	load(userId: string): Promise<ProfileCard> {
		let pending = this.inFlight.get(userId);
		if (!pending) {
			pending = unwrap(
				this.api.GET('/api/users/{user_id}', { params: { path: { user_id: userId } } })
			)
				.then((card) => {
					this.cards.set(userId, card);
					return card;
				})
				.finally(() => this.inFlight.delete(userId));
			this.inFlight.set(userId, pending);
		}
		return pending;
	}

	/** `user_updated`: a kept card takes the new name and avatar. */
	userUpdated(user: Author): void {
		const card = this.cards.get(user.id);
		if (!card) return;
		const next = withCardProfile(card, user);
		if (next !== card) this.cards.set(user.id, next);
	}
}
