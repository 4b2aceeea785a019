import { describe, expect, it } from 'vitest';
import { myStatusLabel, myStatusTone, subjectText, upsertMine } from './my-reports';
import type { Report } from './reports';

function report(overrides: Partial<Report> = {}): Report {
	return {
		id: 'r1',
		kind: 'message',
		status: 'open',
		reason: 'Spam',
		reporter_id: null,
		target_username: 'carol',
		target_display_name: 'Carol',
		outcome: null,
		created_at: '2026-12-05T10:00:00Z',
		...overrides
	};
}

describe('my reports', () => {
	it('says whether a report waits or how it was closed', () => {
		expect(myStatusLabel('open')).toBe('Waiting for review');
		expect(myStatusLabel('dismissed')).toBe('Dismissed');
		expect(myStatusTone('open')).toBe('warning');
		expect(myStatusTone('resolved')).toBe('success');
		expect(myStatusTone('dismissed')).toBe('neutral');
	});

	it('names what was reported', () => {
		expect(subjectText(report())).toBe('A message by Carol');
		expect(subjectText(report({ kind: 'user' }))).toBe('Carol');
		expect(
			subjectText(report({ kind: 'user', target_display_name: null, target_username: null }))
		).toBe('Deleted account');
	});

	it('follows report_updated: listed reports change in place, new own ones join first', () => {
		const listed = [report({ id: 'r2', created_at: '2026-12-05T11:00:00Z' }), report()];
		const closed = report({ status: 'dismissed', reporter_id: 'me' });
		expect(upsertMine(listed, closed, 'me').map((r) => [r.id, r.status])).toEqual([
			['r2', 'open'],
			['r1', 'dismissed']
		]);
		const fresh = report({ id: 'r3', reporter_id: 'me', created_at: '2026-12-05T12:00:00Z' });
		expect(upsertMine(listed, fresh, 'me').map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
	});

	it("leaves out other people's reports, which reviewers also hear about", () => {
		const listed = [report()];
		const theirs = report({ id: 'r9', reporter_id: 'someone-else' });
		expect(upsertMine(listed, theirs, 'me')).toBe(listed);
	});
});
