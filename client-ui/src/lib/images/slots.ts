/**
 * Setting and emptying image slots. Uploads go over XMLHttpRequest for their progress
 * (`Files.putImage`); removals through the typed API client. Each answers with the
 * owner's new view: the user's profile, the community or the group; a bot's and a
 * webhook's avatar answer `204 No Content` (null here).
 */
import { unwrap, type Api, type Schemas, type UserProfile } from '$api/client';
import type { Files } from '$lib/files/files.svelte';
import type { UploadHandle, UploadProgress } from '$lib/files/upload';
import { imagePath, type ImageTarget } from './targets';

interface Views {
	user: UserProfile;
	community: Schemas['CommunityView'];
	group: Schemas['GroupView'];
	bot: null;
	webhook: null;
}

/** What setting or emptying the slot of `T` answers. */
export type ImageOwnerView<T extends ImageTarget> = Views[T['owner']];

function isView<T extends ImageTarget>(body: unknown): body is ImageOwnerView<T> {
	return (
		typeof body === 'object' && body !== null && typeof (body as { id?: unknown }).id === 'string'
	);
}

/** A `204 No Content`, whose empty body reads as null. */
function isNothing<T extends ImageTarget>(body: unknown): body is ImageOwnerView<T> {
	return body === null;
}

/** Uploads `file` into the slot (the server checks type and size again). */
export function setImage<T extends ImageTarget>(
	files: Files,
	target: T,
	file: File,
	onprogress: (progress: UploadProgress) => void
): UploadHandle<ImageOwnerView<T>> {
	const accept = target.owner === 'bot' || target.owner === 'webhook' ? isNothing<T> : isView<T>;
	return files.putImage(imagePath(target), file, accept, onprogress);
}

/** Empties the slot; its file is deleted by the server. */
export async function removeImage<T extends ImageTarget>(
	api: Api,
	target: T
): Promise<ImageOwnerView<T>> {
	return (await removeAny(api, target)) as ImageOwnerView<T>;
}

async function removeAny(api: Api, target: ImageTarget) {
	switch (target.owner) {
		case 'user':
			return unwrap(
				target.slot === 'avatar'
					? api.DELETE('/api/account/avatar')
					: api.DELETE('/api/account/banner')
			);
		case 'community': {
			const params = { params: { path: { community_id: target.id } } };
			return unwrap(
				target.slot === 'icon'
					? api.DELETE('/api/communities/{community_id}/icon', params)
					: api.DELETE('/api/communities/{community_id}/banner', params)
			);
		}
		case 'group': {
			const params = { params: { path: { group_id: target.id } } };
			return unwrap(
				target.slot === 'icon'
					? api.DELETE('/api/groups/{group_id}/icon', params)
					: api.DELETE('/api/groups/{group_id}/banner', params)
			);
		}
		case 'bot':
		case 'webhook': {
			const params = { params: { path: { id: target.id } } };
			await unwrap(
				target.owner === 'bot'
					? api.DELETE('/api/bots/{id}/avatar', params)
					: api.DELETE('/api/webhooks/{id}/avatar', params)
			);
			return null;
		}
	}
}
