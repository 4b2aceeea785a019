import { describe, expect, it } from 'vitest';
import { textChannelName } from './channel-name';

describe('textChannelName', () => {
	it('lower-cases and joins words with single dashes, as the server does', () => {
		expect(textChannelName('general')).toBe('general');
		expect(textChannelName('  Release Notes ')).toBe('release-notes');
		expect(textChannelName('Q3 -- planning\tbig_room')).toBe('q3-planning-big_room');
		expect(textChannelName('Équipe Café')).toBe('équipe-café');
		expect(textChannelName('-edge-')).toBe('edge');
	});

	it('refuses what the server refuses', () => {
		for (const raw of ['', '  ', '---', 'what?', '#general', 'a/b', '🎉', 'a'.repeat(65)]) {
			expect(textChannelName(raw), raw).toBeNull();
		}
		expect(textChannelName('a'.repeat(64))).toBe('a'.repeat(64));
	});
});
