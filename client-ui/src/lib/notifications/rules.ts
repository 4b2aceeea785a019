/**
 * Who gets notified of what: notification levels and their inheritance, mutes, do not
 * disturb, @everyone suppression and keywords. Pure functions, the same rules as the
 * server's (which applies them to web push and to the unread list's mention counts).
 *
 * - A channel's level is its own, else (community channels) its community's, else the
 *   default: every message in direct messages, mentions in community channels.
 * - A channel is muted while its own or its community's `muted_until` is in the future;
 *   a muted channel, or one at "nothing", notifies nothing and shows nothing unread.
 */
import type { Schemas } from '$api/client';

export type NotificationLevel = Schemas['NotificationLevel'];
export type NotificationSettings = Schemas['NotificationSettingsView'];
export type ScopeSettings = Schemas['ScopeNotificationView'];
type MessageView = Schemas['MessageView'];

/** What the client assumes until the user's settings have loaded. */
export const DEFAULT_SETTINGS: NotificationSettings = {
	keywords: [],
	sounds: true,
	desktop: true,
	dnd_until: null,
	communities: [],
	channels: []
};

/** "Until I turn it back on": a mute far in the future (the server takes years ≤ 9999). */
export const FOREVER = '2999-12-31T00:00:00Z';

export const KEYWORDS_MAX = 25;
export const KEYWORD_MIN_LENGTH = 2;
export const KEYWORD_MAX_LENGTH = 64;

/** Where a channel is: its community, or null for a direct message. */
export interface ChannelPlace {
	channelId: string;
	communityId: string | null;
}

/** How one channel notifies, all inheritance resolved. */
export interface ChannelRule {
	level: NotificationLevel;
	/** The level it would have without its own setting (what "Default" means). */
	inherited: NotificationLevel;
	muted: boolean;
	suppressEveryone: boolean;
}

/** Why a message notifies. */
export type NotifyReason = 'dm' | 'mention' | 'reply' | 'keyword' | 'message';

export function scopeOf(
	settings: NotificationSettings,
	kind: 'community' | 'channel',
	id: string
): ScopeSettings | undefined {
	return (kind === 'community' ? settings.communities : settings.channels).find((s) => s.id === id);
}

/** Whether a time (RFC 3339, or null) is still ahead. */
export function inFuture(at: string | null | undefined, now: number): boolean {
	if (!at) return false;
	const time = Date.parse(at);
	return Number.isFinite(time) && time > now;
}

/** The level of a community's channels that set none themselves. */
export function communityLevel(settings: NotificationSettings, communityId: string) {
	return scopeOf(settings, 'community', communityId)?.level ?? 'mentions';
}

export function channelRule(
	settings: NotificationSettings,
	place: ChannelPlace,
	now: number
): ChannelRule {
	const own = scopeOf(settings, 'channel', place.channelId);
	const community = place.communityId
		? scopeOf(settings, 'community', place.communityId)
		: undefined;
	const inherited: NotificationLevel = place.communityId ? (community?.level ?? 'mentions') : 'all';
	return {
		level: own?.level ?? inherited,
		inherited,
		muted: inFuture(own?.muted_until, now) || inFuture(community?.muted_until, now),
		suppressEveryone: Boolean(own?.suppress_everyone || community?.suppress_everyone)
	};
}

/** Whether the channel shows its unread messages and mentions (not muted, not "nothing"). */
export function showsUnread(settings: NotificationSettings, place: ChannelPlace, now: number) {
	const rule = channelRule(settings, place, now);
	return !rule.muted && rule.level !== 'nothing';
}

/** Do not disturb: set until a time still ahead, or chosen as the presence. */
export function doNotDisturb(
	settings: NotificationSettings,
	presence: string | null | undefined,
	now: number
): boolean {
	return presence === 'dnd' || inFuture(settings.dnd_until, now);
}

