/**
 * The signed-in user's side of file storage: uploads, deletions, the media token that
 * file URLs carry, and storage usage (with the size limit the composer checks first).
 * Owned by `Chat`, provided to components with `provideFiles`.
 */
import { unwrap, type AccessTokenSource, type Api } from '$api/client';
import type { Uploader } from './draft.svelte';
import { MediaTokens } from './media-token.svelte';
import type { StorageUsage } from './types';
import { sendFile, uploadFile, type UploadHandle, type UploadProgress } from './upload';

export interface FilesOptions {
	api: Api;
	tokens: AccessTokenSource;
	/** The server's origin; by default the page's own (see `createApi`). */
	baseUrl?: string;
	createXhr?: () => XMLHttpRequest;
}

export class Files implements Uploader {
	readonly media: MediaTokens;
	/** From `GET /api/account/storage`; null until loaded. */
	usage = $state.raw<StorageUsage | null>(null);

	private readonly api: Api;
	private readonly tokens: AccessTokenSource;
	private readonly baseUrl: string;
	private readonly createXhr?: () => XMLHttpRequest;

	constructor(options: FilesOptions) {
		this.api = options.api;
		this.tokens = options.tokens;
		this.baseUrl = (options.baseUrl ?? globalThis.location?.origin ?? '').replace(/\/+$/, '');
		this.createXhr = options.createXhr;
		this.media = new MediaTokens({
			baseUrl: this.baseUrl,
			fetchToken: () => unwrap(this.api.GET('/api/account/media-token'))
		});
	}

	start(): void {
		this.media.start();
		void this.loadUsage().catch(() => {});
	}

	stop(): void {
		this.media.stop();
	}

	get maxFileSize(): number | null {
		return this.usage?.max_file_size_bytes ?? null;
	}

	/** The URL of a file's content, readable by elements and links (null until a token). */
	fileUrl(fileId: string): string | null {
		return this.media.fileUrl(fileId);
	}

	/** The URL that saves a file rather than showing it (null until a token). */
	downloadUrl(fileId: string): string | null {
		return this.media.downloadUrl(fileId);
	}

	/** The URL of an image's small preview (null until a token). */
	thumbnailUrl(fileId: string): string | null {
		return this.media.thumbnailUrl(fileId);
	}

	upload(file: File, onprogress: (progress: UploadProgress) => void): UploadHandle {
		const handle = uploadFile({
			url: `${this.baseUrl}/api/files`,
			file,
			tokens: this.tokens,
			onprogress,
			createXhr: this.createXhr
		});
		// Usage follows without asking the server again (uploads come in bursts).
		handle.done.then(
			(stored) => this.used(stored.size),
			() => {}
		);
		return handle;
	}

	/**
	 * `PUT`s an image into a slot (`/api/account/avatar`, `/api/communities/{id}/icon`…),
	 * with progress. The slot's old image is freed: usage is read again afterwards.
	 */
	putImage<T>(
		path: string,
		file: File,
		accept: (body: unknown) => body is T,
		onprogress: (progress: UploadProgress) => void
	): UploadHandle<T> {
		const handle = sendFile({
			url: `${this.baseUrl}${path}`,
			method: 'PUT',
			file,
			accept,
			tokens: this.tokens,
			onprogress,
			createXhr: this.createXhr
		});
		handle.done.then(
			() => void this.loadUsage().catch(() => {}),
			() => {}
		);
		return handle;
	}

	/** Deletes an uploaded file; `size` (when known) comes off the usage shown. */
	async remove(fileId: string, size?: number): Promise<void> {
		await unwrap(this.api.DELETE('/api/files/{id}', { params: { path: { id: fileId } } }));
		if (size) this.used(-size);
	}

	private used(delta: number): void {
		if (this.usage) {
			this.usage = { ...this.usage, used_bytes: Math.max(0, this.usage.used_bytes + delta) };
		}
	}

	async loadUsage(): Promise<StorageUsage> {
		const usage = await unwrap(this.api.GET('/api/account/storage'));
		this.usage = usage;
		return usage;
	}
}
