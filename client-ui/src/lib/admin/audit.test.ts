import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
	actionLabel,
	actionTone,
	AUDIT_ACTIONS,
	auditQuery,
	detailPairs,
	EMPTY_FILTERS,
	filterErrors
} from './audit';

describe('audit log helpers', () => {
	it('labels known actions and passes unknown ones through', () => {
		expect(actionLabel('login.failed')).toBe('Sign-in failed');
		expect(actionLabel('future.thing')).toBe('future.thing');
		expect(actionTone('login.failed')).toBe('danger');
		expect(actionTone('session.revoked')).toBe('warning');
		expect(actionTone('user.registered')).toBe('neutral');
		expect(actionTone('two_factor.failed')).toBe('danger');
		expect(actionTone('two_factor.reset')).toBe('warning');
		expect(actionTone('two_factor.disabled')).toBe('warning');
		expect(actionTone('two_factor.enabled')).toBe('neutral');
		expect(actionLabel('sso.provisioned')).toBe('Account created by SSO');
	});

	it('flattens details', () => {
		expect(detailPairs({ login: 'ada', failures: 2, extra: { a: 1 }, file_id: 'f1' })).toEqual([
			{ label: 'login', value: 'ada' },
			{ label: 'failures', value: '2' },
			{ label: 'extra', value: '{"a":1}' },
			{ label: 'file id', value: 'f1' }
		]);
		expect(detailPairs(null)).toEqual([]);
	});

	it('shows an ID that comes with its name as the name, the ID on hover', () => {
		expect(
			detailPairs({
				channel_id: 'c1',
				channel_name: 'release-notes',
				group_id: 'g1',
				group_name: 'Text channels'
			})
		).toEqual([
			{ label: 'channel', value: 'release-notes', title: 'c1' },
			{ label: 'group', value: 'Text channels', title: 'g1' }
		]);
	});

	it('validates filters', () => {
		expect(filterErrors({ ...EMPTY_FILTERS, user: 'ada' })).toEqual({});
		expect(
			filterErrors({ ...EMPTY_FILTERS, since: '2026-02-01T00:00', until: '2026-01-01T00:00' })
		).toHaveProperty('until');
	});

	it('builds the query with the cursor', () => {
		expect(auditQuery(EMPTY_FILTERS, null, null, 50)).toEqual({
			action: undefined,
			user_id: undefined,
			since: undefined,
			until: undefined,
			before: undefined,
			limit: 50
		});
		const q = auditQuery(
			{ ...EMPTY_FILTERS, action: ' login.failed ', since: '2026-01-01T10:00' },
			'user-1',
			'abc',
			25
		);
		expect(q.user_id).toBe('user-1');
		expect(q.action).toBe('login.failed');
		expect(q.before).toBe('abc');
		expect(q.since).toBe(new Date('2026-01-01T10:00').toISOString());
	});
});

/**
 * The server's domain layer, where every audit entry is recorded (`Core::audit`). Vitest
 * runs in client-ui/ (and jsdom gives modules no file URL).
 */
const DOMAIN = join(process.cwd(), '..', 'server', 'src', 'domain');

function rustFiles(dir: string): string[] {
	return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
		entry.isDirectory()
			? rustFiles(join(dir, entry.name))
			: entry.name.endsWith('.rs')
				? [join(dir, entry.name)]
				: []
	);
}

/**
 * The actions the server records: audit actions are `&'static str` literals shaped
 * `area.what`, written in the files that record entries (`NewAuditEntry`, or the helpers
 * that pass an action on to it), outside their test modules.
 */
function serverActions(): string[] {
	const actions = new Set<string>();
	for (const file of rustFiles(DOMAIN)) {
		const source = readFileSync(file, 'utf8').split('#[cfg(test)]')[0]!;
		if (!/NewAuditEntry|self\.audit\(|attempt_failed|verified_account/.test(source)) continue;
		for (const [, action] of source.matchAll(/"([a-z][a-z_]*\.[a-z][a-z_]*)"/g)) {
			actions.add(action!);
		}
	}
	return [...actions].sort();
}

describe('audit action labels', () => {
	it('name every action the server records', () => {
		const actions = serverActions();
		// The scan found the recorder's files (a moved server would make this pass vacuously).
		expect(actions).toContain('user.registered');
		expect(actions).toContain('community.joined');
		expect(actions.length).toBeGreaterThan(40);
		expect(actions.filter((action) => !(action in AUDIT_ACTIONS))).toEqual([]);
	});

	it('are sentences, not action names', () => {
		for (const [action, text] of Object.entries(AUDIT_ACTIONS)) {
			expect(text, action).toMatch(/^[A-Z][^._]*$/);
		}
		expect(actionLabel('community.joined')).toBe('Joined a community');
	});
});
