/**
 * The desktop app's native commands (src-tauri/src/commands.rs), typed. Errors arrive
 * as `{code, message}` and are rethrown as {@link DesktopError}.
 */
import { invoke, isTauri } from '@tauri-apps/api/core';
import type { TokenSet } from '$lib/auth';

/** True inside the desktop app, false in a browser. */
export function isDesktop(): boolean {
	return isTauri();
}

export type ServerKind = 'remote' | 'host';

export interface SavedServer {
	/** Base URL, or {@link HOST_KEY} for the server this computer hosts. */
	url: string;
	name: string;
	kind: ServerKind;
}

export interface ServerList {
	servers: SavedServer[];
	current: string | null;
}

export interface HostSettings {
	port: number;
	lan: boolean;
}

export interface HostStatus {
	running: boolean;
	settings: HostSettings;
	local_url: string | null;
	share_url: string | null;
	setup_code: string | null;
	data_dir: string;
}

/** The saved-server key of this computer's own server. */
export const HOST_KEY = 'host:local';

export class DesktopError extends Error {
	constructor(
		readonly code: string,
		message: string
	) {
		super(message);
		this.name = 'DesktopError';
	}
}

/** Invokes a command; its `{code, message}` error becomes a {@link DesktopError}. */
export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
	try {
		return await invoke<T>(command, args);
	} catch (error) {
		if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
			throw new DesktopError(String(error.code), String(error.message));
		}
		throw new DesktopError('internal', String(error));
	}
}

export const desktop = {
	sessionLoad: (server: string) => call<TokenSet | null>('session_load', { server }),
	sessionSave: (server: string, tokens: TokenSet) => call<void>('session_save', { server, tokens }),
	sessionClear: (server: string) => call<void>('session_clear', { server }),
	keyringCheck: () => call<void>('keyring_check'),
	serversList: () => call<ServerList>('servers_list'),
	serverAdd: (url: string, name?: string) => call<ServerList>('server_add', { url, name }),
	serverSelect: (url: string) => call<ServerList>('server_select', { url }),
	serverRemove: (url: string) => call<ServerList>('server_remove', { url }),
	hostSettings: () => call<HostSettings>('host_settings'),
	hostStatus: () => call<HostStatus>('host_status'),
	hostStart: (settings?: HostSettings) => call<HostStatus>('host_start', { settings }),
	hostStop: () => call<HostStatus>('host_stop')
};
