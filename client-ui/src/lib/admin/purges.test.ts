import { describe, expect, it } from 'vitest';
import {
	EMPTY_FORM,
	isFinished,
	kindLabel,
	later,
	mergeJobs,
	progressPercent,
	progressText,
	purgeErrors,
	purgeRequest,
	statusLabel,
	statusTone,
	targetText,
	upsertJob,
	type PurgeJob
} from './purges';

const USER = '0193b1c2-0000-7000-8000-000000000001';
const COMMUNITY = '0193b1c2-0000-7000-8000-000000000002';
const CHANNEL = '0193b1c2-0000-7000-8000-000000000003';
const MESSAGE = '0193b1c2-0000-7000-8000-000000000004';

function job(id: string, change: Partial<PurgeJob> = {}): PurgeJob {
	return {
		id,
		kind: 'user',
		user_id: USER,
		status: 'queued',
		total: 10,
		removed: 0,
		created_at: '2026-12-05T12:00:00Z',
		...change
	};
}

describe('purge progress', () => {
	it('is a whole percent, complete when done, and safe with nothing to remove', () => {
		expect(progressPercent({ status: 'running', total: 3, removed: 1 })).toBe(33);
		expect(progressPercent({ status: 'running', total: 3, removed: 3 })).toBe(100);
		expect(progressPercent({ status: 'queued', total: 0, removed: 0 })).toBe(0);
		expect(progressPercent({ status: 'done', total: 0, removed: 0 })).toBe(100);
		expect(progressPercent({ status: 'failed', total: 0, removed: 0 })).toBe(0);
		expect(progressPercent({ status: 'running', total: 2, removed: 5 })).toBe(100);
		expect(progressPercent({ status: 'failed', total: 4, removed: 1 })).toBe(25);
		// Done is done, even when some went by other means meanwhile.
		expect(progressPercent({ status: 'done', total: 4, removed: 3 })).toBe(100);
	});

	it('reads as removed out of total', () => {
		expect(progressText({ total: 3, removed: 2 })).toBe('2 of 3 messages removed');
		expect(progressText({ total: 1, removed: 1 })).toBe('1 of 1 message removed');
		expect(progressText({ total: 0, removed: 0 })).toBe('No messages to remove');
		expect(progressText({ total: 2, removed: 4 })).toBe('4 messages removed (2 at the start)');
	});

	it('names statuses and kinds', () => {
		expect(statusLabel('queued')).toBe('Waiting');
		expect(statusLabel('running')).toBe('Running');
		expect(statusLabel('done')).toBe('Done');
		expect(statusLabel('failed')).toBe('Failed');
		expect(statusTone('failed')).toBe('danger');
		expect(statusTone('done')).toBe('success');
		expect(isFinished({ status: 'done' })).toBe(true);
		expect(isFinished({ status: 'running' })).toBe(false);
		expect(kindLabel('channel')).toBe('Every message of a channel');
	});
});

describe('the job list', () => {
	it('takes the version further along, whatever order they come in', () => {
		const queued = job('a');
		const running = job('a', { status: 'running', removed: 5 });
		const further = job('a', { status: 'running', removed: 8 });
		const done = job('a', { status: 'done', removed: 10 });
		expect(later(queued, running)).toBe(running);
		expect(later(running, queued)).toBe(running);
		expect(later(further, running)).toBe(further);
		expect(later(done, further)).toBe(done);
		expect(later(running, further)).toBe(further);
	});

	it('upserts events by ID, newest first', () => {
		const older = job('a', { created_at: '2026-12-05T11:00:00Z' });
		const newer = job('b', { created_at: '2026-12-05T12:00:00Z' });
		let list = upsertJob([], older);
		list = upsertJob(list, newer);
		expect(list.map((j) => j.id)).toEqual(['b', 'a']);
		list = upsertJob(list, { ...older, status: 'done', removed: 10 });
		expect(list.map((j) => [j.id, j.status])).toEqual([
			['b', 'queued'],
			['a', 'done']
		]);
		// A late, older event does not move it back.
		list = upsertJob(list, { ...older, status: 'running', removed: 3 });
		expect(list[1]).toMatchObject({ status: 'done', removed: 10 });
	});

	it('merges a fetched page with what events already told', () => {
		const a = job('a', { created_at: '2026-12-05T11:00:00Z', status: 'running', removed: 6 });
		const b = job('b', { created_at: '2026-12-05T12:00:00Z' });
		const c = job('c', { created_at: '2026-12-05T13:00:00Z' });
		const gone = job('z', { created_at: '2026-12-05T10:00:00Z' });
		const merged = mergeJobs([c, a, gone], [b, { ...a, removed: 2 }]);
		// c started while the page loaded; z fell off the page; a keeps its later progress.
		expect(merged.map((j) => j.id)).toEqual(['c', 'b', 'a']);
		expect(merged[2]).toMatchObject({ removed: 6 });
		expect(mergeJobs([a], [])).toEqual([a]);
	});
});

