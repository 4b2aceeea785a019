/**
 * Channels' meetings as the panel shows them: each opened channel's upcoming and past
 * occurrences, reloaded when a meeting changes (`meeting_updated`), with RSVP counts
 * moved live (`meeting_rsvp`), and the reminders of meetings starting soon
 * (`meeting_reminder`). One instance per chat session (`chat.meetings`).
 */
import { SvelteMap } from 'svelte/reactivity';
import { unwrap, type Api } from '$api/client';
import { errorMessage } from '$api/errors';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import { reminderKey, withOccurrence, withRsvp } from './live';
import type { Meeting, MeetingChanges, NewMeeting, Occurrence, RsvpResponse } from './types';

export type MeetingRange = 'upcoming' | 'past';

export interface MeetingListState {
	/** The series of the listed occurrences, by ID. */
	meetings: Record<string, Meeting>;
	occurrences: Occurrence[];
	loaded: boolean;
	error: string | null;
}

export interface Reminder {
	key: string;
	meeting: Meeting;
	occurrence: string;
	startsAt: string;
}

/** As many occurrences as the panel lists at once. */
const PAGE = 50;

function keyOf(channelId: string, range: MeetingRange): string {
	return `${range}:${channelId}`;
}

export class Meetings {
	/** Reminders not dismissed yet, oldest first. */
	reminders = $state.raw<Reminder[]>([]);
	private readonly lists = new SvelteMap<string, MeetingListState>();
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly requests = new Map<string, number>();
	private readonly api: Api;
	private readonly selfId: string;

	constructor(api: Api, selfId: string) {
		this.api = api;
		this.selfId = selfId;
	}

	/** Follows the meeting events; returns the function that stops. */
	start(realtime: Realtime): () => void {
		const stops = [
			realtime.on('meeting_updated', ({ meeting }) => this.reloadChannel(meeting.channel_id)),
			realtime.on('meeting_rsvp', (event) => {
				this.patch(event.channel_id, (list) => withRsvp(list, event, this.selfId));
			}),
			realtime.on('meeting_reminder', (event) => this.remind(event))
		];
		return () => stops.forEach((stop) => stop());
	}

	list(channelId: string, range: MeetingRange): MeetingListState | undefined {
		return this.lists.get(keyOf(channelId, range));
	}

	/** Fetches a channel's list; an older request's answer arriving late is dropped. */
	async load(channelId: string, range: MeetingRange): Promise<void> {
		const key = keyOf(channelId, range);
		const request = (this.requests.get(key) ?? 0) + 1;
		this.requests.set(key, request);
		try {
			const list = await unwrap(
				this.api.GET('/api/channels/{channel_id}/meetings', {
					params: { path: { channel_id: channelId }, query: { range, limit: PAGE } }
				})
			);
			if (this.requests.get(key) !== request) return;
			this.lists.set(key, {
				meetings: Object.fromEntries(list.meetings.map((m) => [m.id, m])),
				occurrences: list.occurrences,
				loaded: true,
				error: null
			});
		} catch (failure) {
			if (this.requests.get(key) !== request) return;
			const previous = this.lists.get(key);
			this.lists.set(key, {
				meetings: previous?.meetings ?? {},
				occurrences: previous?.occurrences ?? [],
				loaded: true,
				error: errorMessage(failure)
			});
		}
	}

	/** The panel closed: the channel's lists are no longer kept up to date. */
	forget(channelId: string): void {
		for (const range of ['upcoming', 'past'] as const) {
			this.lists.delete(keyOf(channelId, range));
			this.requests.delete(keyOf(channelId, range));
		}
	}

	/** After a reconnect: whatever changed meanwhile. */
	refresh(): void {
		for (const key of [...this.lists.keys()]) {
			const [range, channelId] = key.split(':') as [MeetingRange, string];
			void this.load(channelId, range);
		}
	}

	async schedule(channelId: string, request: NewMeeting): Promise<Meeting> {
		const meeting = await unwrap(
			this.api.POST('/api/channels/{channel_id}/meetings', {
				params: { path: { channel_id: channelId } },
				body: request
			})
		);
		this.reloadChannel(channelId);
		return meeting;
	}

	async change(meetingId: string, changes: MeetingChanges): Promise<Meeting> {
		const meeting = await unwrap(
			this.api.PATCH('/api/meetings/{meeting_id}', {
				params: { path: { meeting_id: meetingId } },
				body: changes
			})
		);
		this.reloadChannel(meeting.channel_id);
		return meeting;
	}

	async cancel(meetingId: string): Promise<void> {
		const meeting = await unwrap(
			this.api.DELETE('/api/meetings/{meeting_id}', {
				params: { path: { meeting_id: meetingId } }
			})
		);
		this.reloadChannel(meeting.channel_id);
	}

	async cancelOccurrence(meeting: Meeting, occurrence: string): Promise<void> {
		await unwrap(
			this.api.DELETE('/api/meetings/{meeting_id}/occurrences/{occurrence}', {
				// openapi-fetch encodes path parameters (the `:` and `+` of the instant).
				params: { path: { meeting_id: meeting.id, occurrence } }
			})
		);
		this.reloadChannel(meeting.channel_id);
	}

	/** Answers for one occurrence; null takes the answer back. */
	async respond(channelId: string, occurrence: Occurrence, response: RsvpResponse | null) {
		const params = {
			params: { path: { meeting_id: occurrence.meeting_id, occurrence: occurrence.occurrence } }
		};
		const updated = await unwrap(
			response
				? this.api.PUT('/api/meetings/{meeting_id}/occurrences/{occurrence}/rsvp', {
						...params,
						body: { response }
					})
				: this.api.DELETE('/api/meetings/{meeting_id}/occurrences/{occurrence}/rsvp', params)
		);
		this.patch(channelId, (list) => withOccurrence(list, updated));
	}

	dismiss(key: string): void {
		this.reminders = this.reminders.filter((r) => r.key !== key);
	}

	private remind(event: { meeting: Meeting; occurrence: string; starts_at: string }): void {
		const key = reminderKey(event.meeting.id, event.occurrence);
		if (this.reminders.some((r) => r.key === key)) return;
		this.reminders = [
			...this.reminders,
			{ key, meeting: event.meeting, occurrence: event.occurrence, startsAt: event.starts_at }
		];
	}

	private reloadChannel(channelId: string): void {
		for (const range of ['upcoming', 'past'] as const) {
			if (this.lists.has(keyOf(channelId, range))) void this.load(channelId, range);
		}
	}

	private patch(channelId: string, change: (list: Occurrence[]) => Occurrence[]): void {
		for (const range of ['upcoming', 'past'] as const) {
			const key = keyOf(channelId, range);
			const state = this.lists.get(key);
			if (!state) continue;
			const occurrences = change(state.occurrences);
			if (occurrences !== state.occurrences) this.lists.set(key, { ...state, occurrences });
		}
	}
}
