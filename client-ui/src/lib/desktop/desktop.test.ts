import { beforeEach, describe, expect, it, vi } from 'vitest';

const invoke = vi.fn();
let inTauri = true;
vi.mock('@tauri-apps/api/core', () => ({
	invoke: (command: string, args?: unknown) => invoke(command, args),
	isTauri: () => inTauri
}));
const initSession = vi.fn();
vi.mock('$lib/auth', () => ({ initSession: (options: unknown) => initSession(options) }));

const tokens = {
	sessionId: 's',
	accessToken: 'a',
	accessTokenExpiresAt: 1,
	refreshToken: 'r'
};

beforeEach(() => {
	vi.resetModules();
	invoke.mockReset();
	initSession.mockReset();
	inTauri = true;
	localStorage.clear();
});

describe('KeyringTokenStore', () => {
	it('keeps tokens per server through the session commands, never in web storage', async () => {
		const { KeyringTokenStore } = await import('./keyring-token-store');
		const store = new KeyringTokenStore('https://a.example');
		invoke.mockResolvedValueOnce(undefined);
		await store.save(tokens);
		expect(invoke).toHaveBeenLastCalledWith('session_save', {
			server: 'https://a.example',
			tokens
		});
		invoke.mockResolvedValueOnce(tokens);
		expect(await store.load()).toEqual(tokens);
		expect(invoke).toHaveBeenLastCalledWith('session_load', { server: 'https://a.example' });
		invoke.mockResolvedValueOnce(undefined);
		await store.clear();
		expect(invoke).toHaveBeenLastCalledWith('session_clear', { server: 'https://a.example' });
		expect(localStorage.length).toBe(0);
	});

	it('turns command errors into DesktopError with the code', async () => {
		const { KeyringTokenStore } = await import('./keyring-token-store');
		const { DesktopError } = await import('./commands');
		invoke.mockRejectedValueOnce({ code: 'keyring_unavailable', message: 'no OS keyring' });
		const failure = await new KeyringTokenStore('x').load().catch((e) => e);
		expect(failure).toBeInstanceOf(DesktopError);
		expect(failure).toMatchObject({ code: 'keyring_unavailable', message: 'no OS keyring' });
	});
});

describe('prepareDesktop', () => {
	it('does nothing in a browser', async () => {
		inTauri = false;
		const { prepareDesktop } = await import('./setup');
		expect(await prepareDesktop()).toBeNull();
		expect(invoke).not.toHaveBeenCalled();
		expect(initSession).not.toHaveBeenCalled();
	});

	it('asks for a server on first launch', async () => {
		invoke.mockResolvedValueOnce({ servers: [], current: null });
		const { prepareDesktop } = await import('./setup');
		const state = await prepareDesktop();
		expect(state?.current).toBeNull();
		expect(initSession).not.toHaveBeenCalled();
	});

	it('sets up the session of a remote server with the keyring store', async () => {
		const server = { url: 'https://a.example', name: 'A', kind: 'remote' };
		invoke.mockImplementation(async (command: string) =>
			command === 'servers_list' ? { servers: [server], current: server.url } : undefined
		);
		const { prepareDesktop } = await import('./setup');
		const { KeyringTokenStore } = await import('./keyring-token-store');
		const state = await prepareDesktop();
		expect(state?.baseUrl).toBe('https://a.example');
		const options = initSession.mock.calls[0]?.[0];
		expect(options.baseUrl).toBe('https://a.example');
		expect(options.store).toBeInstanceOf(KeyringTokenStore);
	});

	it('starts the embedded server in host mode and uses its local address', async () => {
		const server = { url: 'host:local', name: 'This computer', kind: 'host' };
		invoke.mockImplementation(async (command: string) => {
			if (command === 'servers_list') return { servers: [server], current: server.url };
			if (command === 'host_start')
				return { running: true, local_url: 'http://127.0.0.1:8787', share_url: null };
			return undefined;
		});
		const { prepareDesktop } = await import('./setup');
		const state = await prepareDesktop();
		expect(invoke).toHaveBeenCalledWith('host_start', { settings: undefined });
		expect(state?.baseUrl).toBe('http://127.0.0.1:8787');
		expect(initSession.mock.calls[0]?.[0].baseUrl).toBe('http://127.0.0.1:8787');
	});

	it('explains a missing keyring instead of starting', async () => {
		const server = { url: 'https://a.example', name: 'A', kind: 'remote' };
		invoke.mockImplementation(async (command: string) => {
			if (command === 'servers_list') return { servers: [server], current: server.url };
			if (command === 'keyring_check')
				throw { code: 'keyring_unavailable', message: 'no OS keyring is available' };
			return undefined;
		});
		const { prepareDesktop } = await import('./setup');
		const state = await prepareDesktop();
		expect(state?.current).toBeNull();
		expect(state?.error).toMatchObject({ code: 'keyring_unavailable' });
		expect(initSession).not.toHaveBeenCalled();
	});
});
