/**
 * The signed-in user's notification settings (`GET /api/account/notifications`), kept
 * current from the answers to this device's changes and from `notification_settings_updated`
 * (the other devices' changes). A clock moves when a mute or do-not-disturb ends, so that
 * what depends on it (unread badges, menus) follows without polling.
 */
import { unwrap, type Api, type Schemas } from '$api/client';
import {
	channelRule,
	DEFAULT_SETTINGS,
	inFuture,
	scopeOf,
	showsUnread,
	type ChannelPlace,
	type NotificationSettings
} from './rules';

export type ScopeInput = Schemas['ScopeNotificationInput'];
export type SettingsUpdate = Schemas['UpdateNotificationSettings'];
export type ScopeKind = 'community' | 'channel';

/** Timers longer than this overflow (about 24.8 days): re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class NotificationPrefs {
	settings = $state.raw<NotificationSettings>(DEFAULT_SETTINGS);
	loaded = $state(false);
	/** The time the rules are applied at; moves when a mute or do-not-disturb ends. */
	now = $state(Date.now());
	private readonly api: Api;
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(api: Api) {
		this.api = api;
	}

	async load(): Promise<void> {
		this.apply(await unwrap(this.api.GET('/api/account/notifications')));
	}

	/** Takes a full view (an answer of the server, or its event). */
	apply(settings: NotificationSettings): void {
		this.settings = settings;
		this.loaded = true;
		this.tick();
	}

	async update(update: SettingsUpdate): Promise<void> {
		this.apply(await unwrap(this.api.PATCH('/api/account/notifications', { body: update })));
	}

	/** Sets (or, with all defaults, removes) the settings of one community or channel. */
	async setScope(kind: ScopeKind, id: string, input: ScopeInput): Promise<void> {
		const params = { params: { path: { id } }, body: input };
		this.apply(
			await unwrap(
				kind === 'community'
					? this.api.PUT('/api/account/notifications/communities/{id}', params)
					: this.api.PUT('/api/account/notifications/channels/{id}', params)
			)
		);
	}

	/** Changes some fields of a scope's settings, keeping the others. */
	async changeScope(kind: ScopeKind, id: string, change: Partial<ScopeInput>): Promise<void> {
		const current = this.scope(kind, id);
		await this.setScope(kind, id, {
			level: current?.level ?? null,
			muted_until: current && this.mutedUntil(kind, id) ? current.muted_until : null,
			suppress_everyone: current?.suppress_everyone ?? false,
			...change
		});
	}

	scope(kind: ScopeKind, id: string) {
		return scopeOf(this.settings, kind, id);
	}

	/** When the scope's own mute ends, if it is muted now. */
	mutedUntil(kind: ScopeKind, id: string): string | null {
		const until = this.scope(kind, id)?.muted_until;
		return until && inFuture(until, this.now) ? until : null;
	}

	rule(place: ChannelPlace) {
		return channelRule(this.settings, place, this.now);
	}

	/** Whether the channel's unread messages show (see `showsUnread`). */
	showsUnread(place: ChannelPlace): boolean {
		return showsUnread(this.settings, place, this.now);
	}

	/** Do not disturb by time (the presence is the caller's to add). */
	get dndUntil(): string | null {
		const until = this.settings.dnd_until;
		return until && inFuture(until, this.now) ? until : null;
	}

	stop(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
	}

	/** Moves the clock now, and again when the next mute or do-not-disturb ends. */
	private tick(): void {
		this.stop();
		const now = Date.now();
		this.now = now;
		const ends = [
			this.settings.dnd_until,
			...this.settings.communities.map((s) => s.muted_until),
			...this.settings.channels.map((s) => s.muted_until)
		]
			.map((at) => (at ? Date.parse(at) : NaN))
			.filter((time) => Number.isFinite(time) && time > now);
		if (ends.length === 0) return;
		const wait = Math.min(Math.min(...ends) - now + 50, MAX_TIMER_MS);
		this.timer = setTimeout(() => this.tick(), wait);
	}
}
