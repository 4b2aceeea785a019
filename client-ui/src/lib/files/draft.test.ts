import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '$api/errors';
import {
	AttachmentDraft,
	MAX_ATTACHMENTS,
	uploadErrorMessage,
	type Uploader
} from './draft.svelte';
import type { FileView } from './types';
import { UploadAborted, type UploadProgress } from './upload';

interface Pending {
	file: File;
	onprogress: (progress: UploadProgress) => void;
	resolve: (stored: FileView) => void;
	reject: (error: unknown) => void;
	aborted: boolean;
}

function stored(id: string, size = 10): FileView {
	return {
		id,
		name: `${id}.txt`,
		size,
		content_type: 'text/plain',
		kind: 'file',
		sha256: '',
		thumbnail: false,
		created_at: '2026-05-01T12:00:00Z'
	};
}

function fakeUploader(maxFileSize: number | null = null) {
	const pending: Pending[] = [];
	const removed: string[] = [];
	const uploader: Uploader = {
		maxFileSize,
		upload(file, onprogress) {
			let entry!: Pending;
			const done = new Promise<FileView>((resolve, reject) => {
				entry = { file, onprogress, resolve, reject, aborted: false };
			});
			pending.push(entry);
			return {
				done,
				abort() {
					entry.aborted = true;
					entry.reject(new UploadAborted());
				}
			};
		},
		remove: vi.fn(async (id: string) => {
			removed.push(id);
		})
	};
	return { uploader, pending, removed };
}

const file = (name: string, size = 10, type = 'text/plain') =>
	new File([new Uint8Array(size)], name, { type });

