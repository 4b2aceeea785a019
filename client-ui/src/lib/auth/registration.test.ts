import { describe, expect, it } from 'vitest';
import { registrationAccess } from './registration';

describe('registrationAccess', () => {
	it.each([
		['open', false, { open: true, code: null }],
		['invite_only', false, { open: true, code: 'invite' }],
		['closed', false, { open: false }],
		// First-run setup works in every mode; only open registration needs no code.
		['open', true, { open: true, code: null }],
		['invite_only', true, { open: true, code: 'setup' }],
		['closed', true, { open: true, code: 'setup' }]
	] as const)('%s with setup_required=%s', (mode, setup, expected) => {
		expect(registrationAccess({ registration_mode: mode, setup_required: setup })).toEqual(
			expected
		);
	});
});
