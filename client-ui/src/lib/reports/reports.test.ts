import { describe, expect, it } from 'vitest';
import { ApiError } from '$api/errors';
import {
	actionDoneLabel,
	canReview,
	durationLabel,
	kindLabel,
	matchesFilter,
	outcomeSummary,
	placeLabel,
	queueQuery,
	reasonError,
	reporterOutcome,
	reportErrorMessage,
	resolveBody,
	reviewActions,
	reviewErrorMessage,
	statusLabel,
	targetHandle,
	targetName,
	TIMEOUT_DURATIONS,
	upsertReport,
	type Report,
	type ReportAction
} from './reports';

function report(overrides: Partial<Report> = {}): Report {
	return {
		id: 'r1',
		kind: 'message',
		status: 'open',
		reason: 'Spam links',
		reporter_id: 'u-reporter',
		reporter_username: 'rita',
		target_user_id: 'u-target',
		target_username: 'tom',
		target_display_name: 'Tom Target',
		community_id: 'c1',
		community_name: 'Acme',
		channel_id: 'ch1',
		channel_name: 'general',
		message_id: 'm1',
		message_content: 'buy now <b>cheap</b>',
		outcome: null,
		created_at: '2026-12-05T10:00:00Z',
		...overrides
	};
}

function closed(
	status: 'resolved' | 'dismissed',
	action: ReportAction | null,
	note: string | null = null,
	overrides: Partial<Report> = {}
): Report {
	return report({
		status,
		outcome: {
			action,
			note,
			resolved_by: null,
			resolved_by_username: null,
			resolved_at: '2026-12-05T11:00:00Z'
		},
		...overrides
	});
}

describe('report labels', () => {
	it('name kinds, states, places and people', () => {
		expect(kindLabel({ kind: 'message' })).toBe('Message');
		expect(kindLabel({ kind: 'user' })).toBe('Person');
		expect(statusLabel('open')).toBe('Open');
		expect(statusLabel('dismissed')).toBe('Dismissed');
		expect(placeLabel(report())).toBe('#general in Acme');
		expect(placeLabel(report({ kind: 'user', channel_id: null, channel_name: null }))).toBe('Acme');
		expect(
			placeLabel(report({ community_id: null, community_name: null, channel_name: null }))
		).toBe('a direct message');
		expect(
			placeLabel(
				report({ kind: 'user', community_name: null, channel_id: null, channel_name: null })
			)
		).toBeNull();
		expect(targetName(report())).toBe('Tom Target');
		expect(targetName(report({ target_display_name: null }))).toBe('tom');
		expect(targetHandle(report())).toBe('tom');
		expect(targetHandle(report({ target_display_name: 'tom' }))).toBeNull();
		expect(targetHandle(report({ target_display_name: null }))).toBeNull();
		expect(targetName(report({ target_display_name: null, target_username: null }))).toBe(
			'Deleted account'
		);
		expect(actionDoneLabel('timeout')).toBe('timed out');
		expect(actionDoneLabel(null)).toBe('no further action');
		expect(outcomeSummary(report())).toBe('Open');
		const done = closed('resolved', 'ban');
		expect(outcomeSummary(done)).toBe('Resolved: banned from the community');
		done.outcome!.resolved_by_username = 'mod';
		expect(outcomeSummary(done)).toBe('Resolved: banned from the community by @mod');
		expect(outcomeSummary(closed('dismissed', null))).toBe('Dismissed');
	});

	it('offer timeouts from ten minutes to the server’s 28-day limit', () => {
		expect(TIMEOUT_DURATIONS.map((d) => d.label)).toEqual([
			'10 minutes',
			'1 hour',
			'1 day',
			'1 week',
			'28 days'
		]);
		for (const { secs } of TIMEOUT_DURATIONS) {
			expect(secs).toBeGreaterThanOrEqual(60);
			expect(secs).toBeLessThanOrEqual(2_419_200);
		}
		expect(durationLabel(86_400)).toBe('1 day');
		expect(durationLabel(90)).toBe('90 seconds');
	});
});

