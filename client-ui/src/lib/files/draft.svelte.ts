/**
 * The files waiting to go with the next message. Each one uploads as soon as it is added;
 * it is then `uploading` (with progress), `uploaded` (its `FileView` is known) or
 * `failed` (with a sentence for people). Removing one cancels its upload or deletes the
 * uploaded file; sending takes the uploaded files' IDs and forgets them.
 */
import { ApiError, errorMessage, NETWORK_ERROR } from '$api/errors';
import { displayName, formatBytes, percent } from './format';
import type { FileView } from './types';
import { UploadAborted, type UploadHandle, type UploadProgress } from './upload';

/** The server takes at most this many files per message. */
export const MAX_ATTACHMENTS = 10;

export type DraftStatus = 'uploading' | 'uploaded' | 'failed';

export interface DraftFile {
	/** Stable within the draft (the server's ID is not known while uploading). */
	key: string;
	name: string;
	size: number;
	type: string;
	status: DraftStatus;
	/** Percent sent, 0–100. */
	progress: number;
	file: FileView | null;
	error: string | null;
}

/** What the draft needs from the server side (`Files`; a fake in tests). */
export interface Uploader {
	upload(file: File, onprogress: (progress: UploadProgress) => void): UploadHandle;
	remove(fileId: string, size?: number): Promise<void>;
	/** The largest file the server takes, when known (the server checks anyway). */
	readonly maxFileSize: number | null;
}

/** A sentence for a failed upload, for the file's chip. */
export function uploadErrorMessage(error: unknown, maxFileSize: number | null): string {
	if (error instanceof ApiError) {
		switch (error.code) {
			case 'file_too_large':
				return maxFileSize
					? `Too large: files can be up to ${formatBytes(maxFileSize)}.`
					: 'This file is too large.';
			case 'quota_exceeded':
				return 'Not enough storage space left for this file.';
			case NETWORK_ERROR:
				return 'Upload failed: the server could not be reached.';
		}
	}
	return errorMessage(error);
}

export class AttachmentDraft {
	items = $state<DraftFile[]>([]);
	/** Why some of the last files were not added (too many), or null. */
	notice = $state<string | null>(null);

	/** Some files are still uploading (sending waits for them). */
	readonly busy = $derived(this.items.some((item) => item.status === 'uploading'));
	/** The uploaded files' IDs, in the order they were added. */
	readonly ids = $derived(
		this.items.flatMap((item) => (item.status === 'uploaded' && item.file ? [item.file.id] : []))
	);
	readonly full = $derived(this.items.length >= MAX_ATTACHMENTS);

	private readonly uploader: Uploader;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly uploads = new Map<string, UploadHandle>();
	private counter = 0;

	constructor(uploader: Uploader) {
		this.uploader = uploader;
	}

	/** Adds files (picked, dropped or pasted) and starts their uploads. */
	add(files: Iterable<File>): void {
		const list = [...files];
		const room = Math.max(0, MAX_ATTACHMENTS - this.items.length);
		this.notice =
			list.length > room
				? `A message can carry up to ${MAX_ATTACHMENTS} files; ${list.length - room === 1 ? 'one was' : `${list.length - room} were`} left out.`
				: null;
		for (const file of list.slice(0, room)) this.start(file);
	}

	private start(file: File): void {
		this.counter += 1;
		const key = `file-${this.counter}`;
		const max = this.uploader.maxFileSize;
		const tooLarge = max !== null && file.size > max;
		this.items.push({
			key,
			name: displayName(file.name),
			size: file.size,
			type: file.type,
			status: tooLarge ? 'failed' : 'uploading',
			progress: 0,
			file: null,
			error: tooLarge ? uploadErrorMessage(new ApiError(413, tooLargeBody), max) : null
		});
		if (tooLarge) return;

		const handle = this.uploader.upload(file, (progress) => {
			const item = this.find(key);
			if (item && item.status === 'uploading') {
				item.progress = percent(progress.loaded, progress.total);
			}
		});
		this.uploads.set(key, handle);
		handle.done.then(
			(stored) => {
				this.uploads.delete(key);
				const item = this.find(key);
				if (!item) {
					// Removed while the server was finishing: nothing will send it.
					void this.uploader.remove(stored.id, stored.size).catch(() => {});
					return;
				}
				item.status = 'uploaded';
				item.progress = 100;
				item.file = stored;
				// What the server kept (it drops paths and odd characters, detects the type).
				item.name = displayName(stored.name);
				item.type = stored.content_type;
			},
			(error: unknown) => {
				this.uploads.delete(key);
				const item = this.find(key);
				if (!item || error instanceof UploadAborted) return;
				item.status = 'failed';
				item.error = uploadErrorMessage(error, this.uploader.maxFileSize);
			}
		);
	}

	/** Removes a file: cancels its upload, or deletes it from the server once uploaded. */
	remove(key: string): void {
		const item = this.find(key);
		if (!item) return;
		this.items = this.items.filter((other) => other.key !== key);
		this.notice = null;
		this.cancel(key, item);
	}

	/** After sending: the files now belong to the message. */
	clear(): void {
		for (const handle of this.uploads.values()) handle.abort();
		this.uploads.clear();
		this.items = [];
		this.notice = null;
	}

	/** Leaving without sending: cancels uploads and deletes the uploaded files. */
	discard(): void {
		const items = this.items;
		this.items = [];
		this.notice = null;
		for (const item of items) this.cancel(item.key, item);
	}

	private cancel(key: string, item: DraftFile): void {
		const upload = this.uploads.get(key);
		if (upload) {
			this.uploads.delete(key);
			upload.abort();
		} else if (item.status === 'uploaded' && item.file) {
			// Best effort: an unsent file only costs its owner's quota.
			void this.uploader.remove(item.file.id, item.file.size).catch(() => {});
		}
	}

	private find(key: string): DraftFile | undefined {
		return this.items.find((item) => item.key === key);
	}
}

const tooLargeBody = { code: 'file_too_large', message: 'file too large' };