describe('AttachmentDraft', () => {
	it('uploads each added file at once and follows its progress', async () => {
		const { uploader, pending } = fakeUploader();
		const draft = new AttachmentDraft(uploader);
		draft.add([file('a.txt'), file('b.png', 20, 'image/png')]);
		expect(pending.map((p) => p.file.name)).toEqual(['a.txt', 'b.png']);
		expect(draft.items.map((i) => [i.name, i.size, i.status])).toEqual([
			['a.txt', 10, 'uploading'],
			['b.png', 20, 'uploading']
		]);
		expect(draft.busy).toBe(true);
		expect(draft.ids).toEqual([]);

		pending[0]!.onprogress({ loaded: 30, total: 60 });
		expect(draft.items[0]!.progress).toBe(50);

		pending[0]!.resolve(stored('f-a'));
		await vi.waitFor(() =>
			// The chip now names the file as the server stored it.
			expect(draft.items[0]).toMatchObject({ status: 'uploaded', progress: 100, name: 'f-a.txt' })
		);
		expect(draft.ids).toEqual(['f-a']);
		expect(draft.busy).toBe(true);

		pending[1]!.resolve(stored('f-b'));
		await vi.waitFor(() => expect(draft.busy).toBe(false));
		expect(draft.ids).toEqual(['f-a', 'f-b']);
	});

	it('shows why an upload failed and leaves it out of the message', async () => {
		const { uploader, pending } = fakeUploader(5 * 1024 * 1024);
		const draft = new AttachmentDraft(uploader);
		draft.add([file('big.zip')]);
		pending[0]!.reject(
			new ApiError(413, { code: 'quota_exceeded', message: 'storage quota exceeded' })
		);
		await vi.waitFor(() =>
			expect(draft.items[0]).toMatchObject({
				status: 'failed',
				error: 'Not enough storage space left for this file.'
			})
		);
		expect(draft.busy).toBe(false);
		expect(draft.ids).toEqual([]);
	});

	it('refuses files over the known size limit without uploading them', () => {
		const { uploader, pending } = fakeUploader(1024);
		const draft = new AttachmentDraft(uploader);
		draft.add([file('huge.bin', 2048), file('small.txt', 100)]);
		expect(pending.map((p) => p.file.name)).toEqual(['small.txt']);
		expect(draft.items[0]).toMatchObject({
			status: 'failed',
			error: 'Too large: files can be up to 1 KB.'
		});
	});

	it('takes at most ten files and says so', () => {
		const { uploader, pending } = fakeUploader();
		const draft = new AttachmentDraft(uploader);
		draft.add(Array.from({ length: 8 }, (_, i) => file(`${i}.txt`)));
		expect(draft.notice).toBeNull();
		draft.add([file('8.txt'), file('9.txt'), file('10.txt'), file('11.txt')]);
		expect(draft.items).toHaveLength(MAX_ATTACHMENTS);
		expect(pending).toHaveLength(MAX_ATTACHMENTS);
		expect(draft.full).toBe(true);
		expect(draft.notice).toBe('A message can carry up to 10 files; 2 were left out.');
		draft.add([file('12.txt')]);
		expect(draft.notice).toBe('A message can carry up to 10 files; one was left out.');
	});

	it('cancels an upload that is removed', async () => {
		const { uploader, pending, removed } = fakeUploader();
		const draft = new AttachmentDraft(uploader);
		draft.add([file('a.txt')]);
		draft.remove(draft.items[0]!.key);
		expect(pending[0]!.aborted).toBe(true);
		await vi.waitFor(() => expect(draft.items).toEqual([]));
		expect(removed).toEqual([]);
	});

	it('deletes an uploaded file that is removed', async () => {
		const { uploader, pending, removed } = fakeUploader();
		const draft = new AttachmentDraft(uploader);
		draft.add([file('a.txt')]);
		pending[0]!.resolve(stored('f-a'));
		await vi.waitFor(() => expect(draft.items[0]!.status).toBe('uploaded'));
		draft.remove(draft.items[0]!.key);
		expect(removed).toEqual(['f-a']);
		expect(uploader.remove).toHaveBeenCalledWith('f-a', 10);
		expect(draft.ids).toEqual([]);
	});

	it('deletes a file the server stored just as it was removed', async () => {
		const { uploader, pending, removed } = fakeUploader();
		const draft = new AttachmentDraft(uploader);
		draft.add([file('a.txt')]);
		// Gone from the draft (without an abort reaching the request), then the answer comes.
		draft.items = [];
		pending[0]!.resolve(stored('f-late'));
		await vi.waitFor(() => expect(removed).toEqual(['f-late']));
	});

	it('forgets the files once sent, without deleting them', async () => {
		const { uploader, pending, removed } = fakeUploader();
		const draft = new AttachmentDraft(uploader);
		draft.add([file('a.txt')]);
		pending[0]!.resolve(stored('f-a'));
		await vi.waitFor(() => expect(draft.items[0]!.status).toBe('uploaded'));
		draft.clear();
		expect(draft.items).toEqual([]);
		expect(removed).toEqual([]);
	});

	it('discards everything when the conversation is left', async () => {
		const { uploader, pending, removed } = fakeUploader();
		const draft = new AttachmentDraft(uploader);
		draft.add([file('a.txt'), file('b.txt')]);
		pending[0]!.resolve(stored('f-a'));
		await vi.waitFor(() => expect(draft.items[0]!.status).toBe('uploaded'));
		draft.discard();
		expect(pending[1]!.aborted).toBe(true);
		expect(removed).toEqual(['f-a']);
		expect(draft.items).toEqual([]);
	});

	it('shows file names without control or direction characters', () => {
		const { uploader } = fakeUploader();
		const draft = new AttachmentDraft(uploader);
		draft.add([file('invoice\u202efdp.exe')]);
		expect(draft.items[0]!.name).toBe('invoicefdp.exe');
	});
});

describe('uploadErrorMessage', () => {
	it('explains the common refusals', () => {
		const tooLarge = new ApiError(413, { code: 'file_too_large', message: 'file too large' });
		expect(uploadErrorMessage(tooLarge, 25 * 1024 * 1024)).toBe(
			'Too large: files can be up to 25 MB.'
		);
		expect(uploadErrorMessage(tooLarge, null)).toBe('This file is too large.');
		expect(uploadErrorMessage(ApiError.network(), null)).toBe(
			'Upload failed: the server could not be reached.'
		);
	});

	it("passes the server's own sentence on otherwise", () => {
		const blocked = new ApiError(403, {
			code: 'file_blocked',
			message: 'executable files are not allowed'
		});
		expect(uploadErrorMessage(blocked, null)).toBe('Executable files are not allowed');
	});
});
