/**
 * The server calls behind each moderation action. Failures throw `ApiError` with the
 * server's `{code, message}` (e.g. `target_outranks_you`), for the dialog to show.
 */
import { unwrap, type Api } from '$api/client';
import type { ModerationAction } from './moderation';

export interface ModerationInput {
	/** Optional, except for a warning. */
	reason: string;
	/** For a timeout. */
	durationSecs: number;
}

export async function applyModeration(
	api: Api,
	communityId: string,
	userId: string,
	action: ModerationAction,
	input: ModerationInput
): Promise<void> {
	const params = { path: { community_id: communityId, user_id: userId } };
	const reason = input.reason.trim() || null;
	switch (action) {
		case 'warn':
			await unwrap(
				api.POST('/api/communities/{community_id}/members/{user_id}/warnings', {
					params,
					body: { reason: input.reason.trim() }
				})
			);
			return;
		case 'timeout':
			await unwrap(
				api.PUT('/api/communities/{community_id}/members/{user_id}/timeout', {
					params,
					body: { duration_secs: input.durationSecs, reason }
				})
			);
			return;
		case 'end-timeout':
			await unwrap(
				api.DELETE('/api/communities/{community_id}/members/{user_id}/timeout', { params })
			);
			return;
		case 'kick':
			await unwrap(
				api.POST('/api/communities/{community_id}/members/{user_id}/kick', {
					params,
					body: { reason }
				})
			);
			return;
		case 'ban':
			await unwrap(
				api.PUT('/api/communities/{community_id}/bans/{user_id}', { params, body: { reason } })
			);
			return;
	}
}
