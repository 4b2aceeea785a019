/**
 * The reports a person made, as "My reports" shows them: waiting for review, or how each
 * ended (`reporterOutcome`), never who reviewed it.
 */
import type { PillTone } from '$shared/Pill.svelte';
import { targetName, type Report, type ReportStatus } from './reports';

/** Reports per page of `GET /api/reports/mine`. */
export const MY_REPORTS_PAGE = 50;

export function myStatusLabel(status: ReportStatus): string {
	return { open: 'Waiting for review', resolved: 'Resolved', dismissed: 'Dismissed' }[status];
}

const STATUS_TONES: Record<ReportStatus, PillTone> = {
	open: 'warning',
	resolved: 'success',
	dismissed: 'neutral'
};

export function myStatusTone(status: ReportStatus): PillTone {
	return STATUS_TONES[status];
}

/** What was reported: "A message by Carol" or "Carol". */
export function subjectText(
	report: Pick<Report, 'kind' | 'target_display_name' | 'target_username'>
): string {
	const name = targetName(report);
	return report.kind === 'message' ? `A message by ${name}` : name;
}

/**
 * The list after a `report_updated`: a listed report changes in place; a new one of the
 * person's own (made on another device) joins, newest first. Reviewers also hear of other
 * people's reports: those are not theirs to see here.
 */
export function upsertMine(list: readonly Report[], report: Report, selfId: string): Report[] {
	const index = list.findIndex((r) => r.id === report.id);
	if (index >= 0) return list.with(index, report);
	if (report.reporter_id !== selfId) return list as Report[];
	return [report, ...list].sort((a, b) => b.created_at.localeCompare(a.created_at));
}
