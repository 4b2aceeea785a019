import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Schemas } from '$api/client';
import { ActivityFeed, FEED_SIZE, NOTIFICATION_BODY_MAX, activityFor } from './activity.svelte';
import { DesktopNotifier, osNotification, type NotifierSource } from './notifier';

const SELF = 'u-self';
const BOB = { id: 'u-bob', username: 'bob', display_name: 'Bob B.' };

function message(overrides: Partial<Schemas['MessageView']> = {}): Schemas['MessageView'] {
	return {
		id: crypto.randomUUID(),
		channel_id: 'c-general',
		author: BOB,
		content: 'hello',
		mentions: [],
		mentions_everyone: false,
		mentions_here: false,
		reply_to_author_id: null,
		created_at: '2026-11-28T12:00:00Z',
		...overrides
	} as Schemas['MessageView'];
}

/** A chat with one community channel and one DM; new DMs appear after a refresh. */
function source(dms: string[] = ['c-dm']) {
	const known = new Set(dms);
	const appearing = new Set<string>();
	let handler: ((m: Schemas['MessageView']) => void) | null = null;
	const src: NotifierSource & { emit(m: Schemas['MessageView']): void; appear(id: string): void } =
		{
			selfId: SELF,
			isDm: (id) => known.has(id),
			isCommunityChannel: (id) => id === 'c-general',
			refreshDms: vi.fn(async () => {
				for (const id of appearing) known.add(id);
			}),
			onMessage: (h) => {
				handler = h;
				return () => (handler = null);
			},
			emit: (m) => handler?.(m),
			appear: (id) => appearing.add(id)
		};
	return src;
}

describe('activityFor', () => {
	it('takes DMs and mentions of me, by name, @everyone or @here, and nothing else', () => {
		expect(activityFor(message({ channel_id: 'c-dm' }), SELF, true)?.kind).toBe('dm');
		expect(activityFor(message({ mentions: [SELF] }), SELF, false)?.kind).toBe('mention');
		expect(activityFor(message({ mentions_everyone: true }), SELF, false)?.kind).toBe('mention');
		expect(activityFor(message({ mentions_here: true }), SELF, false)?.kind).toBe('mention');
		// The text alone is not @here: the server marks an @here its author may use.
		expect(activityFor(message({ content: '@here' }), SELF, false)).toBeNull();
		expect(activityFor(message({ mentions: ['u-other'] }), SELF, false)).toBeNull();
		expect(activityFor(message(), SELF, false)).toBeNull();
		// My own messages, even in a DM, never notify me.
		expect(activityFor(message({ author: { ...BOB, id: SELF } }), SELF, true)).toBeNull();
		expect(activityFor(message({ author: null }), SELF, true)).toBeNull();
	});

	it('names the author by display name, falling back to the username', () => {
		const item = activityFor(message({ mentions: [SELF] }), SELF, false);
		expect(item?.author).toBe('Bob B.');
		const plain = activityFor(
			message({ author: { ...BOB, display_name: '' }, mentions: [SELF] }),
			SELF,
			false
		);
		expect(plain?.author).toBe('bob');
	});
});

describe('DesktopNotifier', () => {
	it('notifies DMs and mentions while the window is unfocused, once per message', async () => {
		const src = source();
		const feed = new ActivityFeed();
		const notify = vi.fn(async () => {});
		const notifier = new DesktopNotifier(src, feed, notify, () => false);
		notifier.start();

		const dm = message({ channel_id: 'c-dm', content: 'psst' });
		await notifier.consider(dm);
		await notifier.consider(dm); // delivered twice (e.g. after a resync): one notification
		await notifier.consider(message({ content: '@self look', mentions: [SELF] }));
		await notifier.consider(message({ content: 'chatter' }));

		expect(notify.mock.calls).toEqual([
			['Bob B.', 'psst'],
			['Bob B. mentioned you', '@self look']
		]);
		expect(feed.items.map((i) => i.kind)).toEqual(['mention', 'dm']);
	});

	it('lists but does not notify while the window has focus', async () => {
		const feed = new ActivityFeed();
		const notify = vi.fn(async () => {});
		await new DesktopNotifier(source(), feed, notify, () => true).consider(
			message({ channel_id: 'c-dm' })
		);
		expect(feed.items).toHaveLength(1);
		expect(notify).not.toHaveBeenCalled();
	});

	it('learns about a DM someone just started before deciding', async () => {
		const src = source([]);
		src.appear('c-new');
		const notify = vi.fn(async () => {});
		const feed = new ActivityFeed();
		const notifier = new DesktopNotifier(src, feed, notify, () => false);
		const stop = notifier.start();

		src.emit(message({ channel_id: 'c-new', content: 'hi there' }));
		await vi.waitFor(() => expect(notify).toHaveBeenCalledWith('Bob B.', 'hi there'));
		expect(src.refreshDms).toHaveBeenCalledTimes(1);

		// Community channels never need the DM list.
		await notifier.consider(message({ mentions: [SELF] }));
		expect(src.refreshDms).toHaveBeenCalledTimes(1);

		stop();
		src.emit(message({ channel_id: 'c-new', content: 'after stop' }));
		expect(feed.items.map((i) => i.content)).toEqual(['hello', 'hi there']);
	});

	it('keeps the newest items only', async () => {
		const feed = new ActivityFeed();
		const notifier = new DesktopNotifier(
			source(),
			feed,
			async () => {},
			() => true
		);
		for (let i = 0; i < FEED_SIZE + 5; i++) {
			await notifier.consider(message({ channel_id: 'c-dm', content: `m${i}` }));
		}
		expect(feed.items).toHaveLength(FEED_SIZE);
		expect(feed.items[0]?.content).toBe(`m${FEED_SIZE + 4}`);
	});
});

describe('osNotification', () => {
	afterEach(() => vi.unstubAllGlobals());

	it('shows a notification through the web Notification API that Tauri provides', async () => {
		const shown: unknown[][] = [];
		class FakeNotification {
			static permission = 'granted';
			constructor(...args: unknown[]) {
				shown.push(args);
			}
		}
		vi.stubGlobal('Notification', FakeNotification);
		await osNotification('Bob', 'x'.repeat(NOTIFICATION_BODY_MAX));
		expect(shown).toEqual([['Bob', { title: 'Bob', body: 'x'.repeat(NOTIFICATION_BODY_MAX) }]]);
	});

	it('shows nothing when permission is denied, and never throws', async () => {
		const shown: unknown[] = [];
		class DeniedNotification {
			static permission = 'denied';
			constructor() {
				shown.push(1);
			}
		}
		vi.stubGlobal('Notification', DeniedNotification);
		await expect(osNotification('Bob', 'hi')).resolves.toBeUndefined();
		expect(shown).toEqual([]);
		vi.stubGlobal('Notification', undefined);
		await expect(osNotification('Bob', 'hi')).resolves.toBeUndefined();
	});
});
