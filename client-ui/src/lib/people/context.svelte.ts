/**
 * Profile cards open from message authors and member lists through context: a
 * conversation view provides one host and draws one card dialog for all its rows.
 */
import { getContext, setContext } from 'svelte';

export interface ProfileCardRequest {
	userId: string;
	/** Gets focus back when the card closes. */
	opener: HTMLElement | null;
}

export class ProfileCardHost {
	request = $state.raw<ProfileCardRequest | null>(null);

	open(userId: string, opener: HTMLElement | null = null): void {
		this.request = { userId, opener };
	}

	close(): void {
		this.request = null;
	}
}

const KEY = Symbol('profile-cards');

export function provideProfileCards(host: ProfileCardHost): void {
	setContext(KEY, host);
}

/** The view's profile card host, or undefined (names are then plain text). */
export function useProfileCards(): ProfileCardHost | undefined {
	return getContext<ProfileCardHost | undefined>(KEY);
}
