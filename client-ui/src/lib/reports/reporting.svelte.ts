/**
 * Making reports and hearing back: the report dialog's subject (opened from a message's
 * toolbar or a profile card), sending it, and the notices that tell a reporter how their
 * report ended (`report_updated` for a closed report of theirs). One per signed-in user
 * (`chat.reports`); `ReportLayer` draws the dialog and the notices.
 */
import { getContext, setContext } from 'svelte';
import { unwrap, type Api, type Schemas } from '$api/client';
import { reporterOutcome, type Report } from './reports';

/** What the dialog reports. */
export type ReportSubject =
	| {
			kind: 'message';
			messageId: string;
			/** The author's name, and the message as text, to show what is reported. */
			authorName: string;
			excerpt: string;
	  }
	| {
			kind: 'user';
			userId: string;
			name: string;
			/** The community it is about (its moderators review it); null: the server's admins. */
			communityId: string | null;
	  };

export interface ReportNotice {
	reportId: string;
	text: string;
}

/** At most this many notices at once: the oldest go. */
const MAX_NOTICES = 3;

export class Reporting {
	/** The open report dialog's subject. */
	subject = $state.raw<ReportSubject | null>(null);
	/** Outcomes of the user's own reports, until dismissed. */
	notices = $state.raw<ReportNotice[]>([]);

	/**
	 * `place` names the community on screen: a person reported from there is reported to
	 * its moderators.
	 */
	constructor(
		private readonly api: Api,
		readonly selfId: string,
		private readonly place: () => string | null = () => null
	) {}

	open(subject: ReportSubject): void {
		this.subject = subject;
	}

	/** Reports a person, about the community on screen (if any). */
	openUser(userId: string, name: string): void {
		this.open({ kind: 'user', userId, name, communityId: this.place() });
	}

	close(): void {
		this.subject = null;
	}

	async submit(subject: ReportSubject, reason: string): Promise<Report> {
		const body: Schemas['NewReportRequest'] =
			subject.kind === 'message'
				? { message_id: subject.messageId, reason: reason.trim() }
				: { user_id: subject.userId, community_id: subject.communityId, reason: reason.trim() };
		return unwrap(this.api.POST('/api/reports', { body }));
	}

	/** A `report_updated`: one of the user's own reports closed becomes a notice. */
	updated(report: Report): void {
		if (report.reporter_id !== this.selfId) return;
		const outcome = reporterOutcome(report);
		if (!outcome) return;
		const notice = { reportId: report.id, text: `Your report was reviewed: ${outcome}` };
		this.notices = [...this.notices.filter((n) => n.reportId !== report.id), notice].slice(
			-MAX_NOTICES
		);
	}

	dismiss(reportId: string): void {
		this.notices = this.notices.filter((n) => n.reportId !== reportId);
	}
}

const KEY = Symbol('reporting');

export function provideReporting(reporting: Reporting): void {
	setContext(KEY, reporting);
}

/** Reporting, when the app provides it (no "Report" actions otherwise). */
export function useReporting(): Reporting | undefined {
	return getContext<Reporting | undefined>(KEY);
}
