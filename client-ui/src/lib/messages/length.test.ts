import { describe, expect, it } from 'vitest';
import { MESSAGE_MAX, messageLength, overLimitMessage } from './length';

describe('message length', () => {
	it('counts characters as the server does: code points of the trimmed text', () => {
		expect(messageLength('  hi  ')).toBe(2);
		expect(messageLength('😀😀')).toBe(2);
		expect(messageLength('\n\t ')).toBe(0);
	});

	it('refuses only what is over the limit, saying by how much', () => {
		expect(overLimitMessage(MESSAGE_MAX)).toBeNull();
		expect(overLimitMessage(MESSAGE_MAX + 1)).toBe(
			'This message is 1 character over the limit of 4,000. Shorten it or split it into several messages.'
		);
		expect(overLimitMessage(6000)).toContain('2,000 characters over');
	});
});
