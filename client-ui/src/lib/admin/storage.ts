// Storage statistics for administrators: totals and the biggest users and communities,
// in units people read.
import type { Schemas } from '$api/client';
import { formatBytes } from '$lib/files/format';

export type StorageStats = Schemas['StorageStatsView'];
export type StorageTotal = Schemas['StorageTotalView'];

/** "0 bytes", "1.5 KB", "12 MB", "3.2 GB" (binary units, as file sizes read elsewhere). */
export function sizeText(bytes: number): string {
	return formatBytes(bytes);
}

export function filesText(count: number): string {
	return count === 1 ? '1 file' : `${count.toLocaleString('en-US')} files`;
}

/** Whole percent of all stored bytes that `bytes` is (0 when nothing is stored). */
export function shareOf(bytes: number, total: number): number {
	if (!(total > 0) || !(bytes > 0)) return 0;
	return Math.min(100, Math.round((bytes / total) * 100));
}

/** "12 files · 3.4 MB". */
export function totalText(total: Pick<StorageTotal, 'files' | 'bytes'>): string {
	return `${filesText(total.files)} · ${sizeText(total.bytes)}`;
}
