/** The server's `/api/account/preferences`, as the preferences store uses it. */
import { unwrap, type Api } from '$api/client';
import { fromWire, type Preferences } from './preferences';
import type { PreferencesSource } from './theme.svelte';

export function apiSource(api: Api): PreferencesSource {
	return {
		get: async () => fromWire(await unwrap(api.GET('/api/account/preferences'))),
		update: async (change: Partial<Preferences>) =>
			fromWire(await unwrap(api.PATCH('/api/account/preferences', { body: change })))
	};
}
