// Purges for administrators: the form that starts one (the server's rules), how each
// job and its progress read, and keeping the list current from `purge_updated` events.
import type { Schemas } from '$api/client';

export type PurgeJob = Schemas['PurgeJobView'];
export type PurgeKind = Schemas['PurgeKind'];
export type PurgeStatus = Schemas['PurgeStatus'];
export type NewPurge = Schemas['NewPurgeRequest'];

/** Jobs shown (the newest). */
export const JOBS_SHOWN = 50;

export const KINDS: { value: PurgeKind; label: string }[] = [
	{ value: 'user', label: 'Every message of a person' },
	{ value: 'channel', label: 'Every message of a channel' },
	{ value: 'message', label: 'One message' }
];

export function kindLabel(kind: PurgeKind): string {
	return KINDS.find((k) => k.value === kind)?.label ?? kind;
}

export function statusLabel(status: PurgeStatus): string {
	switch (status) {
		case 'queued':
			return 'Waiting';
		case 'running':
			return 'Running';
		case 'done':
			return 'Done';
		case 'failed':
			return 'Failed';
	}
}

export function statusTone(status: PurgeStatus): 'neutral' | 'warning' | 'success' | 'danger' {
	switch (status) {
		case 'queued':
			return 'neutral';
		case 'running':
			return 'warning';
		case 'done':
			return 'success';
		case 'failed':
			return 'danger';
	}
}

export function isFinished(job: Pick<PurgeJob, 'status'>): boolean {
	return job.status === 'done' || job.status === 'failed';
}

/**
 * Whole percent done, 0–100. With nothing to remove (total 0) a finished job is
 * complete and an unfinished one has not started; more removed than found at the start
 * (messages posted meanwhile) reads as 100.
 */
export function progressPercent(job: Pick<PurgeJob, 'status' | 'total' | 'removed'>): number {
	if (!(job.total > 0)) return job.status === 'done' ? 100 : 0;
	if (job.status === 'done') return 100;
	return Math.max(0, Math.min(100, Math.floor((job.removed / job.total) * 100)));
}

/** "2 of 3 messages removed", also the progress bar's text for screen readers. */
export function progressText(job: Pick<PurgeJob, 'total' | 'removed'>): string {
	if (job.total === 0 && job.removed === 0) return 'No messages to remove';
	const noun = job.total === 1 ? 'message' : 'messages';
	if (job.removed > job.total) return `${job.removed} messages removed (${job.total} at the start)`;
	return `${job.removed} of ${job.total} ${noun} removed`;
}

const STAGE: Record<PurgeStatus, number> = { queued: 0, running: 1, done: 2, failed: 2 };

/**
 * The later of two versions of the same job. Events and fetched lists can arrive in
 * any order; a job only moves forward, so the one further along wins (ties: `incoming`).
 */
export function later(current: PurgeJob, incoming: PurgeJob): PurgeJob {
	const stage = STAGE[incoming.status] - STAGE[current.status];
	if (stage !== 0) return stage > 0 ? incoming : current;
	return incoming.removed >= current.removed ? incoming : current;
}

function newestFirst(a: PurgeJob, b: PurgeJob): number {
	if (a.created_at !== b.created_at) return Date.parse(b.created_at) - Date.parse(a.created_at);
	return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** The list with `job` added, or its entry moved on; newest first. */
export function upsertJob(list: readonly PurgeJob[], job: PurgeJob): PurgeJob[] {
	const existing = list.find((j) => j.id === job.id);
	if (!existing) return [...list, job].sort(newestFirst);
	const merged = later(existing, job);
	return merged === existing ? [...list] : list.map((j) => (j.id === job.id ? merged : j));
}

/**
 * A freshly fetched page merged with what is shown: the page decides which jobs are
 * listed (plus any newer one that arrived by event meanwhile), each at its latest known
 * progress.
 */
export function mergeJobs(shown: readonly PurgeJob[], fetched: readonly PurgeJob[]): PurgeJob[] {
	const byId = new Map(shown.map((j) => [j.id, j]));
	const newest = fetched[0] ? Date.parse(fetched[0].created_at) : -Infinity;
	const merged = fetched.map((job) => {
		const known = byId.get(job.id);
		return known ? later(known, job) : job;
	});
	const ids = new Set(fetched.map((j) => j.id));
	const arrived = shown.filter((j) => !ids.has(j.id) && Date.parse(j.created_at) > newest);
	return [...arrived, ...merged].sort(newestFirst);
}

export interface PurgeForm {
	kind: PurgeKind;
	/** The chosen person (from the search); empty: none yet. */
	userId: string;
	/** Empty: everywhere. */
	communityId: string;
	channelId: string;
	messageId: string;
}

export const EMPTY_FORM: PurgeForm = {
	kind: 'user',
	userId: '',
	communityId: '',
	channelId: '',
	messageId: ''
};

export type PurgeErrors = Partial<
	Record<'user_id' | 'community_id' | 'channel_id' | 'message_id', string>
>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isId(value: string): boolean {
	return UUID.test(value.trim());
}

/** The form's mistakes for its kind (fields of the other kinds do not count). */
export function purgeErrors(form: PurgeForm): PurgeErrors {
	const errors: PurgeErrors = {};
	switch (form.kind) {
		case 'user':
			if (!form.userId.trim()) errors.user_id = 'Choose whose messages to remove.';
			else if (!isId(form.userId)) errors.user_id = 'Choose the person again.';
			if (form.communityId.trim() && !isId(form.communityId))
				errors.community_id = 'Choose a community, or everywhere.';
			break;
		case 'channel':
			if (!form.channelId.trim()) errors.channel_id = 'Enter the channel’s ID.';
			else if (!isId(form.channelId)) errors.channel_id = 'A channel ID looks like 0193b1c2-….';
			break;
		case 'message':
			if (!form.messageId.trim()) errors.message_id = 'Enter the message’s ID.';
			else if (!isId(form.messageId)) errors.message_id = 'A message ID looks like 0193b1c2-….';
			break;
	}
	return errors;
}

/** The request for a valid form: only the fields of its kind. */
export function purgeRequest(form: PurgeForm): NewPurge {
	const id = (value: string) => value.trim().toLowerCase();
	switch (form.kind) {
		case 'user':
			return {
				kind: 'user',
				user_id: id(form.userId),
				...(form.communityId.trim() ? { community_id: id(form.communityId) } : {})
			};
		case 'channel':
			return { kind: 'channel', channel_id: id(form.channelId) };
		case 'message':
			return { kind: 'message', message_id: id(form.messageId) };
	}
}

/** Names for the IDs a job carries, where they are known. */
export interface TargetNames {
	user?(id: string): string | undefined;
	community?(id: string): string | undefined;
	channel?(id: string): string | undefined;
}

/** What a purge removes, in words: "every message of @bob in Gardening". */
export function targetText(
	target: Pick<NewPurge, 'kind' | 'user_id' | 'community_id' | 'channel_id' | 'message_id'>,
	names: TargetNames = {}
): string {
	switch (target.kind) {
		case 'user': {
			const id = target.user_id ?? '';
			const user = names.user?.(id);
			const who = user ? `@${user}` : `the account ${id}`;
			if (!target.community_id) return `every message of ${who}, everywhere`;
			const where = names.community?.(target.community_id) ?? `community ${target.community_id}`;
			return `every message of ${who} in ${where}`;
		}
		case 'channel': {
			const id = target.channel_id ?? '';
			const channel = names.channel?.(id);
			return `every message of ${channel ? `#${channel}` : `channel ${id}`}`;
		}
		case 'message':
			return `message ${target.message_id ?? ''}`;
	}
}
