/** The icon for a file, by its kind (or, before the server said, its MIME type). */
import FileIcon from '@lucide/svelte/icons/file';
import FileArchive from '@lucide/svelte/icons/file-archive';
import FileText from '@lucide/svelte/icons/file-text';
import Film from '@lucide/svelte/icons/film';
import ImageIcon from '@lucide/svelte/icons/image';
import Music from '@lucide/svelte/icons/music';
import type { FileKind } from './types';

const ARCHIVES = /zip|tar|gzip|x-7z|x-rar|x-bzip|x-xz|zstd/;
const TEXTS = /^text\/|json|xml|pdf|msword|officedocument|opendocument|rtf/;

/** The kind the server will give a file of this MIME type (for files not uploaded yet). */
export function kindOf(contentType: string): FileKind {
	if (contentType.startsWith('image/')) return 'image';
	if (contentType.startsWith('video/')) return 'video';
	if (contentType.startsWith('audio/')) return 'audio';
	return 'file';
}

export function iconFor(kind: FileKind, contentType: string) {
	if (kind === 'image') return ImageIcon;
	if (kind === 'video') return Film;
	if (kind === 'audio') return Music;
	if (ARCHIVES.test(contentType)) return FileArchive;
	if (TEXTS.test(contentType)) return FileText;
	return FileIcon;
}
