/**
 * One file upload (`POST /api/files`, or `PUT` of an image slot such as
 * `/api/account/avatar`; multipart with a `file` part) over XMLHttpRequest, which fetch
 * cannot replace yet: it reports upload progress and can be aborted. Authentication
 * follows the API client: the bearer token, one retry with a refreshed token after
 * `401 invalid_token`, and the session ends on `session_ended`.
 */
import { SESSION_GONE, type AccessTokenSource } from '$api/client';
import { ApiError } from '$api/errors';
import type { FileView } from './types';

export interface UploadProgress {
	/** Bytes sent so far (of the whole request, form framing included). */
	loaded: number;
	total: number;
}

export interface UploadHandle<T = FileView> {
	/** The server's answer (the stored file); rejects with {@link ApiError} or {@link UploadAborted}. */
	done: Promise<T>;
	abort(): void;
}

/** The upload was cancelled with `abort()`. */
export class UploadAborted extends Error {
	constructor() {
		super('upload cancelled');
		this.name = 'UploadAborted';
	}
}

export interface UploadOptions {
	/** Absolute URL of `/api/files` (or of an image slot) on the server. */
	url: string;
	file: File;
	tokens: AccessTokenSource;
	onprogress?: (progress: UploadProgress) => void;
	/** Tests pass a fake. */
	createXhr?: () => XMLHttpRequest;
}

interface RawResponse {
	status: number;
	body: string;
	retryAfter: string | null;
}

export interface SendFileOptions<T> extends UploadOptions {
	method: 'POST' | 'PUT';
	/** Whether the success answer has the expected shape. */
	accept: (body: unknown) => body is T;
}

/** `POST /api/files`: a file for a message. */
export function uploadFile(options: UploadOptions): UploadHandle {
	return sendFile({ ...options, method: 'POST', accept: isFileView });
}

export function sendFile<T>(options: SendFileOptions<T>): UploadHandle<T> {
	const createXhr = options.createXhr ?? (() => new XMLHttpRequest());
	let current: XMLHttpRequest | null = null;
	let aborted = false;
	let cancel: (() => void) | null = null;

	function send(token: string | null): Promise<RawResponse> {
		return new Promise((resolve, reject) => {
			if (aborted) return reject(new UploadAborted());
			const xhr = createXhr();
			current = xhr;
			cancel = () => reject(new UploadAborted());
			xhr.open(options.method, options.url);
			if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
			xhr.setRequestHeader('Accept', 'application/json');
			xhr.upload.onprogress = (event) => {
				if (event.lengthComputable) {
					options.onprogress?.({ loaded: event.loaded, total: event.total });
				}
			};
			xhr.onload = () =>
				resolve({
					status: xhr.status,
					body: xhr.responseText,
					retryAfter: xhr.getResponseHeader('Retry-After')
				});
			xhr.onerror = () => reject(aborted ? new UploadAborted() : ApiError.network());
			xhr.onabort = () => reject(new UploadAborted());
			const form = new FormData();
			form.append('file', options.file, options.file.name);
			xhr.send(form);
		});
	}

	async function run(): Promise<T> {
		const token = await options.tokens.accessToken();
		let response = await send(token);
		let code = unauthorizedCode(response);
		if (token && code === 'invalid_token') {
			// Expired or signed with a rotated key: refresh once and send again.
			const fresh = await options.tokens.refreshAfterRejection(token);
			if (fresh) {
				response = await send(fresh);
				code = unauthorizedCode(response);
			}
		}
		if (code && SESSION_GONE.has(code)) options.tokens.sessionRejected();
		const body = parseJson(response.body);
		if (response.status < 200 || response.status >= 300) {
			throw ApiError.fromBody(response.status, body, response.retryAfter);
		}
		if (!options.accept(body)) throw ApiError.fromBody(502, null);
		return body;
	}

	return {
		done: run(),
		abort() {
			if (aborted) return;
			aborted = true;
			current?.abort();
			// Whether or not the request had started, the promise settles as aborted.
			cancel?.();
		}
	};
}

function unauthorizedCode(response: RawResponse): string | null {
	if (response.status !== 401) return null;
	const body = parseJson(response.body);
	return body && typeof body === 'object' && typeof (body as { code?: unknown }).code === 'string'
		? (body as { code: string }).code
		: null;
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return null;
	}
}

function isFileView(value: unknown): value is FileView {
	const file = value as FileView | null;
	return (
		typeof file === 'object' &&
		file !== null &&
		typeof file.id === 'string' &&
		typeof file.name === 'string'
	);
}
