import { describe, expect, it } from 'vitest';
import {
	blockErrors,
	blockRequest,
	isQuarantined,
	isSha256,
	placeText,
	reasonText,
	searchQuery,
	shortHash
} from './files';

const HASH = 'ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789';

describe('the files search', () => {
	it('sends part of a name as typed and a whole SHA-256 in lowercase', () => {
		expect(searchQuery('  ')).toBeUndefined();
		expect(searchQuery(' Report.PDF ')).toBe('Report.PDF');
		expect(searchQuery(HASH)).toBe(HASH.toLowerCase());
		// Not quite a hash: searched as a name.
		expect(searchQuery(HASH.slice(1))).toBe(HASH.slice(1));
		expect(searchQuery('x'.repeat(300))).toHaveLength(200);
		expect(isSha256(HASH)).toBe(true);
		expect(isSha256(`${HASH.slice(1)}g`)).toBe(false);
	});

	it('shows files briefly', () => {
		expect(shortHash(HASH.toLowerCase())).toBe('abcdef01…456789');
		expect(shortHash('abc')).toBe('abc');
		expect(isQuarantined({ quarantined_at: '2026-12-05T10:00:00Z' })).toBe(true);
		expect(isQuarantined({ quarantined_at: null })).toBe(false);
		expect(placeText({ message_id: 'm', channel_id: 'c' })).toBe('In a message');
		expect(placeText({ message_id: null, channel_id: 'c' })).toBe('In a channel');
		expect(placeText({ message_id: null, channel_id: null })).toBe('Not attached');
		expect(reasonText({ reason: '  ' })).toBe('No reason given');
		expect(reasonText({ reason: 'spam' })).toBe('spam');
	});
});

describe('blocking a hash', () => {
	it('takes 64 hex digits and a reason of at most 500 characters', () => {
		expect(blockErrors({ sha256: '', reason: '' }).sha256).toBe('Enter a SHA-256.');
		expect(blockErrors({ sha256: 'abc', reason: '' }).sha256).toMatch(/64 hexadecimal/);
		expect(blockErrors({ sha256: HASH, reason: 'r'.repeat(500) })).toEqual({});
		expect(blockErrors({ sha256: HASH, reason: 'r'.repeat(501) }).reason).toMatch(/500/);
		expect(blockRequest({ sha256: ` ${HASH} `, reason: ' spam ' })).toEqual({
			sha256: HASH.toLowerCase(),
			reason: 'spam'
		});
	});
});
