import { describe, expect, it } from 'vitest';
import {
	chooseClickAction,
	clickTarget,
	GENERIC_BODY,
	GENERIC_TITLE,
	NAVIGATE_MESSAGE,
	navigateMessagePath,
	notificationFor,
	parsePushPayload,
	safeAppPath,
	type WindowClientInfo
} from './push-payload';

const ORIGIN = 'https://chat.example.org';

const dm = {
	v: 1,
	kind: 'dm',
	title: 'Alice',
	body: 'sent you a direct message',
	url: '/dm/0b6f3c52-94a1-4c47-9d0e-4e3f3e9b1a11',
	tag: '0b6f3c52-94a1-4c47-9d0e-4e3f3e9b1a11',
	message_id: '5d1e6a8e-2d7c-4f0a-9a77-3b1f0e4c2b99'
};

function client(overrides: Partial<WindowClientInfo> = {}): WindowClientInfo {
	return {
		id: 'c1',
		url: `${ORIGIN}/`,
		focused: false,
		visibilityState: 'hidden',
		...overrides
	};
}

describe('safeAppPath', () => {
	it('keeps same-origin app paths', () => {
		expect(safeAppPath('/dm/abc')).toBe('/dm/abc');
		expect(safeAppPath('/c/1/2')).toBe('/c/1/2');
		expect(safeAppPath('/meetings/m1?from=push#top')).toBe('/meetings/m1?from=push#top');
		expect(safeAppPath('/')).toBe('/');
	});

	it.each([
		['absolute URL', 'https://evil.example/dm/1'],
		['protocol-relative', '//evil.example/x'],
		['backslash', '/\\evil.example'],
		['inner backslash', '/c/\\evil'],
		['javascript:', 'javascript:alert(1)'],
		['relative', 'dm/abc'],
		['empty', ''],
		['control character', '/dm/a\nb'],
		['tab trick', '/\t/evil.example'],
		['API path', '/api/auth/logout'],
		['API root', '/api'],
		['not a string', 42],
		['null', null],
		['too long', `/${'a'.repeat(3000)}`]
	])('turns a %s into "/"', (_, url) => {
		expect(safeAppPath(url)).toBe('/');
	});

	it('normalises dot segments', () => {
		expect(safeAppPath('/c/../api/auth/logout')).toBe('/');
		expect(safeAppPath('/c/x/../y')).toBe('/c/y');
	});
});

describe('parsePushPayload', () => {
	it('reads the version-1 contract, from JSON text or a value', () => {
		expect(parsePushPayload(JSON.stringify(dm))).toEqual(dm);
		expect(parsePushPayload({ ...dm, message_id: null })).toEqual({ ...dm, message_id: null });
		for (const kind of ['mention', 'reply', 'keyword', 'message', 'meeting_reminder', 'test']) {
			expect(parsePushPayload({ ...dm, kind })?.kind).toBe(kind);
		}
	});

	it.each([
		['not JSON', '{"v":1,'],
		['null', null],
		['the JSON null', 'null'],
		['a number', '5'],
		['an array', '[]'],
		['an unknown version', { ...dm, v: 2 }],
		['no version', { ...dm, v: undefined }],
		['an unknown kind', { ...dm, kind: 'reaction' }],
		['a kind of another case', { ...dm, kind: 'DM' }],
		['an empty title', { ...dm, title: '  ' }],
		['a missing body', { ...dm, body: undefined }],
		['a non-string url', { ...dm, url: 7 }],
		['a non-string tag', { ...dm, tag: {} }],
		['a non-string message id', { ...dm, message_id: 3 }]
	])('rejects %s', (_, raw) => {
		expect(parsePushPayload(raw)).toBeNull();
	});
});

