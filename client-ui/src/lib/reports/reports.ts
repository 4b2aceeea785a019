/**
 * Reports about messages and people (ADM-6): how they read, which actions a reviewer
 * may pick for one, and how the queue follows `report_updated`. The server decides
 * (server/src/domain/reports.rs); these only keep the UI from offering what it refuses.
 */
import { ApiError, errorMessage } from '$api/errors';
import type { Schemas } from '$api/client';
import { moderatesCommunity } from '$lib/communities/group-admin';

export type Report = Schemas['ReportView'];
export type ReportStatus = Schemas['ReportStatus'];
export type ReportAction = Schemas['ReportAction'];
export type ReportFilter = ReportStatus | 'all';

/** A reason is 1–1000 characters; a reviewer's note at most 500 (code points). */
export const REASON_MAX = 1000;
export const NOTE_MAX = 500;
/** Reports per page of the queue. */
export const PAGE_SIZE = 50;

export const REPORT_FILTERS: { value: ReportFilter; label: string }[] = [
	{ value: 'open', label: 'Open' },
	{ value: 'resolved', label: 'Resolved' },
	{ value: 'dismissed', label: 'Dismissed' },
	{ value: 'all', label: 'All' }
];

/** The timeouts a reviewer picks from (the server takes 60 s to 28 days). */
export const TIMEOUT_DURATIONS: { secs: number; label: string }[] = [
	{ secs: 600, label: '10 minutes' },
	{ secs: 3600, label: '1 hour' },
	{ secs: 86_400, label: '1 day' },
	{ secs: 604_800, label: '1 week' },
	{ secs: 2_419_200, label: '28 days' }
];
export const DEFAULT_TIMEOUT_SECS = 3600;

export function kindLabel(report: Pick<Report, 'kind'>): string {
	return report.kind === 'message' ? 'Message' : 'Person';
}

export function statusLabel(status: ReportStatus): string {
	return { open: 'Open', resolved: 'Resolved', dismissed: 'Dismissed' }[status];
}

export function statusTone(status: ReportStatus): 'warning' | 'ok' | 'neutral' {
	return status === 'open' ? 'warning' : status === 'resolved' ? 'ok' : 'neutral';
}

/** What a reviewer picks when resolving. */
export function actionLabel(action: ReportAction): string {
	switch (action) {
		case 'none':
			return 'No action (close it)';
		case 'delete':
			return 'Delete the message';
		case 'timeout':
			return 'Time out the person';
		case 'ban':
			return 'Ban from the community';
		case 'suspend':
			return 'Suspend the account';
	}
}

/** What resolving did, for the queue ("Resolved: …"). */
export function actionDoneLabel(action: ReportAction | null | undefined): string {
	switch (action) {
		case 'delete':
			return 'message deleted';
		case 'timeout':
			return 'timed out';
		case 'ban':
			return 'banned from the community';
		case 'suspend':
			return 'account suspended';
		default:
			return 'no further action';
	}
}

/** For reviewers: how a closed report ended, and who closed it. */
export function outcomeSummary(report: Pick<Report, 'status' | 'outcome'>): string {
	if (!report.outcome) return statusLabel(report.status);
	const what =
		report.status === 'dismissed'
			? 'Dismissed'
			: `Resolved: ${actionDoneLabel(report.outcome.action)}`;
	const who = report.outcome.resolved_by_username;
	return who ? `${what} by @${who}` : what;
}

/**
 * The actions that apply to a report, for this reviewer: deleting needs a message,
 * timeouts and bans a community, suspending an instance administrator; all but
 * "none" need the reported person's account.
 */
export function reviewActions(
	report: Pick<Report, 'kind' | 'message_id' | 'community_id' | 'target_user_id'>,
	reviewer: { isAdmin: boolean }
): ReportAction[] {
	const actions: ReportAction[] = ['none'];
	if (report.kind === 'message' && report.message_id) actions.push('delete');
	if (report.target_user_id && report.community_id) actions.push('timeout', 'ban');
	if (report.target_user_id && reviewer.isAdmin) actions.push('suspend');
	return actions;
}

export function durationLabel(secs: number): string {
	return TIMEOUT_DURATIONS.find((d) => d.secs === secs)?.label ?? `${secs} seconds`;
}

/** The body of `POST /api/reports/{id}/resolve`: a duration only for timeouts, a trimmed note. */
export function resolveBody(
	action: ReportAction,
	durationSecs: number,
	note: string
): Schemas['ResolveReportRequest'] {
	const body: Schemas['ResolveReportRequest'] = { action };
	if (action === 'timeout') body.duration_secs = durationSecs;
	const trimmed = note.trim();
	if (trimmed) body.note = trimmed;
	return body;
}

/** A reviewer's decision: the body of `…/resolve` or `…/dismiss`. */
export type Review =
	| { kind: 'resolve'; body: Schemas['ResolveReportRequest'] }
	| { kind: 'dismiss'; body: Schemas['DismissReportRequest'] };

