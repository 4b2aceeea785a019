import { describe, expect, it, vi } from 'vitest';
import type { Api } from '$api/client';
import {
	decodeBase64Url,
	disablePush,
	enablePush,
	offeredPushKey,
	PushProblem,
	pushErrorMessage,
	pushSupported,
	subscribeProblem,
	vapidKey,
	type PushEnvironment
} from './push-subscription';

/** The test key pair's public half (docs: VAPID_PUBLIC_KEY). */
const PUBLIC_KEY =
	'BHEgzmyeX40vpD_j3r09EomzkP8WSquwTS_l97mF1LO0Xf35nJ7V71ZEdY09rB4mZXF2OolIp9vYuRiTWk0YlFk';

describe('decodeBase64Url', () => {
	it('decodes with and without padding, in the URL alphabet', () => {
		expect([...decodeBase64Url('AQID')]).toEqual([1, 2, 3]);
		expect([...decodeBase64Url('-_8')]).toEqual([0xfb, 0xff]);
		expect([...decodeBase64Url('-_8=')]).toEqual([0xfb, 0xff]);
		expect([...decodeBase64Url('')]).toEqual([]);
	});

	it('refuses anything else', () => {
		for (const text of ['a+b/', 'ab cd', 'A', 'é']) {
			expect(() => decodeBase64Url(text)).toThrow();
		}
	});
});

describe('vapidKey', () => {
	it('reads the server’s 65-byte uncompressed P-256 key', () => {
		const key = vapidKey(PUBLIC_KEY);
		expect(key).toHaveLength(65);
		expect(key[0]).toBe(4);
		expect(key[1]).toBe(0x71);
		expect(key.buffer).toBeInstanceOf(ArrayBuffer);
	});

	it('refuses keys of the wrong shape', () => {
		for (const text of [
			'',
			'AQID',
			`${PUBLIC_KEY.slice(0, -4)}`,
			`A${PUBLIC_KEY.slice(1)}`,
			'!!'
		]) {
			expect(() => vapidKey(text)).toThrow(PushProblem);
		}
	});
});

function fakeSubscription(endpoint = 'https://push.example/abc') {
	return {
		endpoint,
		options: { applicationServerKey: vapidKey(PUBLIC_KEY).buffer },
		toJSON: () => ({ endpoint, keys: { p256dh: 'p', auth: 'a' }, expirationTime: null }),
		unsubscribe: vi.fn(async () => true)
	};
}

function environment(
	options: {
		permission?: NotificationPermission;
		answer?: NotificationPermission;
		existing?: ReturnType<typeof fakeSubscription> | null;
		subscribe?: () => Promise<unknown>;
		registered?: boolean;
	} = {}
) {
	const subscription = fakeSubscription();
	const pushManager = {
		getSubscription: vi.fn(async () => options.existing ?? null),
		subscribe: vi.fn(options.subscribe ?? (async () => subscription))
	};
	const registration = { active: {}, pushManager };
	const env: PushEnvironment = {
		container: {
			getRegistration: async () => (options.registered === false ? undefined : registration),
			ready: Promise.resolve(registration)
		} as unknown as ServiceWorkerContainer,
		hasPushManager: true,
		notification: {
			permission: options.permission ?? 'default',
			requestPermission: vi.fn(async () => options.answer ?? 'granted')
		}
	};
	return { env, pushManager, subscription };
}

function fakeApi(status = 201, body: unknown = { id: 'd1', service: 'push.example' }) {
	const calls: { method: string; path: string; body?: unknown }[] = [];
	const call = (method: string) => async (path: string, init?: { body?: unknown }) => {
		calls.push({ method, path, body: init?.body });
		return {
			data: status < 300 ? body : undefined,
			error: status >= 300 ? body : undefined,
			response: new Response(null, { status })
		};
	};
	return { api: { POST: call('POST'), GET: call('GET') } as unknown as Api, calls };
}

