/** Recently used emoji and the chosen skin tone, kept in localStorage. */
import type { SkinTone } from './types';

const RECENT_KEY = 'chatalot.emoji.recent';
const TONE_KEY = 'chatalot.emoji.skin-tone';
/** Three rows of the picker. */
export const RECENT_MAX = 24;

type Storage = Pick<globalThis.Storage, 'getItem' | 'setItem'>;

export class EmojiPrefs {
	/** Most recent first. */
	recent = $state<string[]>([]);
	tone = $state<SkinTone>(0);

	constructor(private readonly storage: Storage | null) {
		try {
			const recent: unknown = JSON.parse(storage?.getItem(RECENT_KEY) ?? '[]');
			if (Array.isArray(recent)) {
				this.recent = recent.filter((e) => typeof e === 'string').slice(0, RECENT_MAX);
			}
		} catch {
			// A damaged entry starts the list afresh.
		}
		const tone = Number(storage?.getItem(TONE_KEY));
		if (Number.isInteger(tone) && tone >= 0 && tone <= 5) this.tone = tone as SkinTone;
	}

	/** Moves the emoji to the front of the recent list. */
	used(emoji: string): void {
		this.recent = [emoji, ...this.recent.filter((e) => e !== emoji)].slice(0, RECENT_MAX);
		this.save(RECENT_KEY, JSON.stringify(this.recent));
	}

	setTone(tone: SkinTone): void {
		this.tone = tone;
		this.save(TONE_KEY, String(tone));
	}

	private save(key: string, value: string): void {
		try {
			this.storage?.setItem(key, value);
		} catch {
			// Storage full or blocked: the preference lasts for this page only.
		}
	}
}

function browserStorage(): Storage | null {
	try {
		return globalThis.localStorage ?? null;
	} catch {
		return null;
	}
}

export const emojiPrefs = new EmojiPrefs(browserStorage());
