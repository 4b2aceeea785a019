import { beforeEach, describe, expect, it, vi } from 'vitest';
import { NAVIGATE_MESSAGE } from './push-payload';

const navigate = vi.fn(async (path: string) => void path);
vi.mock('$lib/navigation', () => ({ navigate: (path: string) => navigate(path) }));

const { startServiceWorker } = await import('./register');

function fakeContainer(register = vi.fn(async () => ({}) as ServiceWorkerRegistration)) {
	const target = new EventTarget();
	const container = Object.assign(target, {
		register,
		startMessages: vi.fn()
	}) as unknown as ServiceWorkerContainer;
	const send = (data: unknown) => target.dispatchEvent(new MessageEvent('message', { data }));
	return { container, register, send };
}

describe('startServiceWorker', () => {
	beforeEach(() => navigate.mockClear());

	it('registers the worker at the root and follows its navigate messages', async () => {
		const { container, register, send } = fakeContainer();
		const stop = startServiceWorker(container);
		expect(register).toHaveBeenCalledWith('/service-worker.js');
		expect(container.startMessages).toHaveBeenCalled();

		send({ type: NAVIGATE_MESSAGE, url: '/c/1/2' });
		expect(navigate).toHaveBeenCalledWith('/c/1/2');

		send({ type: NAVIGATE_MESSAGE, url: 'https://evil.example/' });
		send({ type: 'something-else', url: '/dm/1' });
		expect(navigate).toHaveBeenCalledTimes(1);

		stop();
		send({ type: NAVIGATE_MESSAGE, url: '/dm/1' });
		expect(navigate).toHaveBeenCalledTimes(1);
	});

	it('does nothing without service workers, and survives a failed registration', async () => {
		expect(() => startServiceWorker(undefined)()).not.toThrow();
		const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
		const { container } = fakeContainer(vi.fn(async () => Promise.reject(new Error('insecure'))));
		startServiceWorker(container);
		await vi.waitFor(() => expect(warn).toHaveBeenCalled());
	});
});