/** Letters and digits of any script (the server's `char::is_alphanumeric`). */
const WORD_CHAR = /[\p{Alphabetic}\p{N}]/u;

/**
 * Whether `keyword` occurs in `text` as a whole word: case-insensitive, with no letter
 * or digit (any script) right before or after it.
 */
export function keywordIn(text: string, keyword: string): boolean {
	const needle = keyword.trim().toLowerCase();
	if (!needle) return false;
	const haystack = text.toLowerCase();
	for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
		const before = lastChar(haystack.slice(0, at));
		const after = firstChar(haystack.slice(at + needle.length));
		if (!WORD_CHAR.test(before) && !WORD_CHAR.test(after)) return true;
	}
	return false;
}

/** The first of the keywords found in the text, or null. */
export function matchingKeyword(text: string, keywords: readonly string[]): string | null {
	return keywords.find((keyword) => keywordIn(text, keyword)) ?? null;
}

/** The whole code point at either end (an astral letter is two UTF-16 units). */
function lastChar(text: string): string {
	return Array.from(text.slice(-2)).pop() ?? '';
}

function firstChar(text: string): string {
	return Array.from(text.slice(0, 2))[0] ?? '';
}

export interface NotifyContext {
	selfId: string;
	settings: NotificationSettings;
	place: ChannelPlace;
	now: number;
	/** The presence the user chose (`dnd` silences everything). */
	presence?: string | null;
	/** Users the user blocks. */
	blocked?: (userId: string) => boolean;
}

/** Why a new message notifies the user, or null when it does not. */
export function notifyReason(message: MessageView, context: NotifyContext): NotifyReason | null {
	const { selfId, settings, place, now } = context;
	const author = message.author?.id;
	if (!author || author === selfId || context.blocked?.(author)) return null;
	if (message.deleted) return null;
	if (doNotDisturb(settings, context.presence, now)) return null;
	const rule = channelRule(settings, place, now);
	if (rule.muted || rule.level === 'nothing') return null;
	const reason: NotifyReason | null = mentionsReader(message, selfId, rule.suppressEveryone)
		? 'mention'
		: message.reply_to_author_id === selfId
			? 'reply'
			: matchingKeyword(message.content, settings.keywords)
				? 'keyword'
				: null;
	// In a direct message, whatever notifies is the direct message.
	if (!place.communityId) return reason || rule.level === 'all' ? 'dm' : null;
	return reason ?? (rule.level === 'all' ? 'message' : null);
}

/**
 * Whether a message mentions the reader: by name, or by `@everyone`/`@channel` or `@here`
 * unless those are suppressed. `mentions_here` is only set when the author may use
 * `@here`; it reaches the readers online when it is sent, which is anyone receiving it
 * live.
 */
export function mentionsReader(
	message: Pick<MessageView, 'mentions' | 'mentions_everyone' | 'mentions_here'>,
	selfId: string,
	suppressEveryone: boolean
): boolean {
	if (message.mentions.includes(selfId)) return true;
	return Boolean(message.mentions_everyone || message.mentions_here) && !suppressEveryone;
}

/** What is wrong with a new keyword (null: fine). */
export function keywordProblem(keyword: string, existing: readonly string[]): string | null {
	const word = keyword.trim();
	const length = Array.from(word).length;
	if (length < KEYWORD_MIN_LENGTH)
		return `A keyword needs at least ${KEYWORD_MIN_LENGTH} characters.`;
	if (length > KEYWORD_MAX_LENGTH) return `A keyword has at most ${KEYWORD_MAX_LENGTH} characters.`;
	// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
	if (/[\u0000-\u001f\u007f]/.test(word)) return 'A keyword cannot contain control characters.';
	if (existing.some((k) => k.toLowerCase() === word.toLowerCase()))
		return 'That keyword is already on the list.';
	if (existing.length >= KEYWORDS_MAX) return `You can have at most ${KEYWORDS_MAX} keywords.`;
	return null;
}
