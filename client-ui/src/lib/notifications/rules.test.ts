import { describe, expect, it } from 'vitest';
import type { Schemas } from '$api/client';
import {
	channelRule,
	DEFAULT_SETTINGS,
	doNotDisturb,
	FOREVER,
	keywordIn,
	keywordProblem,
	matchingKeyword,
	notifyReason,
	showsUnread,
	type NotificationSettings,
	type NotifyContext
} from './rules';

const SELF = 'u-self';
const NOW = Date.parse('2026-12-05T12:00:00Z');
const LATER = '2026-12-05T13:00:00Z';
const EARLIER = '2026-12-05T11:00:00Z';
const DM = { channelId: 'dm1', communityId: null };
const CHANNEL = { channelId: 'c1', communityId: 'A' };

function settings(overrides: Partial<NotificationSettings> = {}): NotificationSettings {
	return { ...DEFAULT_SETTINGS, ...overrides };
}

function scope(id: string, overrides: Partial<Schemas['ScopeNotificationView']> = {}) {
	return { id, level: null, muted_until: null, suppress_everyone: false, ...overrides };
}

function message(overrides: Partial<Schemas['MessageView']> = {}): Schemas['MessageView'] {
	return {
		id: 'm1',
		channel_id: 'c1',
		author: { id: 'u-bob', username: 'bob', display_name: 'Bob' },
		content: 'hello there',
		created_at: '2026-12-05T12:00:00Z',
		deleted: false,
		mentions: [],
		mentions_everyone: false,
		mentions_here: false,
		reply_to_id: null,
		reply_to_author_id: null,
		pinned: false,
		reactions: [],
		thread_reply_count: 0,
		...overrides
	} as Schemas['MessageView'];
}

function context(overrides: Partial<NotifyContext> = {}): NotifyContext {
	return { selfId: SELF, settings: settings(), place: CHANNEL, now: NOW, ...overrides };
}

describe('channelRule', () => {
	it('defaults to every message in DMs and mentions in community channels', () => {
		expect(channelRule(settings(), DM, NOW)).toEqual({
			level: 'all',
			inherited: 'all',
			muted: false,
			suppressEveryone: false
		});
		expect(channelRule(settings(), CHANNEL, NOW).level).toBe('mentions');
	});

	it('takes the community’s level, and the channel’s own over it', () => {
		const inCommunity = settings({ communities: [scope('A', { level: 'all' })] });
		expect(channelRule(inCommunity, CHANNEL, NOW)).toMatchObject({
			level: 'all',
			inherited: 'all'
		});
		const own = { ...inCommunity, channels: [scope('c1', { level: 'nothing' })] };
		expect(channelRule(own, CHANNEL, NOW)).toMatchObject({ level: 'nothing', inherited: 'all' });
		// Another community's setting does not count.
		expect(channelRule(inCommunity, { channelId: 'x', communityId: 'B' }, NOW).level).toBe(
			'mentions'
		);
		// A channel override without a level inherits.
		const muteOnly = settings({ channels: [scope('c1', { muted_until: EARLIER })] });
		expect(channelRule(muteOnly, CHANNEL, NOW).level).toBe('mentions');
	});

	it('mutes until the time passes, by the channel or its community', () => {
		expect(
			channelRule(settings({ channels: [scope('c1', { muted_until: LATER })] }), CHANNEL, NOW).muted
		).toBe(true);
		expect(
			channelRule(settings({ channels: [scope('c1', { muted_until: EARLIER })] }), CHANNEL, NOW)
				.muted
		).toBe(false);
		const community = settings({ communities: [scope('A', { muted_until: FOREVER })] });
		expect(channelRule(community, CHANNEL, NOW).muted).toBe(true);
		expect(channelRule(community, DM, NOW).muted).toBe(false);
	});

	it('suppresses @everyone by the channel or its community', () => {
		const s = settings({ communities: [scope('A', { suppress_everyone: true })] });
		expect(channelRule(s, CHANNEL, NOW).suppressEveryone).toBe(true);
		expect(channelRule(s, { channelId: 'x', communityId: 'B' }, NOW).suppressEveryone).toBe(false);
	});
});

describe('showsUnread', () => {
	it('hides muted channels and those at nothing', () => {
		expect(showsUnread(settings(), CHANNEL, NOW)).toBe(true);
		expect(
			showsUnread(settings({ channels: [scope('c1', { level: 'nothing' })] }), CHANNEL, NOW)
		).toBe(false);
		expect(
			showsUnread(settings({ communities: [scope('A', { level: 'nothing' })] }), CHANNEL, NOW)
		).toBe(false);
		expect(
			showsUnread(settings({ communities: [scope('A', { muted_until: LATER })] }), CHANNEL, NOW)
		).toBe(false);
		expect(
			showsUnread(settings({ channels: [scope('dm1', { muted_until: LATER })] }), DM, NOW)
		).toBe(false);
		expect(
			showsUnread(settings({ channels: [scope('dm1', { muted_until: EARLIER })] }), DM, NOW)
		).toBe(true);
	});
});

