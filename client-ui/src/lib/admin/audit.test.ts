import { describe, expect, it } from 'vitest';
import {
	actionLabel,
	actionTone,
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
		expect(detailPairs({ login: 'ada', failures: 2, extra: { a: 1 } })).toEqual([
			['login', 'ada'],
			['failures', '2'],
			['extra', '{"a":1}']
		]);
		expect(detailPairs(null)).toEqual([]);
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
