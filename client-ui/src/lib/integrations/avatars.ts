/**
 * Avatars of bots and webhooks (`PUT`/`DELETE /api/bots/{id}/avatar`,
 * `/api/webhooks/{id}/avatar`, both `204`): the image-slot upload and removal of
 * `$lib/images`, with the server's refusals put in plain words.
 */
import type { Api } from '$api/client';
import { ApiError, errorMessage } from '$api/errors';
import type { Files } from '$lib/files/files.svelte';
import type { UploadHandle, UploadProgress } from '$lib/files/upload';
import { removeImage, setImage } from '$lib/images/slots';
import { formatMegabytes, imageSpec, type ImageTarget } from '$lib/images/targets';

export type AvatarTarget = Extract<ImageTarget, { owner: 'bot' | 'webhook' }>;

/** What just happened to an avatar: the picture uploaded (as cropped), or removed. */
export type AvatarChange = { kind: 'uploaded'; file: File } | { kind: 'removed' };

/** What went wrong with an avatar, in plain words (any other refusal: the server's). */
export function avatarError(error: unknown, target: AvatarTarget): string {
	if (!(error instanceof ApiError)) {
		return error instanceof Error ? error.message : errorMessage(error);
	}
	const limit = formatMegabytes(imageSpec(target).maxBytes);
	switch (error.code) {
		case 'file_too_large':
			return `The picture is too large: an avatar may be at most ${limit}.`;
		case 'image_too_large':
			return 'The picture has too many pixels. Use a smaller one.';
		case 'unsupported_file_type':
			return 'This file is not an image the server takes. Use a PNG, JPEG, GIF or WebP image.';
		case 'invalid_input':
			if (error.field === 'file') return 'This file is not a picture that can be read.';
			break;
	}
	if (error.status === 404) {
		return target.owner === 'bot' ? 'This bot no longer exists.' : 'This webhook no longer exists.';
	}
	if (error.status === 403) {
		return target.owner === 'bot'
			? 'Only the bot’s owner can change its avatar.'
			: 'You can no longer manage the webhooks of this channel.';
	}
	return errorMessage(error);
}

/**
 * Uploads the (cropped) picture as the avatar. The handle rejects with a plain `Error`
 * carrying {@link avatarError}'s sentence, or with `UploadAborted` when cancelled.
 */
export function uploadAvatar(
	files: Files,
	target: AvatarTarget,
	file: File,
	onprogress: (progress: UploadProgress) => void
): UploadHandle<null> {
	const handle = setImage(files, target, file, onprogress);
	return {
		done: handle.done.then(
			() => null,
			(error: unknown) => {
				throw error instanceof ApiError
					? new Error(avatarError(error, target), { cause: error })
					: error;
			}
		),
		abort: () => handle.abort()
	};
}

/** Removes the avatar (initials are shown again); throws an `Error` in plain words. */
export async function removeAvatar(api: Api, target: AvatarTarget): Promise<void> {
	try {
		await removeImage(api, target);
	} catch (error) {
		throw new Error(avatarError(error, target), { cause: error });
	}
}
