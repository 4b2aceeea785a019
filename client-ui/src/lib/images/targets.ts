/**
 * The image slots of the server (`docs/api.md`): a user's avatar and banner, a
 * community's and a group's icon and banner, a bot's and a webhook's avatar. Each has
 * its shape, the size the cropper produces, the largest upload the server takes, and
 * its address.
 */
import type { Size } from './crop';

export type ImageTarget =
	| { owner: 'user'; slot: 'avatar' | 'banner' }
	| { owner: 'community'; id: string; slot: 'icon' | 'banner' }
	| { owner: 'group'; id: string; slot: 'icon' | 'banner' }
	| { owner: 'bot'; id: string; slot: 'avatar' }
	/** What the webhook's messages show (the avatar of its bot account). */
	| { owner: 'webhook'; id: string; slot: 'avatar' };

export interface ImageSpec {
	/** Width over height of the crop. */
	aspect: number;
	/** What the cropper makes (smaller images are not enlarged). */
	output: Size;
	/** The largest file the server takes for the slot. */
	maxBytes: number;
	/** Avatars are shown in circles: the cropper shows the circle. */
	round: boolean;
}

const MB = 1024 * 1024;

const SQUARE: Omit<ImageSpec, 'round'> = {
	aspect: 1,
	output: { width: 512, height: 512 },
	maxBytes: 5 * MB
};
const BANNER: ImageSpec = {
	aspect: 3,
	output: { width: 1500, height: 500 },
	maxBytes: 10 * MB,
	round: false
};

/** The types the server takes for every slot. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
/** Larger pictures are refused before decoding: the browser would hold all their pixels. */
export const MAX_SOURCE_BYTES = 40 * MB;

export function imageSpec(target: ImageTarget): ImageSpec {
	if (target.slot === 'banner') return BANNER;
	return { ...SQUARE, round: target.slot === 'avatar' };
}

/** The slot's address: `PUT` sets it, `DELETE` empties it. */
export function imagePath(target: ImageTarget): string {
	switch (target.owner) {
		case 'user':
			return `/api/account/${target.slot}`;
		case 'community':
			return `/api/communities/${encodeURIComponent(target.id)}/${target.slot}`;
		case 'group':
			return `/api/groups/${encodeURIComponent(target.id)}/${target.slot}`;
		case 'bot':
			return `/api/bots/${encodeURIComponent(target.id)}/avatar`;
		case 'webhook':
			return `/api/webhooks/${encodeURIComponent(target.id)}/avatar`;
	}
}

/** "avatar", "community icon", "group banner"… for labels and messages. */
export function imageNoun(target: ImageTarget): string {
	if (target.slot === 'avatar') return 'avatar';
	if (target.owner === 'user') return 'profile banner';
	return `${target.owner} ${target.slot}`;
}

export function formatMegabytes(bytes: number): string {
	return `${Math.round(bytes / MB)} MB`;
}

/**
 * Why a picked file cannot be used (null: it can). The size limit applies to what is
 * uploaded: a cropped picture is re-encoded smaller, a GIF goes up as it is.
 */
export function imageFileProblem(file: { size: number; type: string }): string | null {
	if (file.size === 0) return 'The file is empty.';
	if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) {
		return 'Use a PNG, JPEG, GIF or WebP image.';
	}
	if (file.size > MAX_SOURCE_BYTES) {
		return `The image is larger than ${formatMegabytes(MAX_SOURCE_BYTES)}.`;
	}
	return null;
}

/** Why a file is too large to upload as it is, or null. */
export function uploadSizeProblem(size: number, spec: ImageSpec): string | null {
	return size > spec.maxBytes
		? `The image is larger than ${formatMegabytes(spec.maxBytes)}.`
		: null;
}