/** The reported person's name ("Deleted account" once it is gone). */
export function targetName(
	report: Pick<Report, 'target_display_name' | 'target_username'>
): string {
	return report.target_display_name || report.target_username || 'Deleted account';
}

/** The reported person's username, when it says more than their name. */
export function targetHandle(
	report: Pick<Report, 'target_display_name' | 'target_username'>
): string | null {
	const handle = report.target_username;
	return handle && report.target_display_name && handle !== report.target_display_name
		? handle
		: null;
}

/** Where it happened: "#general in Acme", "Acme", "a direct message" or null. */
export function placeLabel(
	report: Pick<Report, 'kind' | 'community_name' | 'channel_name' | 'channel_id'>
): string | null {
	if (report.channel_name && report.community_name)
		return `#${report.channel_name} in ${report.community_name}`;
	if (report.community_name) return report.community_name;
	if (report.kind === 'message' && report.channel_id) return 'a direct message';
	return null;
}

/** Characters as the server counts them (code points). */
export function textLength(text: string): number {
	return Array.from(text).length;
}

/** Why the reason cannot be sent yet, or null. */
export function reasonError(reason: string): string | null {
	const length = textLength(reason.trim());
	if (length === 0) return 'Say briefly what is wrong.';
	if (length > REASON_MAX)
		return `That is ${length.toLocaleString('en')} characters; the limit is ${REASON_MAX.toLocaleString('en')}.`;
	return null;
}

/** A sentence for a refused report. */
export function reportErrorMessage(error: unknown): string {
	if (error instanceof ApiError) {
		if (error.status === 409 || error.code === 'already_reported')
			return 'You already reported this, and moderators have not reviewed it yet.';
		if (error.status === 429) {
			const wait = error.retryAfter;
			const when =
				wait == null
					? 'later'
					: wait < 90
						? `in ${wait} seconds`
						: `in about ${Math.ceil(wait / 60)} minutes`;
			return `You have made many reports in the last hour. Try again ${when}.`;
		}
		if (error.code === 'cannot_report_self') return 'You cannot report yourself.';
		if (error.status === 404) return 'This message or person is no longer there to report.';
	}
	return errorMessage(error);
}

/** A sentence for a refused review (resolve or dismiss). */
export function reviewErrorMessage(error: unknown): string {
	if (error instanceof ApiError && error.code === 'report_closed')
		return 'Someone already closed this report.';
	return errorMessage(error);
}

/** For its reporter: what came of a closed report, or null while it is open. */
export function reporterOutcome(report: Report): string | null {
	if (report.status === 'open') return null;
	const name = targetName(report);
	let text: string;
	if (report.status === 'dismissed') {
		text = 'the moderators took no action.';
	} else {
		switch (report.outcome?.action) {
			case 'delete':
				text = 'the message was removed.';
				break;
			case 'timeout':
				text = `${name} was timed out.`;
				break;
			case 'ban':
				text = report.community_name
					? `${name} was banned from ${report.community_name}.`
					: `${name} was banned.`;
				break;
			case 'suspend':
				text = `${name}’s account was suspended.`;
				break;
			default:
				text = 'the moderators handled it.';
		}
	}
	const note = report.outcome?.note?.trim();
	return note ? `${text} Their note: “${note}”` : text;
}

export interface QueueFilter {
	status: ReportFilter;
	communityId: string | null;
}

export function matchesFilter(
	report: Pick<Report, 'status' | 'community_id'>,
	filter: QueueFilter
): boolean {
	if (filter.status !== 'all' && report.status !== filter.status) return false;
	return !filter.communityId || report.community_id === filter.communityId;
}

/**
 * The queue after a `report_updated`: a report already listed is replaced (one closed
 * meanwhile stays, marked, so the reviewer sees what happened to it); a new one that
 * matches the filter joins, newest first.
 */
export function upsertReport(
	list: readonly Report[],
	report: Report,
	filter: QueueFilter
): Report[] {
	const index = list.findIndex((r) => r.id === report.id);
	if (index >= 0) {
		const next = list.slice();
		next[index] = report;
		return next;
	}
	if (!matchesFilter(report, filter)) return list as Report[];
	return [report, ...list].sort((a, b) => b.created_at.localeCompare(a.created_at));
}

/** The query of `GET /api/reports`. */
export function queueQuery(filter: QueueFilter, before: string | null) {
	return {
		status: filter.status === 'all' ? undefined : filter.status,
		community_id: filter.communityId ?? undefined,
		before: before ?? undefined,
		limit: PAGE_SIZE
	};
}

/** Who may open the queue: instance administrators, and moderators of any community. */
export function canReview(
	isAdmin: boolean,
	communities: readonly Pick<Schemas['CommunityView'], 'my_role'>[]
): boolean {
	return isAdmin || communities.some((c) => moderatesCommunity(c.my_role));
}
