import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import AttachmentChips from './AttachmentChips.svelte';
import { AttachmentDraft, type Uploader } from './draft.svelte';
import FileCard from './FileCard.svelte';
import type { FileView } from './types';
import type { UploadProgress } from './upload';

function stored(id: string, name: string): FileView {
	return {
		id,
		name,
		size: 2048,
		content_type: 'text/plain',
		kind: 'file',
		sha256: '',
		thumbnail: false,
		created_at: '2026-05-01T12:00:00Z'
	};
}

function setup() {
	const uploads: {
		onprogress: (p: UploadProgress) => void;
		resolve: (f: FileView) => void;
		abort: ReturnType<typeof vi.fn>;
	}[] = [];
	const uploader: Uploader = {
		maxFileSize: null,
		upload(_file, onprogress) {
			let resolve!: (f: FileView) => void;
			let reject!: (e: unknown) => void;
			const done = new Promise<FileView>((yes, no) => {
				resolve = yes;
				reject = no;
			});
			const abort = vi.fn(() => reject(new Error('aborted')));
			uploads.push({ onprogress, resolve, abort });
			return { done, abort };
		},
		remove: vi.fn(async () => {})
	};
	const draft = new AttachmentDraft(uploader);
	const onempty = vi.fn();
	render(AttachmentChips, { draft, onempty });
	return { draft, uploads, uploader, onempty, user: userEvent.setup() };
}

describe('AttachmentChips', () => {
	it('shows each file with an accessible progress bar, then as ready', async () => {
		const { draft, uploads } = setup();
		draft.add([new File([new Uint8Array(2048)], 'notes.txt', { type: 'text/plain' })]);
		await tick();
		const bar = screen.getByRole('progressbar', { name: 'Uploading notes.txt' });
		expect(bar).toHaveAttribute('aria-valuenow', '0');
		uploads[0]!.onprogress({ loaded: 1, total: 4 });
		await tick();
		expect(bar).toHaveAttribute('aria-valuenow', '25');
		expect(screen.getByRole('list', { name: 'Files to send' })).toHaveTextContent('2 KB');
		uploads[0]!.resolve(stored('f1', 'notes.txt'));
		await vi.waitFor(() => expect(screen.queryByRole('progressbar')).toBeNull());
		expect(screen.getByRole('listitem')).toHaveTextContent('Ready');
		expect(screen.getByRole('button', { name: 'Remove notes.txt' })).toBeInTheDocument();
	});

	it('cancels from the keyboard and moves focus to the next chip, then away', async () => {
		const { draft, uploads, uploader, onempty, user } = setup();
		draft.add([new File(['a'], 'a.txt'), new File(['b'], 'b.txt')]);
		uploads[1]!.resolve(stored('f-b', 'b.txt'));
		await vi.waitFor(() => screen.getByRole('button', { name: 'Remove b.txt' }));
		const cancel = screen.getByRole('button', { name: 'Cancel upload of a.txt' });
		cancel.focus();
		await user.keyboard('{Enter}');
		expect(uploads[0]!.abort).toHaveBeenCalled();
		await vi.waitFor(() =>
			expect(screen.getByRole('button', { name: 'Remove b.txt' })).toHaveFocus()
		);
		await user.keyboard('{Enter}');
		expect(uploader.remove).toHaveBeenCalledWith('f-b', 2048);
		await vi.waitFor(() => expect(onempty).toHaveBeenCalled());
		expect(screen.queryByRole('list')).toBeNull();
	});

	it('names hostile files as text', async () => {
		const { draft } = setup();
		draft.add([new File(['x'], '<img src=x onerror=alert(1)>.txt')]);
		await tick();
		expect(screen.getByRole('list')).toHaveTextContent('<img src=x onerror=alert(1)>.txt');
		expect(document.querySelector('img')).toBeNull();
	});
});

describe('FileCard', () => {
	it('shows the name as text, the size and a download link', () => {
		const file = stored('f1', '<b>bold</b>\u202e.txt');
		render(FileCard, { file, url: 'https://chat.test/api/files/f1?token=t' });
		const link = screen.getByRole('link', { name: 'Download <b>bold</b>.txt' });
		expect(link).toHaveAttribute('href', 'https://chat.test/api/files/f1?token=t');
		expect(link).toHaveAttribute('download', '<b>bold</b>.txt');
		expect(screen.getByText('<b>bold</b>.txt')).toBeInTheDocument();
		expect(screen.getByText('2 KB')).toBeInTheDocument();
		expect(document.querySelector('b')).toBeNull();
	});

	it('has no link until there is a media token', () => {
		render(FileCard, { file: stored('f1', 'a.txt'), url: null });
		expect(screen.queryByRole('link')).toBeNull();
	});
});