describe('doNotDisturb', () => {
	it('is on while dnd_until is ahead or the presence is dnd', () => {
		expect(doNotDisturb(settings(), 'online', NOW)).toBe(false);
		expect(doNotDisturb(settings({ dnd_until: LATER }), 'online', NOW)).toBe(true);
		expect(doNotDisturb(settings({ dnd_until: EARLIER }), 'online', NOW)).toBe(false);
		expect(doNotDisturb(settings(), 'dnd', NOW)).toBe(true);
		expect(doNotDisturb(settings({ dnd_until: 'not a date' }), null, NOW)).toBe(false);
	});
});

describe('keywordIn', () => {
	it('matches whole words, whatever the case', () => {
		expect(keywordIn('Deploy is done', 'deploy')).toBe(true);
		expect(keywordIn('the DEPLOY.', 'deploy')).toBe(true);
		expect(keywordIn('redeploy now', 'deploy')).toBe(false);
		expect(keywordIn('deployment', 'deploy')).toBe(false);
		expect(keywordIn('deploy2', 'deploy')).toBe(false);
		expect(keywordIn('(deploy)', 'deploy')).toBe(true);
		expect(keywordIn('deploy_x', 'deploy')).toBe(true);
		expect(keywordIn('redeploy, then deploy', 'deploy')).toBe(true);
		expect(keywordIn('anything', '  ')).toBe(false);
	});

	it('knows letters and digits of every script', () => {
		expect(keywordIn('Grüße an Jürgen', 'jürgen')).toBe(true);
		expect(keywordIn('Jürgens Auto', 'jürgen')).toBe(false);
		expect(keywordIn('éjürgen', 'jürgen')).toBe(false);
		expect(keywordIn('привет мир', 'МИР')).toBe(true);
		expect(keywordIn('мирный', 'мир')).toBe(false);
		expect(keywordIn('release٣', 'release')).toBe(false);
		// A letter outside the Basic Multilingual Plane (two UTF-16 units).
		expect(keywordIn('𝐀release', 'release')).toBe(false);
		expect(keywordIn('🚀release🚀', 'release')).toBe(true);
		expect(keywordIn('c++ rocks', 'c++')).toBe(true);
	});

	it('finds the first matching keyword', () => {
		expect(matchingKeyword('ship it', ['deploy', 'ship'])).toBe('ship');
		expect(matchingKeyword('shipping', ['ship'])).toBeNull();
	});
});

