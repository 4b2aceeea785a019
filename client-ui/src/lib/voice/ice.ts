/** The ICE servers of a call (VOICE-3), with public STUN when the server cannot say. */
import { unwrap, type Api } from '$api/client';
import type { IceConfig } from './types';

export const FALLBACK_ICE: IceConfig = {
	ice_servers: [{ urls: ['stun:stun.l.google.com:19302'] }]
};

export async function fetchIceConfig(api: Api): Promise<IceConfig> {
	try {
		return await unwrap(api.GET('/api/account/turn-credentials'));
	} catch {
		return FALLBACK_ICE;
	}
}

/** Whether the configuration has a relay (its failures then explain broken calls). */
export function usesRelay(config: IceConfig): boolean {
	return config.ice_servers.some((server) =>
		server.urls.some((url) => url.startsWith('turn:') || url.startsWith('turns:'))
	);
}

/** The servers as `RTCPeerConnection` takes them. */
export function rtcIceServers(config: IceConfig): RTCIceServer[] {
	return config.ice_servers.map((server) => ({
		urls: server.urls,
		...(server.username ? { username: server.username } : {}),
		...(server.credential ? { credential: server.credential } : {})
	}));
}
