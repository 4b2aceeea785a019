/**
 * One emoji picker per conversation view, opened by the reaction menu and the composer
 * through context, so that it lives outside message rows (which hide their toolbars and
 * may be recycled while the picker is open).
 */
import { getContext, setContext } from 'svelte';

export interface PickerRequest {
	/** The button that opened the picker: it is placed beside it and gets focus back. */
	anchor: HTMLElement;
	/** The dialog's name, e.g. "Add a reaction". */
	title: string;
	onpick: (emoji: string) => void;
}

export class EmojiPickerHost {
	request = $state.raw<PickerRequest | null>(null);

	open(request: PickerRequest): void {
		this.request = request;
	}

	/** Closes the picker; focus goes back to the anchor once the dialog is gone. */
	close(): void {
		this.request = null;
	}
}

const KEY = Symbol('emoji-picker');

export function provideEmojiPicker(host: EmojiPickerHost): void {
	setContext(KEY, host);
}

/** The view's picker, or undefined where there is none (the full picker is then not offered). */
export function useEmojiPicker(): EmojiPickerHost | undefined {
	return getContext<EmojiPickerHost | undefined>(KEY);
}
