import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '$api/client';
import { alertBody, InAppAlerts, type AlertOutputs, type AlertSource } from './alerts';
import { DEFAULT_SETTINGS, type NotificationSettings } from './rules';
import { playNotificationSound } from './sound';
import { showBrowserNotification } from './browser-notification';

const SELF = 'u-self';

function message(overrides: Partial<Schemas['MessageView']> = {}): Schemas['MessageView'] {
	return {
		id: 'm1',
		channel_id: 'dm1',
		author: { id: 'u-bob', username: 'bob', display_name: 'Bob' },
		content: 'hi',
		created_at: '2026-12-05T12:00:00Z',
		deleted: false,
		mentions: [],
		mentions_everyone: false,
		mentions_here: false,
		reply_to_author_id: null,
		pinned: false,
		reactions: [],
		thread_reply_count: 0,
		...overrides
	} as Schemas['MessageView'];
}

function setup(
	options: { settings?: Partial<NotificationSettings>; hidden?: boolean; reading?: string } = {}
) {
	const sound = vi.fn();
	const notify = vi.fn<AlertOutputs['notify']>(() => true);
	const open = vi.fn();
	const source: AlertSource = {
		selfId: SELF,
		settings: () => ({ ...DEFAULT_SETTINGS, ...options.settings }),
		presence: () => 'online',
		communityOf: (id) => (id.startsWith('c') ? 'A' : null),
		channelName: () => 'general',
		reading: () => options.reading ?? null,
		pageHidden: () => options.hidden ?? false,
		open
	};
	const alerts = new InAppAlerts(source, { sound, notify, browserNotifications: true });
	return { alerts, sound, notify, open };
}

describe('InAppAlerts', () => {
	it('plays a sound for a DM, and shows a notification while hidden', () => {
		const visible = setup();
		expect(visible.alerts.consider(message())).toBe('sound');
		expect(visible.sound).toHaveBeenCalledOnce();
		expect(visible.notify).not.toHaveBeenCalled();

		const hidden = setup({ hidden: true });
		expect(hidden.alerts.consider(message())).toBe('notified');
		const notice = hidden.notify.mock.calls[0]![0];
		expect(notice).toMatchObject({ title: 'Bob', body: 'sent you a direct message', tag: 'dm1' });
		notice.onclick();
		expect(hidden.open).toHaveBeenCalledWith('/dm/dm1');
	});

	it('says nothing in the conversation on screen, or for what does not notify', () => {
		expect(setup({ reading: 'dm1' }).alerts.consider(message())).toBe('none');
		// A community channel notifies of mentions only, by default.
		const { alerts, sound } = setup({ hidden: true });
		expect(alerts.consider(message({ channel_id: 'c1' }))).toBe('none');
		expect(sound).not.toHaveBeenCalled();
	});

	it('opens the channel of a mention and honours the sound and desktop switches', () => {
		const { alerts, notify, open } = setup({ hidden: true, settings: { sounds: false } });
		const reply = message({ channel_id: 'c1', reply_to_id: 'mine', reply_to_author_id: SELF });
		expect(alerts.consider(reply)).toBe('notified');
		const notice = notify.mock.calls[0]![0];
		expect(notice.body).toBe('replied to you in #general');
		notice.onclick();
		expect(open).toHaveBeenCalledWith('/c/A/c1');
		const toOther = { ...reply, reply_to_author_id: 'u-other' };
		expect(setup({ hidden: true }).alerts.consider(toOther)).toBe('none');
		const quiet = setup({ hidden: true, settings: { sounds: false, desktop: false } });
		expect(quiet.alerts.consider(message())).toBe('none');
	});

	it('words each reason', () => {
		expect(alertBody('mention', 'ops')).toBe('mentioned you in #ops');
		expect(alertBody('keyword', null)).toBe('used one of your keywords in a channel');
		expect(alertBody('message', 'ops')).toBe('in #ops');
	});
});

describe('without browser support', () => {
	afterEach(() => vi.unstubAllGlobals());

	it('neither the sound nor a notification throws', () => {
		vi.stubGlobal('AudioContext', undefined);
		vi.stubGlobal('Notification', undefined);
		expect(() => playNotificationSound()).not.toThrow();
		expect(showBrowserNotification({ title: 't', body: 'b', tag: 'x', onclick: () => {} })).toBe(
			false
		);
	});

	it('a notification needs permission', () => {
		const created = vi.fn();
		class FakeNotification {
			static permission = 'denied';
			constructor() {
				created();
			}
		}
		vi.stubGlobal('Notification', FakeNotification);
		expect(showBrowserNotification({ title: 't', body: 'b', tag: 'x', onclick: () => {} })).toBe(
			false
		);
		FakeNotification.permission = 'granted';
		expect(showBrowserNotification({ title: 't', body: 'b', tag: 'x', onclick: () => {} })).toBe(
			true
		);
		expect(created).toHaveBeenCalledOnce();
	});
});
