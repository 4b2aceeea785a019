/** Pure helpers for showing files: sizes, progress and preview boxes. */
import type { FileView } from './types';

const UNITS = ['KB', 'MB', 'GB', 'TB'] as const;

/**
 * A size for people, in binary units as most chat apps show them ("1.5 KB" is 1536
 * bytes): one decimal below 10, none above, "bytes" below 1 KB.
 */
export function formatBytes(bytes: number): string {
	if (!Number.isFinite(bytes) || bytes < 0) return '—';
	if (bytes < 1024) return `${Math.round(bytes)} ${Math.round(bytes) === 1 ? 'byte' : 'bytes'}`;
	let value = bytes;
	let unit = -1;
	do {
		value /= 1024;
		unit += 1;
	} while (value >= 1024 && unit < UNITS.length - 1);
	// 1023.96 KB rounds to "1024 KB"; say "1 MB" instead.
	if (value >= 10 && Math.round(value) >= 1024 && unit < UNITS.length - 1) {
		value /= 1024;
		unit += 1;
	}
	const text = value < 10 ? (Math.round(value * 10) / 10).toString() : Math.round(value).toString();
	return `${text} ${UNITS[unit]}`;
}

/** Whole percent of an upload, 0–100; 0 while the total is unknown. */
export function percent(loaded: number, total: number): number {
	if (!(total > 0) || !(loaded > 0)) return 0;
	return Math.min(100, Math.floor((loaded / total) * 100));
}

export interface Box {
	width: number;
	height: number;
}

/**
 * The size an image or video of `width`×`height` is shown at within `maxWidth`×
 * `maxHeight`, keeping its aspect ratio and never enlarged; null when the size is
 * unknown (then the element sizes itself once loaded).
 */
export function fitWithin(
	width: number | null | undefined,
	height: number | null | undefined,
	maxWidth: number,
	maxHeight: number
): Box | null {
	if (!width || !height || width <= 0 || height <= 0) return null;
	const scale = Math.min(1, maxWidth / width, maxHeight / height);
	return {
		width: Math.max(1, Math.round(width * scale)),
		height: Math.max(1, Math.round(height * scale))
	};
}

// Control characters, and the bidirectional overrides and isolates that can make
// "photo<U+202E>gnp.exe" read as "photoexe.png".
// eslint-disable-next-line no-control-regex -- matching them is the point
const UNSAFE_NAME_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A file name as shown to people (always as text): without invisible tricks. */
export function displayName(name: string): string {
	return name.replace(UNSAFE_NAME_CHARS, '').trim() || 'file';
}

/** Inline previews fit in this box (the viewer shows the original). */
export const PREVIEW_MAX_WIDTH = 400;
export const PREVIEW_MAX_HEIGHT = 300;

/** A guess at the height of a message's attachments, for rows not rendered yet. */
export function estimateAttachmentsHeight(files: readonly FileView[]): number {
	let height = 0;
	for (const file of files) {
		const box = fitWithin(file.width, file.height, PREVIEW_MAX_WIDTH, PREVIEW_MAX_HEIGHT);
		if (file.kind === 'image') height += box?.height ?? 200;
		else if (file.kind === 'video') height += (box?.height ?? 225) + 26;
		else if (file.kind === 'audio') height += 88;
		else height += 62;
		height += 6;
	}
	return height;
}
