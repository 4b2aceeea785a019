/**
 * Files and the image viewer reach message rows and composers through context: the
 * chat provides its `Files`, a conversation view its `LightboxHost`.
 */
import { getContext, setContext } from 'svelte';
import type { Files } from './files.svelte';
import type { FileView } from './types';

const FILES = Symbol('files');
const LIGHTBOX = Symbol('lightbox');

export function provideFiles(files: Files): void {
	setContext(FILES, files);
}

/** The signed-in user's files, or undefined outside the chat (no uploads, no file URLs). */
export function useFiles(): Files | undefined {
	return getContext<Files | undefined>(FILES);
}

export interface LightboxRequest {
	file: FileView;
	/** Gets focus back when the viewer closes. */
	opener: HTMLElement | null;
}

/** One image viewer per conversation view, so it lives outside message rows. */
export class LightboxHost {
	request = $state.raw<LightboxRequest | null>(null);

	open(file: FileView, opener: HTMLElement | null = null): void {
		this.request = { file, opener };
	}

	close(): void {
		this.request = null;
	}
}

export function provideLightbox(host: LightboxHost): void {
	setContext(LIGHTBOX, host);
}

/** The view's image viewer, or undefined (images then open in a new tab). */
export function useLightbox(): LightboxHost | undefined {
	return getContext<LightboxHost | undefined>(LIGHTBOX);
}