describe('the purge form', () => {
	it('asks for what its kind needs', () => {
		expect(purgeErrors(EMPTY_FORM)).toEqual({ user_id: 'Choose whose messages to remove.' });
		expect(purgeErrors({ ...EMPTY_FORM, userId: USER })).toEqual({});
		expect(purgeErrors({ ...EMPTY_FORM, userId: USER, communityId: 'nope' }).community_id).toBe(
			'Choose a community, or everywhere.'
		);
		expect(purgeErrors({ ...EMPTY_FORM, kind: 'channel' }).channel_id).toBe(
			'Enter the channel’s ID.'
		);
		expect(purgeErrors({ ...EMPTY_FORM, kind: 'channel', channelId: '12' }).channel_id).toMatch(
			/looks like/
		);
		expect(purgeErrors({ ...EMPTY_FORM, kind: 'message', messageId: ` ${MESSAGE} ` })).toEqual({});
		// Another kind's fields do not matter.
		expect(
			purgeErrors({ ...EMPTY_FORM, kind: 'message', messageId: MESSAGE, userId: 'x' })
		).toEqual({});
	});

	it('sends only the fields of its kind', () => {
		const form = {
			...EMPTY_FORM,
			userId: USER,
			channelId: CHANNEL,
			messageId: ` ${MESSAGE.toUpperCase()} `
		};
		expect(purgeRequest(form)).toEqual({ kind: 'user', user_id: USER });
		expect(purgeRequest({ ...form, communityId: COMMUNITY })).toEqual({
			kind: 'user',
			user_id: USER,
			community_id: COMMUNITY
		});
		expect(purgeRequest({ ...form, kind: 'channel' })).toEqual({
			kind: 'channel',
			channel_id: CHANNEL
		});
		expect(purgeRequest({ ...form, kind: 'message' })).toEqual({
			kind: 'message',
			message_id: MESSAGE
		});
	});

	it('says what goes, with names where known', () => {
		const names = {
			user: (id: string) => (id === USER ? 'bob' : undefined),
			community: (id: string) => (id === COMMUNITY ? 'Gardening' : undefined),
			channel: (id: string) => (id === CHANNEL ? 'general' : undefined)
		};
		expect(targetText({ kind: 'user', user_id: USER }, names)).toBe(
			'every message of @bob, everywhere'
		);
		expect(targetText({ kind: 'user', user_id: USER, community_id: COMMUNITY }, names)).toBe(
			'every message of @bob in Gardening'
		);
		expect(targetText({ kind: 'user', user_id: MESSAGE, community_id: CHANNEL })).toBe(
			`every message of the account ${MESSAGE} in community ${CHANNEL}`
		);
		expect(targetText({ kind: 'channel', channel_id: CHANNEL }, names)).toBe(
			'every message of #general'
		);
		expect(targetText({ kind: 'message', message_id: MESSAGE })).toBe(`message ${MESSAGE}`);
	});
});