describe('enablePush', () => {
	it('asks permission, subscribes with the key and registers the subscription', async () => {
		const { env, pushManager } = environment();
		const { api, calls } = fakeApi();
		const device = await enablePush(api, PUBLIC_KEY, env);
		expect(device.id).toBe('d1');
		expect(env.notification!.requestPermission).toHaveBeenCalled();
		expect(pushManager.subscribe).toHaveBeenCalledWith({
			userVisibleOnly: true,
			applicationServerKey: vapidKey(PUBLIC_KEY)
		});
		expect(calls).toEqual([
			{
				method: 'POST',
				path: '/api/account/push-subscriptions',
				body: {
					endpoint: 'https://push.example/abc',
					keys: { p256dh: 'p', auth: 'a' },
					expirationTime: null
				}
			}
		]);
	});

	it('says so when permission is denied, or the browser has no push service', async () => {
		const denied = environment({ answer: 'denied' });
		await expect(enablePush(fakeApi().api, PUBLIC_KEY, denied.env)).rejects.toMatchObject({
			code: 'denied'
		});
		expect(denied.pushManager.subscribe).not.toHaveBeenCalled();
		const noService = environment({
			permission: 'granted',
			subscribe: async () => Promise.reject(new DOMException('no push service', 'AbortError'))
		});
		await expect(enablePush(fakeApi().api, PUBLIC_KEY, noService.env)).rejects.toMatchObject({
			code: 'no_service'
		});
		const noWorker = environment({ registered: false });
		await expect(enablePush(fakeApi().api, PUBLIC_KEY, noWorker.env)).rejects.toMatchObject({
			code: 'no_worker'
		});
	});

	it('drops the subscription when the server has push turned off', async () => {
		const { env, subscription } = environment({ permission: 'granted' });
		const { api } = fakeApi(404, { code: 'push_disabled', message: 'off' });
		await expect(enablePush(api, PUBLIC_KEY, env)).rejects.toMatchObject({
			code: 'push_disabled'
		});
		expect(subscription.unsubscribe).toHaveBeenCalled();
	});

	it('keeps a subscription under the same key and replaces one under another', async () => {
		const same = fakeSubscription('https://push.example/same');
		const kept = environment({ permission: 'granted', existing: same });
		await enablePush(fakeApi().api, PUBLIC_KEY, kept.env);
		expect(kept.pushManager.subscribe).not.toHaveBeenCalled();
		const other = { ...fakeSubscription(), options: { applicationServerKey: new ArrayBuffer(65) } };
		const replaced = environment({ permission: 'granted', existing: other });
		await enablePush(fakeApi().api, PUBLIC_KEY, replaced.env);
		expect(other.unsubscribe).toHaveBeenCalled();
		expect(replaced.pushManager.subscribe).toHaveBeenCalled();
	});
});

describe('disablePush', () => {
	it('unsubscribes and tells the server the endpoint', async () => {
		const existing = fakeSubscription();
		const { env } = environment({ existing });
		const { api, calls } = fakeApi(204, undefined);
		await disablePush(api, env);
		expect(existing.unsubscribe).toHaveBeenCalled();
		expect(calls).toEqual([
			{
				method: 'POST',
				path: '/api/account/push-subscriptions/unsubscribe',
				body: { endpoint: existing.endpoint }
			}
		]);
	});
});

describe('support and errors', () => {
	it('needs a service worker, PushManager and Notification', () => {
		expect(pushSupported(environment().env)).toBe(true);
		expect(pushSupported({ ...environment().env, hasPushManager: false })).toBe(false);
		expect(pushSupported({ ...environment().env, container: undefined })).toBe(false);
		expect(pushSupported({ ...environment().env, notification: undefined })).toBe(false);
	});

	it('explains subscription failures', () => {
		expect(subscribeProblem(new DOMException('x', 'NotAllowedError')).code).toBe('denied');
		expect(subscribeProblem(new DOMException('x', 'NotSupportedError')).code).toBe('no_service');
		expect(subscribeProblem(new Error('boom')).message).toMatch(/boom/);
		expect(pushErrorMessage(new PushProblem('denied', 'Blocked.'))).toBe('Blocked.');
		expect(pushErrorMessage(new DOMException('x', 'AbortError'))).toMatch(/no push service/);
		expect(pushErrorMessage(new Error('x'))).toMatch(/went wrong/);
	});
});

describe('offeredPushKey', () => {
	const key =
		'BHEgzmyeX40vpD_j3r09EomzkP8WSquwTS_l97mF1LO0Xf35nJ7V71ZEdY09rB4mZXF2OolIp9vYuRiTWk0YlFk';

	it('offers push only when the server has it, outside the desktop app', () => {
		expect(offeredPushKey({ push_enabled: true, vapid_public_key: key }, false)).toBe(key);
		expect(offeredPushKey({ push_enabled: false, vapid_public_key: null }, false)).toBeNull();
		expect(offeredPushKey({ push_enabled: true, vapid_public_key: key }, true)).toBeNull();
		expect(offeredPushKey(null, false)).toBeNull();
	});
});
