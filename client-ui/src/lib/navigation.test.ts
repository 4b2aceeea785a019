import { describe, expect, it } from 'vitest';
import { safeNext } from './navigation';

describe('safeNext', () => {
	it.each([
		['/settings/sessions', '/settings/sessions'],
		['/admin/invites?x=1', '/admin/invites?x=1'],
		['//evil.example', null],
		['/\\evil.example', null],
		['https://evil.example', null],
		['/api/account', null],
		[null, null]
	])('%s', (next, expected) => {
		expect(safeNext(next)).toBe(expected);
	});
});
