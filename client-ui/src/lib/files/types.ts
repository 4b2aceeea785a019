/**
 * File uploads: the server's views, as the generated schema (`schema.d.ts`) has them.
 */
import type { Schemas } from '$api/client';
import type { Message } from '$lib/messages/merge';

/** How clients show a file: `image`, `video`, `audio` or `file`. */
export type FileKind = Schemas['FileKind'];

/**
 * An uploaded file, as `POST /api/files` answers and messages carry it. Its `name` is
 * shown as text only, never as markup.
 */
export type FileView = Schemas['FileView'];

/** A token for file URLs (`?token=`): elements such as `<img>` cannot send a bearer header. */
export type MediaToken = Schemas['MediaTokenView'];

/** The caller's stored bytes, quota (null: none) and the largest file accepted. */
export type StorageUsage = Schemas['StorageUsageView'];

/** The files sent with a message; older servers and old data have none. */
export function attachmentsOf(message: Message): FileView[] {
	return message.attachments ?? [];
}

/** A short text for a message without text of its own, e.g. "📎 photo.png" or "📎 3 files". */
export function messageSummary(message: Message): string {
	if (message.content.trim()) return message.content;
	const files = attachmentsOf(message);
	if (files.length === 0) return message.content;
	return files.length === 1 ? `📎 ${files[0]!.name}` : `📎 ${files.length} files`;
}
