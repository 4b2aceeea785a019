/** The emoji set, loaded on first use (a separate chunk) and shared by every picker. */
import type { EmojiData } from './types';

class EmojiSet {
	/** The data once loaded; components read it reactively. */
	current = $state.raw<EmojiData | null>(null);
	private pending: Promise<EmojiData> | null = null;

	load(): Promise<EmojiData> {
		this.pending ??= import('./dataset')
			.then(({ emojiData }) => (this.current = emojiData))
			.catch((failure) => {
				// Let a later attempt try again (e.g. after the network came back).
				this.pending = null;
				throw failure;
			});
		return this.pending;
	}
}

export const emojiSet = new EmojiSet();
