/**
 * Web push on this device: subscribes the app's service worker (src/lib/pwa/register.ts)
 * with the browser's push service under the server's VAPID key, and tells the server
 * (`/api/account/push-subscriptions`). Every failure becomes a {@link PushProblem} whose
 * message says in plain words what went wrong and what to do.
 */
import { ApiError, errorMessage } from '$api/errors';
import { unwrap, type Api, type Schemas } from '$api/client';

export type PushDevice = Schemas['PushSubscriptionView'];

/** The browser and service-worker parts push needs (injectable for tests). */
export interface PushEnvironment {
	container: ServiceWorkerContainer | undefined;
	hasPushManager: boolean;
	notification: Pick<typeof Notification, 'permission' | 'requestPermission'> | undefined;
}

export class PushProblem extends Error {
	constructor(
		readonly code:
			| 'unsupported'
			| 'no_worker'
			| 'denied'
			| 'no_service'
			| 'bad_key'
			| 'push_disabled'
			| 'failed',
		message: string
	) {
		super(message);
		this.name = 'PushProblem';
	}
}

export function browserPush(): PushEnvironment {
	return {
		container: globalThis.navigator?.serviceWorker,
		hasPushManager: typeof globalThis.PushManager !== 'undefined',
		notification: typeof globalThis.Notification !== 'undefined' ? Notification : undefined
	};
}

/** Whether this browser can receive web push at all. */
export function pushSupported(env: PushEnvironment = browserPush()): boolean {
	return Boolean(env.container && env.hasPushManager && env.notification);
}

/** Decodes base64url (padding optional); throws on anything else. */
export function decodeBase64Url(text: string): Uint8Array<ArrayBuffer> {
	if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new Error('not base64url');
	const base64 = text.replace(/=+$/, '').replace(/-/g, '+').replace(/_/g, '/');
	if (base64.length % 4 === 1) throw new Error('not base64url');
	const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
	const bytes = new Uint8Array(new ArrayBuffer(binary.length));
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

/** The server's VAPID public key as `applicationServerKey`: an uncompressed P-256 point. */
export function vapidKey(text: string): Uint8Array<ArrayBuffer> {
	let key: Uint8Array<ArrayBuffer>;
	try {
		key = decodeBase64Url(text);
	} catch {
		throw badKey();
	}
	if (key.length !== 65 || key[0] !== 0x04) throw badKey();
	return key;
}

function badKey(): PushProblem {
	return new PushProblem(
		'bad_key',
		'The server’s push key is not valid. Ask your administrator to check VAPID_PUBLIC_KEY.'
	);
}

async function registration(env: PushEnvironment): Promise<ServiceWorkerRegistration> {
	if (!pushSupported(env)) {
		throw new PushProblem(
			'unsupported',
			'This browser cannot receive push notifications (or the page is not served over HTTPS).'
		);
	}
	const found = await env.container!.getRegistration();
	if (!found) {
		throw new PushProblem(
			'no_worker',
			'The app’s background worker is not running in this browser. Reload the page and try again.'
		);
	}
	return found.active ? found : env.container!.ready;
}

/** This browser's subscription, if it has one. */
export async function currentSubscription(
	env: PushEnvironment = browserPush()
): Promise<PushSubscription | null> {
	if (!pushSupported(env)) return null;
	const found = await env.container!.getRegistration();
	return (await found?.pushManager.getSubscription()) ?? null;
}

/**
 * Asks for permission, subscribes this browser and registers it with the server.
 * A subscription under another key (the server's key changed) is replaced.
 */
export async function enablePush(
	api: Api,
	publicKey: string,
	env: PushEnvironment = browserPush()
): Promise<PushDevice> {
	const key = vapidKey(publicKey);
	const reg = await registration(env);
	const permission =
		env.notification!.permission === 'granted'
			? 'granted'
			: await env.notification!.requestPermission();
	if (permission !== 'granted') throw deniedProblem();
	let subscription = await reg.pushManager.getSubscription();
	if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
		await subscription.unsubscribe().catch(() => false);
		subscription = null;
	}
	try {
		subscription ??= await reg.pushManager.subscribe({
			userVisibleOnly: true,
			applicationServerKey: key
		});
	} catch (error) {
		throw subscribeProblem(error);
	}
	try {
		return await unwrap(
			api.POST('/api/account/push-subscriptions', {
				body: subscription.toJSON() as Schemas['PushSubscriptionInput']
			})
		);
	} catch (error) {
		// The server does not know it: no use keeping it.
		await subscription.unsubscribe().catch(() => false);
		if (error instanceof ApiError && error.code === 'push_disabled') {
			throw new PushProblem('push_disabled', 'Push notifications are turned off on this server.');
		}
		throw error;
	}
}

/** Unsubscribes this browser and tells the server. */
export async function disablePush(api: Api, env: PushEnvironment = browserPush()): Promise<void> {
	const subscription = await currentSubscription(env);
	if (!subscription) return;
	const { endpoint } = subscription;
	await subscription.unsubscribe().catch(() => false);
	await unwrap(api.POST('/api/account/push-subscriptions/unsubscribe', { body: { endpoint } }));
}

export function deniedProblem(): PushProblem {
	return new PushProblem(
		'denied',
		'Notifications are blocked for this site. Allow them in your browser’s site settings, then try again.'
	);
}

/** What a failed `pushManager.subscribe` means for the user. */
export function subscribeProblem(error: unknown): PushProblem {
	const name = error instanceof Error || error instanceof DOMException ? error.name : '';
	if (name === 'NotAllowedError') return deniedProblem();
	if (name === 'AbortError' || name === 'NotSupportedError') {
		return new PushProblem(
			'no_service',
			'This browser has no push service available. Some browsers (or privacy settings) turn it off; try another browser.'
		);
	}
	return new PushProblem(
		'failed',
		`The browser could not subscribe to push notifications${error instanceof Error && error.message ? ` (${error.message})` : ''}.`
	);
}

/** A sentence for people about any failure of the functions here. */
export function pushErrorMessage(error: unknown): string {
	if (error instanceof PushProblem) return error.message;
	if (error instanceof DOMException) return subscribeProblem(error).message;
	return errorMessage(error);
}

function sameKey(current: ArrayBuffer | null, key: Uint8Array): boolean {
	if (!current) return false;
	const bytes = new Uint8Array(current);
	return bytes.length === key.length && bytes.every((b, i) => b === key[i]);
}

/** The devices of the user that receive pushes. */
export async function listDevices(api: Api): Promise<PushDevice[]> {
	return unwrap(api.GET('/api/account/push-subscriptions'));
}

export async function removeDevice(api: Api, id: string): Promise<void> {
	await unwrap(api.DELETE('/api/account/push-subscriptions/{id}', { params: { path: { id } } }));
}

/** Asks the server to push a test notification to all the user's devices. */
export async function sendTestPush(api: Api): Promise<void> {
	await unwrap(api.POST('/api/account/push-subscriptions/test'));
}

/**
 * The key to subscribe with, or null when the push section is not offered: the server
 * has no web push, or this is the desktop app (its notifications are the OS's own).
 */
export function offeredPushKey(
	config: { push_enabled: boolean; vapid_public_key?: string | null } | null | undefined,
	desktopApp: boolean
): string | null {
	if (!config?.push_enabled || desktopApp) return null;
	return config.vapid_public_key ?? null;
}
