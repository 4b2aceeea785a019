/**
 * `Meetings` with a fake server and a fake event bus: lists load per channel and range,
 * `meeting_rsvp` moves counts (our own answer only when it was ours), `meeting_updated`
 * reloads that channel, reminders come once each, and answers go to the encoded path.
 */
import { describe, expect, it } from 'vitest';
import { createApi } from '$api/client';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import type { ServerEventMap } from '$lib/realtime/events';
import { Meetings } from './meetings.svelte';
import type { Meeting, Occurrence } from './types';

const meeting = {
	id: 'm1',
	channel_id: 'ch1',
	title: 'Sync',
	description: '',
	start: '2026-12-07T10:00:00',
	timezone: 'UTC',
	duration_minutes: 30,
	reminder_minutes: 15,
	cancelled: false,
	sequence: 0,
	created_at: '2026-12-01T00:00:00Z',
	updated_at: '2026-12-01T00:00:00Z'
} as Meeting;

const occurrence: Occurrence = {
	meeting_id: 'm1',
	occurrence: '2026-12-07T10:00:00Z',
	starts_at: '2026-12-07T10:00:00Z',
	ends_at: '2026-12-07T10:30:00Z',
	cancelled: false,
	my_rsvp: null,
	rsvps: { going: 0, maybe: 0, not_going: 0 }
};

type Handlers = { [K in keyof ServerEventMap]?: (event: ServerEventMap[K]) => void };

function setup() {
	const requests: Request[] = [];
	const api = createApi({
		baseUrl: 'http://chat.test',
		fetch: async (request) => {
			requests.push(request);
			const body = request.url.includes('/rsvp')
				? { ...occurrence, my_rsvp: 'going', rsvps: { going: 1, maybe: 0, not_going: 0 } }
				: { meetings: [meeting], occurrences: [occurrence] };
			return new Response(JSON.stringify(body), {
				headers: { 'content-type': 'application/json' }
			});
		}
	});
	const handlers: Handlers = {};
	const realtime = {
		on<K extends keyof ServerEventMap>(type: K, handler: (event: ServerEventMap[K]) => void) {
			(handlers as Record<string, unknown>)[type] = handler;
			return () => delete handlers[type];
		}
	} as unknown as Realtime;
	const meetings = new Meetings(api, 'me');
	const stop = meetings.start(realtime);
	const emit = <K extends keyof ServerEventMap>(type: K, event: ServerEventMap[K]) =>
		(handlers[type] as ((event: ServerEventMap[K]) => void) | undefined)?.(event);
	return { meetings, requests, emit, stop };
}

const settle = () => new Promise((done) => setTimeout(done, 0));

describe('Meetings', () => {
	it('loads a channel’s list with its series', async () => {
		const { meetings, requests } = setup();
		await meetings.load('ch1', 'upcoming');
		const list = meetings.list('ch1', 'upcoming')!;
		expect(list.loaded).toBe(true);
		expect(list.meetings.m1!.title).toBe('Sync');
		expect(list.occurrences).toHaveLength(1);
		expect(new URL(requests[0]!.url).search).toBe('?range=upcoming&limit=50');
		expect(meetings.list('ch1', 'past')).toBeUndefined();
	});

	it('moves counts live, and our own answer only when it was ours', async () => {
		const { meetings, emit } = setup();
		await meetings.load('ch1', 'upcoming');
		const event = {
			channel_id: 'ch1',
			meeting_id: 'm1',
			occurrence: '2026-12-07T10:00:00+00:00',
			rsvps: { going: 1, maybe: 0, not_going: 0 },
			user_id: 'bob',
			response: 'going' as const
		};
		emit('meeting_rsvp', event);
		let shown = meetings.list('ch1', 'upcoming')!.occurrences[0]!;
		expect(shown.rsvps.going).toBe(1);
		expect(shown.my_rsvp).toBeNull();
		emit('meeting_rsvp', { ...event, user_id: 'me', response: 'maybe' });
		shown = meetings.list('ch1', 'upcoming')!.occurrences[0]!;
		expect(shown.my_rsvp).toBe('maybe');
	});

	it('reloads the channel whose meeting changed, and only while it is followed', async () => {
		const { meetings, requests, emit } = setup();
		await meetings.load('ch1', 'upcoming');
		emit('meeting_updated', { meeting: { ...meeting, channel_id: 'other' } });
		emit('meeting_updated', { meeting });
		await settle();
		expect(requests).toHaveLength(2);
		meetings.forget('ch1');
		emit('meeting_updated', { meeting });
		await settle();
		expect(requests).toHaveLength(2);
	});

	it('answers through the encoded occurrence path and shows the answer', async () => {
		const { meetings, requests } = setup();
		await meetings.load('ch1', 'upcoming');
		await meetings.respond('ch1', occurrence, 'going');
		const put = requests.at(-1)!;
		expect(put.method).toBe('PUT');
		expect(new URL(put.url).pathname).toBe(
			'/api/meetings/m1/occurrences/2026-12-07T10%3A00%3A00Z/rsvp'
		);
		expect(await put.json()).toEqual({ response: 'going' });
		expect(meetings.list('ch1', 'upcoming')!.occurrences[0]!.my_rsvp).toBe('going');
		await meetings.respond('ch1', occurrence, null);
		expect(requests.at(-1)!.method).toBe('DELETE');
	});

	it('keeps one reminder per occurrence until dismissed', () => {
		const { meetings, emit, stop } = setup();
		const reminder = {
			meeting,
			occurrence: occurrence.occurrence,
			starts_at: occurrence.starts_at
		};
		emit('meeting_reminder', reminder);
		emit('meeting_reminder', reminder);
		expect(meetings.reminders).toHaveLength(1);
		meetings.dismiss(meetings.reminders[0]!.key);
		expect(meetings.reminders).toHaveLength(0);
		stop();
		emit('meeting_reminder', reminder);
		expect(meetings.reminders).toHaveLength(0);
	});
});
