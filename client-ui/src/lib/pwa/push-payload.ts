/**
 * The routing decisions of the service worker (src/service-worker.ts), kept pure so that
 * they are unit-tested: a push payload → the notification to show, and a notification
 * click → which window gets which app path. No DOM or service-worker globals here.
 *
 * Push payload contract (version 1), metadata only — never message text:
 * `{"v":1, "kind":"dm"|"mention"|"reply"|"keyword"|"message"|"meeting_reminder"|"test",
 *   "title":"Alice",
 *   "body":"sent you a direct message", "url":"/dm/<channelId>", "tag":"<channel id>",
 *   "message_id":"<uuid>"|null}`
 * `keyword`: a message with one of the user's keywords; `message`: any message of a
 * channel whose level is "all"; `test`: the settings page's test (url
 * "/settings/notifications").
 */

export const PUSH_KINDS = [
	'dm',
	'mention',
	'reply',
	'keyword',
	'message',
	'meeting_reminder',
	'test'
] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

export interface PushPayload {
	v: 1;
	kind: PushKind;
	title: string;
	body: string;
	url: string;
	tag: string;
	message_id: string | null;
}

/** What `registration.showNotification(title, options)` gets. */
export interface NotificationPlan {
	title: string;
	options: {
		body: string;
		tag?: string;
		icon: string;
		badge: string;
		data: { url: string };
	};
}

export const NOTIFICATION_ICON = '/icons/icon-192.png';
export const NOTIFICATION_BADGE = '/icons/badge-96.png';
/** Shown for a push that cannot be read: browsers penalise pushes that show nothing. */
export const GENERIC_TITLE = 'Chatalot';
export const GENERIC_BODY = 'New activity';

/** The message a notification click sends to an open window of the app. */
export const NAVIGATE_MESSAGE = 'chatalot:navigate';
export interface NavigateMessage {
	type: typeof NAVIGATE_MESSAGE;
	url: string;
}

const MAX_TITLE = 120;
const MAX_BODY = 300;
const MAX_TAG = 200;

/**
 * A same-origin app path, or "/" for anything else: absolute or protocol-relative URLs,
 * backslash tricks, control characters, API paths.
 */
export function safeAppPath(url: unknown): string {
	if (typeof url !== 'string' || url.length > 2048) return '/';
	if (!url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return '/';
	// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
	if (/[\u0000-\u001f\u007f\\]/.test(url)) return '/';
	let parsed: URL;
	try {
		parsed = new URL(url, 'https://app.invalid');
	} catch {
		return '/';
	}
	if (parsed.origin !== 'https://app.invalid') return '/';
	if (parsed.pathname === '/api' || parsed.pathname.startsWith('/api/')) return '/';
	return parsed.pathname + parsed.search + parsed.hash;
}

/** Reads a version-1 payload; null when it is not one. */
export function parsePushPayload(raw: unknown): PushPayload | null {
	let value: unknown = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			return null;
		}
	}
	if (typeof value !== 'object' || value === null) return null;
	const v = value as Record<string, unknown>;
	if (v.v !== 1) return null;
	if (typeof v.kind !== 'string' || !(PUSH_KINDS as readonly string[]).includes(v.kind))
		return null;
	if (typeof v.title !== 'string' || v.title.trim() === '') return null;
	if (typeof v.body !== 'string') return null;
	if (typeof v.url !== 'string') return null;
	if (v.tag !== undefined && v.tag !== null && typeof v.tag !== 'string') return null;
	if (v.message_id !== undefined && v.message_id !== null && typeof v.message_id !== 'string')
		return null;
	return {
		v: 1,
		kind: v.kind as PushKind,
		title: v.title,
		body: v.body,
		url: v.url,
		tag: typeof v.tag === 'string' ? v.tag : '',
		message_id: typeof v.message_id === 'string' ? v.message_id : null
	};
}

/** The notification for a push's data (its text; null or unreadable → a generic one). */
export function notificationFor(raw: unknown): NotificationPlan {
	const payload = parsePushPayload(raw);
	if (!payload) {
		return {
			title: GENERIC_TITLE,
			options: {
				body: GENERIC_BODY,
				icon: NOTIFICATION_ICON,
				badge: NOTIFICATION_BADGE,
				data: { url: '/' }
			}
		};
	}
	const tag = payload.tag.slice(0, MAX_TAG);
	return {
		title: payload.title.slice(0, MAX_TITLE),
		options: {
			body: payload.body.slice(0, MAX_BODY),
			...(tag ? { tag } : {}),
			icon: NOTIFICATION_ICON,
			badge: NOTIFICATION_BADGE,
			data: { url: safeAppPath(payload.url) }
		}
	};
}

/** The app path a clicked notification leads to (from its `data`). */
export function clickTarget(data: unknown): string {
	if (typeof data !== 'object' || data === null) return '/';
	return safeAppPath((data as { url?: unknown }).url);
}

/** The parts of a window client the click decision looks at. */
export interface WindowClientInfo {
	id: string;
	url: string;
	focused: boolean;
	visibilityState: DocumentVisibilityState;
}

export type ClickAction =
	{ kind: 'focus'; clientId: string; message: NavigateMessage } | { kind: 'open'; url: string };

/**
 * Where a click goes: an open window of the app (the focused one, else a visible one,
 * else the first) is focused and told to navigate, which keeps its state (SvelteKit
 * client-side routing); with none open, a new window opens at the path.
 */
export function chooseClickAction(
	clients: readonly WindowClientInfo[],
	origin: string,
	target: string
): ClickAction {
	const url = safeAppPath(target);
	const ours = clients.filter((client) => sameOrigin(client.url, origin));
	const client =
		ours.find((c) => c.focused) ?? ours.find((c) => c.visibilityState === 'visible') ?? ours[0];
	if (!client) return { kind: 'open', url };
	return { kind: 'focus', clientId: client.id, message: { type: NAVIGATE_MESSAGE, url } };
}

/** A page's side: the app path of a navigate message from the service worker, or null. */
export function navigateMessagePath(data: unknown): string | null {
	if (typeof data !== 'object' || data === null) return null;
	const message = data as { type?: unknown; url?: unknown };
	if (message.type !== NAVIGATE_MESSAGE || typeof message.url !== 'string') return null;
	const path = safeAppPath(message.url);
	return path === '/' && message.url !== '/' ? null : path;
}

function sameOrigin(url: string, origin: string): boolean {
	try {
		return new URL(url).origin === origin;
	} catch {
		return false;
	}
}