describe('review actions', () => {
	it('fit the report and the reviewer', () => {
		const admin = { isAdmin: true };
		const moderator = { isAdmin: false };
		expect(reviewActions(report(), moderator)).toEqual(['none', 'delete', 'timeout', 'ban']);
		expect(reviewActions(report(), admin)).toEqual(['none', 'delete', 'timeout', 'ban', 'suspend']);
		// A person reported without a community: instance admins only, no timeout or ban.
		const user = report({
			kind: 'user',
			message_id: null,
			message_content: null,
			community_id: null,
			channel_id: null
		});
		expect(reviewActions(user, admin)).toEqual(['none', 'suspend']);
		// A direct message: deleting, suspending; no community to time out of.
		expect(reviewActions(report({ community_id: null }), admin)).toEqual([
			'none',
			'delete',
			'suspend'
		]);
		// The person's account is gone: only deleting the message is left.
		expect(reviewActions(report({ target_user_id: null }), admin)).toEqual(['none', 'delete']);
	});

	it('send a duration only for timeouts, and a trimmed note', () => {
		expect(resolveBody('timeout', 3600, '  calm down ')).toEqual({
			action: 'timeout',
			duration_secs: 3600,
			note: 'calm down'
		});
		expect(resolveBody('ban', 3600, '   ')).toEqual({ action: 'ban' });
		expect(resolveBody('none', 600, '')).toEqual({ action: 'none' });
	});

	it('are for administrators and moderators of some community', () => {
		expect(canReview(true, [])).toBe(true);
		expect(canReview(false, [{ my_role: 'member' }, { my_role: null }])).toBe(false);
		expect(canReview(false, [{ my_role: 'member' }, { my_role: 'moderator' }])).toBe(true);
		expect(canReview(false, [{ my_role: 'owner' }])).toBe(true);
	});
});

describe('making a report', () => {
	it('needs a reason of at most 1000 characters (code points)', () => {
		expect(reasonError('   ')).toBe('Say briefly what is wrong.');
		expect(reasonError('spam')).toBeNull();
		expect(reasonError('😀'.repeat(1000))).toBeNull();
		expect(reasonError('a'.repeat(1001))).toBe('That is 1,001 characters; the limit is 1,000.');
	});

	it('explains refusals', () => {
		const error = (status: number, code: string, retry?: number) =>
			new ApiError(status, { code, message: `server says ${code}`, retry_after: retry });
		expect(reportErrorMessage(error(409, 'already_reported'))).toBe(
			'You already reported this, and moderators have not reviewed it yet.'
		);
		expect(reportErrorMessage(error(429, 'rate_limited', 1200))).toBe(
			'You have made many reports in the last hour. Try again in about 20 minutes.'
		);
		expect(reportErrorMessage(error(429, 'rate_limited'))).toBe(
			'You have made many reports in the last hour. Try again later.'
		);
		expect(reportErrorMessage(error(400, 'cannot_report_self'))).toBe(
			'You cannot report yourself.'
		);
		expect(reportErrorMessage(error(404, 'message_not_found'))).toBe(
			'This message or person is no longer there to report.'
		);
		expect(reportErrorMessage(error(500, 'internal'))).toBe('Server says internal');
		expect(reviewErrorMessage(error(409, 'report_closed'))).toBe(
			'Someone already closed this report.'
		);
	});
});

describe('the reporter’s outcome', () => {
	it('says what came of it, with the reviewer’s note', () => {
		expect(reporterOutcome(report())).toBeNull();
		expect(reporterOutcome(closed('dismissed', null))).toBe('the moderators took no action.');
		expect(reporterOutcome(closed('resolved', 'timeout'))).toBe('Tom Target was timed out.');
		expect(reporterOutcome(closed('resolved', 'delete'))).toBe('the message was removed.');
		expect(reporterOutcome(closed('resolved', 'ban'))).toBe('Tom Target was banned from Acme.');
		expect(reporterOutcome(closed('resolved', 'suspend'))).toBe(
			'Tom Target’s account was suspended.'
		);
		expect(reporterOutcome(closed('resolved', 'none', ' Already handled '))).toBe(
			'the moderators handled it. Their note: “Already handled”'
		);
	});
});

describe('the queue', () => {
	const open = { status: 'open', communityId: null } as const;

	it('filters by state and community', () => {
		expect(matchesFilter(report(), open)).toBe(true);
		expect(matchesFilter(closed('resolved', 'none'), open)).toBe(false);
		expect(matchesFilter(closed('resolved', 'none'), { status: 'all', communityId: null })).toBe(
			true
		);
		expect(matchesFilter(report(), { status: 'all', communityId: 'c2' })).toBe(false);
		expect(queueQuery(open, null)).toEqual({
			status: 'open',
			community_id: undefined,
			before: undefined,
			limit: 50
		});
		expect(queueQuery({ status: 'all', communityId: 'c1' }, 'r9')).toEqual({
			status: undefined,
			community_id: 'c1',
			before: 'r9',
			limit: 50
		});
	});

	it('follows report_updated: new ones join newest first, listed ones change in place', () => {
		const older = report({ id: 'r0', created_at: '2026-12-05T09:00:00Z' });
		let list = upsertReport([older], report(), open);
		expect(list.map((r) => r.id)).toEqual(['r1', 'r0']);
		// Closed meanwhile: stays, marked, so the reviewer sees what became of it.
		list = upsertReport(list, closed('resolved', 'timeout'), open);
		expect(list.map((r) => [r.id, r.status])).toEqual([
			['r1', 'resolved'],
			['r0', 'open']
		]);
		// One that does not match the filter does not join.
		const other = closed('dismissed', null, null, { id: 'r2' });
		expect(upsertReport(list, other, open)).toBe(list);
	});
});
