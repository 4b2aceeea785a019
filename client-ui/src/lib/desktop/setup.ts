/**
 * Start-up in the desktop app: pick the server in use (or ask for one), start the
 * embedded server in host mode, and set up the page's session with the keyring-backed
 * TokenStore and the server's address. The web build never gets here.
 */
import { initSession } from '$lib/auth';
import {
	desktop,
	DesktopError,
	isDesktop,
	type HostStatus,
	type SavedServer,
	type ServerList
} from './commands';
import { KeyringTokenStore } from './keyring-token-store';

export interface DesktopState {
	servers: ServerList;
	/** The server in use; null when the user must choose one first. */
	current: SavedServer | null;
	/** Its base URL (for host mode: this computer's address of the embedded server). */
	baseUrl: string | null;
	host: HostStatus | null;
	/** Why the chosen server could not be used (e.g. no keyring, port taken). */
	error: DesktopError | null;
}

let prepared: Promise<DesktopState | null> | null = null;

/**
 * Null in a browser; otherwise prepares the desktop session before the app renders.
 * Runs once per page: switching servers reloads the page.
 */
export function prepareDesktop(): Promise<DesktopState | null> {
	prepared ??= prepare();
	return prepared;
}

async function prepare(): Promise<DesktopState | null> {
	if (!isDesktop()) return null;
	const servers = await desktop.serversList();
	const current = servers.servers.find((s) => s.url === servers.current) ?? null;
	const state: DesktopState = { servers, current, baseUrl: null, host: null, error: null };
	if (!current) return state;
	try {
		await desktop.keyringCheck();
		if (current.kind === 'host') {
			state.host = await desktop.hostStart();
			state.baseUrl = state.host.local_url;
		} else {
			state.baseUrl = current.url;
		}
	} catch (error) {
		state.error =
			error instanceof DesktopError ? error : new DesktopError('internal', String(error));
		state.current = null;
		return state;
	}
	initSession({ store: new KeyringTokenStore(current.url), baseUrl: state.baseUrl ?? undefined });
	return state;
}

/** Switches to another saved server: the page starts over with its session. */
export async function switchServer(url: string): Promise<void> {
	await desktop.serverSelect(url);
	location.assign('/');
}
