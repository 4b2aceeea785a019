import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '$api/client';
import { fetchIceConfig } from './ice';
import { IceServers } from './ice-servers';

vi.mock('./ice', () => ({ fetchIceConfig: vi.fn() }));

function config(name: string, expiresInMs: number | null) {
	return {
		ice_servers: [{ urls: [`turn:${name}`], username: 'u', credential: 'c' }],
		expires_at: expiresInMs === null ? null : new Date(Date.now() + expiresInMs).toISOString()
	};
}

describe('IceServers', () => {
	beforeEach(() => {
		vi.useFakeTimers();
		vi.mocked(fetchIceConfig).mockReset();
	});
	afterEach(() => vi.useRealTimers());

	it('renews TURN credentials before they expire', async () => {
		vi.mocked(fetchIceConfig)
			.mockResolvedValueOnce(config('first', 3_600_000))
			.mockResolvedValueOnce(config('second', 3_600_000));
		const renewed = vi.fn();
		const ice = new IceServers({} as Api, renewed);
		await ice.load();
		expect(ice.config?.ice_servers[0]!.urls).toEqual(['turn:first']);
		await vi.advanceTimersByTimeAsync(0.8 * 3_600_000 - 1000);
		expect(renewed).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(1000);
		expect(renewed).toHaveBeenCalledWith(
			expect.objectContaining({ ice_servers: expect.any(Array) })
		);
		expect(ice.config?.ice_servers[0]!.urls).toEqual(['turn:second']);
	});

	it('keeps nothing after the call ended, not even an answer still on its way', async () => {
		let answer: (value: ReturnType<typeof config>) => void = () => {};
		vi.mocked(fetchIceConfig).mockReturnValueOnce(new Promise((done) => (answer = done)));
		const renewed = vi.fn();
		const ice = new IceServers({} as Api, renewed);
		const loading = ice.load();
		ice.stop();
		answer(config('late', 120_000));
		await loading;
		expect(ice.config).toBeNull();
		await vi.advanceTimersByTimeAsync(600_000);
		expect(renewed).not.toHaveBeenCalled();
	});

	it('does not renew what does not expire (public STUN)', async () => {
		vi.mocked(fetchIceConfig).mockResolvedValueOnce(config('stun', null));
		const renewed = vi.fn();
		const ice = new IceServers({} as Api, renewed);
		await ice.load();
		await vi.advanceTimersByTimeAsync(86_400_000);
		expect(renewed).not.toHaveBeenCalled();
		expect(fetchIceConfig).toHaveBeenCalledTimes(1);
	});
});