describe('notificationFor', () => {
	it('shows the title and body, tagged, with the app path to open', () => {
		expect(notificationFor(JSON.stringify(dm))).toEqual({
			title: 'Alice',
			options: {
				body: 'sent you a direct message',
				tag: dm.tag,
				icon: '/icons/icon-192.png',
				badge: '/icons/badge-96.png',
				data: { url: dm.url }
			}
		});
	});

	it('opens the notification settings from the test push', () => {
		const test = {
			...dm,
			kind: 'test',
			title: 'Chatalot',
			body: 'Push notifications work on this device.',
			url: '/settings/notifications',
			tag: 'test',
			message_id: null
		};
		expect(parsePushPayload(test)?.kind).toBe('test');
		expect(notificationFor(test).options.data.url).toBe('/settings/notifications');
	});

	it('leads a foreign or malformed url to the home page', () => {
		for (const url of ['https://evil.example/', '//evil.example', 'dm/1', '/api/x']) {
			expect(notificationFor({ ...dm, url }).options.data.url).toBe('/');
		}
	});

	it('shows a generic notification for a malformed or empty push', () => {
		for (const raw of [null, '', 'garbage', '{}', JSON.stringify({ ...dm, kind: 'x' })]) {
			const plan = notificationFor(raw);
			expect(plan.title).toBe(GENERIC_TITLE);
			expect(plan.options.body).toBe(GENERIC_BODY);
			expect(plan.options.data.url).toBe('/');
			expect(plan.options.tag).toBeUndefined();
		}
	});

	it('leaves out an empty tag and bounds long texts', () => {
		const plan = notificationFor({ ...dm, tag: '', title: 'T'.repeat(500), body: 'b'.repeat(900) });
		expect(plan.options.tag).toBeUndefined();
		expect(plan.title).toHaveLength(120);
		expect(plan.options.body).toHaveLength(300);
	});
});

describe('clickTarget', () => {
	it('reads the url of the notification data, safely', () => {
		expect(clickTarget({ url: '/c/1/2' })).toBe('/c/1/2');
		expect(clickTarget({ url: 'https://evil.example' })).toBe('/');
		expect(clickTarget(null)).toBe('/');
		expect(clickTarget('x')).toBe('/');
		expect(clickTarget({})).toBe('/');
	});
});

describe('chooseClickAction', () => {
	it('opens a new window when none of the app is open', () => {
		expect(chooseClickAction([], ORIGIN, '/dm/1')).toEqual({ kind: 'open', url: '/dm/1' });
		expect(chooseClickAction([client({ url: 'https://other.example/' })], ORIGIN, '/dm/1')).toEqual(
			{ kind: 'open', url: '/dm/1' }
		);
	});

	it('focuses an open window and tells it where to go', () => {
		expect(chooseClickAction([client()], ORIGIN, '/c/1/2')).toEqual({
			kind: 'focus',
			clientId: 'c1',
			message: { type: NAVIGATE_MESSAGE, url: '/c/1/2' }
		});
	});

	it('prefers the focused window, then a visible one', () => {
		const hidden = client({ id: 'hidden' });
		const visible = client({ id: 'visible', visibilityState: 'visible' });
		const focused = client({ id: 'focused', visibilityState: 'visible', focused: true });
		const pick = (clients: WindowClientInfo[]) => {
			const action = chooseClickAction(clients, ORIGIN, '/');
			return action.kind === 'focus' ? action.clientId : null;
		};
		expect(pick([hidden, visible, focused])).toBe('focused');
		expect(pick([hidden, visible])).toBe('visible');
		expect(pick([hidden])).toBe('hidden');
	});

	it('never sends a window to a foreign address', () => {
		expect(chooseClickAction([], ORIGIN, 'https://evil.example/')).toEqual({
			kind: 'open',
			url: '/'
		});
		const action = chooseClickAction([client()], ORIGIN, '//evil.example');
		expect(action.kind === 'focus' && action.message.url).toBe('/');
	});
});

describe('navigateMessagePath', () => {
	it('accepts the service worker’s navigate message', () => {
		expect(navigateMessagePath({ type: NAVIGATE_MESSAGE, url: '/dm/1' })).toBe('/dm/1');
		expect(navigateMessagePath({ type: NAVIGATE_MESSAGE, url: '/' })).toBe('/');
	});

	it('ignores other messages and unsafe paths', () => {
		expect(navigateMessagePath({ type: 'other', url: '/dm/1' })).toBeNull();
		expect(navigateMessagePath({ type: NAVIGATE_MESSAGE, url: 'https://evil.example' })).toBeNull();
		expect(navigateMessagePath({ type: NAVIGATE_MESSAGE, url: '//evil.example' })).toBeNull();
		expect(navigateMessagePath({ type: NAVIGATE_MESSAGE })).toBeNull();
		expect(navigateMessagePath('navigate')).toBeNull();
		expect(navigateMessagePath(null)).toBeNull();
	});
});