describe('notifyReason', () => {
	it('notifies of every DM message by default, but not of one’s own', () => {
		expect(notifyReason(message(), context({ place: DM }))).toBe('dm');
		expect(
			notifyReason(message({ author: { id: SELF } as never }), context({ place: DM }))
		).toBeNull();
		expect(notifyReason(message({ author: null }), context({ place: DM }))).toBeNull();
		expect(
			notifyReason(message(), context({ place: DM, blocked: (id) => id === 'u-bob' }))
		).toBeNull();
	});

	it('notifies of mentions only in community channels by default', () => {
		expect(notifyReason(message(), context())).toBeNull();
		expect(notifyReason(message({ mentions: [SELF] }), context())).toBe('mention');
		expect(notifyReason(message({ mentions_everyone: true }), context())).toBe('mention');
		expect(notifyReason(message({ mentions_here: true }), context())).toBe('mention');
		const words = settings({ keywords: ['hello'] });
		expect(notifyReason(message(), context({ settings: words }))).toBe('keyword');
	});

	it('notifies of everything at level all', () => {
		const all = settings({ communities: [scope('A', { level: 'all' })] });
		expect(notifyReason(message(), context({ settings: all }))).toBe('message');
	});

	it('treats a DM at mentions like the server: whatever notifies is the DM', () => {
		const s = settings({ channels: [scope('dm1', { level: 'mentions' })] });
		expect(notifyReason(message(), context({ place: DM, settings: s }))).toBeNull();
		expect(notifyReason(message({ mentions: [SELF] }), context({ place: DM, settings: s }))).toBe(
			'dm'
		);
	});

	it('counts @here as the server marked it, suppressible like @everyone', () => {
		const here = message({ content: 'hey @here, lunch?', mentions_here: true });
		expect(notifyReason(here, context())).toBe('mention');
		// The text alone does not count: the server leaves mentions_here false when the
		// author may not use @here (an ordinary member of a community).
		expect(notifyReason(message({ content: 'hey @here, lunch?' }), context())).toBeNull();
		const s = settings({ communities: [scope('A', { suppress_everyone: true })] });
		expect(notifyReason(here, context({ settings: s }))).toBeNull();
		expect(
			notifyReason(message({ mentions_here: true, mentions: [SELF] }), context({ settings: s }))
		).toBe('mention');
		// In a DM at "mentions", @here is a mention, so the DM notifies.
		const dm = settings({ channels: [scope('dm1', { level: 'mentions' })] });
		expect(notifyReason(here, context({ place: DM, settings: dm }))).toBe('dm');
	});

	it('notifies of replies to the user’s own messages, by the replied-to author', () => {
		const toMe = message({ reply_to_id: 'm0', reply_to_author_id: SELF });
		expect(notifyReason(toMe, context())).toBe('reply');
		expect(
			notifyReason(message({ reply_to_id: 'm0', reply_to_author_id: 'u-other' }), context())
		).toBeNull();
		// The replied-to message is gone (or its author's account): no reply to notify of.
		expect(notifyReason(message({ reply_to_id: 'm0' }), context())).toBeNull();
		// A mention outranks it; a suppressed @here leaves the reply.
		expect(notifyReason({ ...toMe, mentions: [SELF] }, context())).toBe('mention');
		const s = settings({ channels: [scope('c1', { suppress_everyone: true })] });
		expect(notifyReason({ ...toMe, mentions_here: true }, context({ settings: s }))).toBe('reply');
		// Never while muted, at nothing or from a blocked user.
		const muted = settings({ channels: [scope('c1', { muted_until: LATER })] });
		expect(notifyReason(toMe, context({ settings: muted }))).toBeNull();
		const nothing = settings({ communities: [scope('A', { level: 'nothing' })] });
		expect(notifyReason(toMe, context({ settings: nothing }))).toBeNull();
		expect(notifyReason(toMe, context({ blocked: (id) => id === 'u-bob' }))).toBeNull();
		// A reply in a DM at "mentions" notifies as the DM.
		const dm = settings({ channels: [scope('dm1', { level: 'mentions' })] });
		expect(notifyReason(toMe, context({ place: DM, settings: dm }))).toBe('dm');
	});

	it('ignores @everyone where suppressed, not direct mentions', () => {
		const s = settings({ channels: [scope('c1', { suppress_everyone: true })] });
		expect(notifyReason(message({ mentions_everyone: true }), context({ settings: s }))).toBeNull();
		expect(notifyReason(message({ mentions_here: true }), context({ settings: s }))).toBeNull();
		expect(notifyReason(message({ mentions: [SELF] }), context({ settings: s }))).toBe('mention');
	});

	it('stays silent at nothing, while muted and in do not disturb', () => {
		const mention = message({ mentions: [SELF] });
		const nothing = settings({ channels: [scope('c1', { level: 'nothing' })] });
		expect(notifyReason(mention, context({ settings: nothing }))).toBeNull();
		const muted = settings({ communities: [scope('A', { muted_until: LATER })] });
		expect(notifyReason(mention, context({ settings: muted }))).toBeNull();
		const mutedBefore = settings({ communities: [scope('A', { muted_until: EARLIER })] });
		expect(notifyReason(mention, context({ settings: mutedBefore }))).toBe('mention');
		expect(notifyReason(mention, context({ settings: settings({ dnd_until: LATER }) }))).toBeNull();
		expect(notifyReason(mention, context({ presence: 'dnd' }))).toBeNull();
		expect(notifyReason(mention, context({ presence: 'idle' }))).toBe('mention');
		const mutedDm = settings({ channels: [scope('dm1', { muted_until: FOREVER })] });
		expect(notifyReason(message(), context({ place: DM, settings: mutedDm }))).toBeNull();
	});
});

describe('keywordProblem', () => {
	it('checks length, duplicates and the count', () => {
		expect(keywordProblem('ok', [])).toBeNull();
		expect(keywordProblem(' a ', [])).toMatch(/at least 2/);
		expect(keywordProblem('x'.repeat(65), [])).toMatch(/at most 64/);
		expect(keywordProblem('x'.repeat(64), [])).toBeNull();
		expect(keywordProblem('Deploy', ['deploy'])).toMatch(/already/);
		expect(
			keywordProblem(
				'new',
				Array.from({ length: 25 }, (_, i) => `k${i}`)
			)
		).toMatch(/at most 25/);
		expect(keywordProblem('a\u0007b', [])).toMatch(/control/);
	});
});
