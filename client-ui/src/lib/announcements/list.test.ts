import { describe, expect, it } from 'vitest';
import {
	bannerRole,
	dismissLabel,
	isExpired,
	MAX_TIMER_MS,
	newestFirst,
	nextExpiryDelay,
	unexpired,
	withAnnouncement,
	withoutAnnouncement,
	type Announcement
} from './list';

const NOW = Date.parse('2026-12-05T12:00:00Z');

function announcement(id: string, overrides: Partial<Announcement> = {}): Announcement {
	return {
		id,
		title: id,
		body: '',
		severity: 'info',
		created_at: '2026-12-05T10:00:00Z',
		expires_at: null,
		...overrides
	};
}

describe('announcement lists', () => {
	it('expire at their expiry, not before', () => {
		expect(isExpired(announcement('a'), NOW)).toBe(false);
		expect(isExpired(announcement('a', { expires_at: '2026-12-05T12:00:00Z' }), NOW)).toBe(true);
		expect(isExpired(announcement('a', { expires_at: '2026-12-05T12:00:01Z' }), NOW)).toBe(false);
		expect(
			unexpired(
				[announcement('a'), announcement('b', { expires_at: '2026-12-05T11:00:00Z' })],
				NOW
			).map((a) => a.id)
		).toEqual(['a']);
	});

	it('stay newest first with one entry per ID', () => {
		const older = announcement('older', { created_at: '2026-12-01T00:00:00Z' });
		const newer = announcement('newer', { created_at: '2026-12-05T11:00:00Z' });
		expect(newestFirst([older, newer]).map((a) => a.id)).toEqual(['newer', 'older']);
		// Same time: by ID, so every device shows the same order.
		expect(newestFirst([announcement('a'), announcement('b')]).map((a) => a.id)).toEqual([
			'b',
			'a'
		]);
		let list = withAnnouncement([older], newer, NOW);
		expect(list.map((a) => a.id)).toEqual(['newer', 'older']);
		list = withAnnouncement(list, { ...newer, title: 'Changed' }, NOW);
		expect(list).toHaveLength(2);
		expect(list[0]!.title).toBe('Changed');
		const expired = announcement('x', { expires_at: '2026-12-05T11:00:00Z' });
		expect(withAnnouncement(list, expired, NOW)).toHaveLength(2);
		expect(withoutAnnouncement(list, 'newer').map((a) => a.id)).toEqual(['older']);
		expect(withoutAnnouncement(list, 'none')).toEqual(list);
	});

	it('time the next expiry within what a timer can wait', () => {
		expect(nextExpiryDelay([announcement('a')], NOW)).toBeNull();
		expect(nextExpiryDelay([], NOW)).toBeNull();
		expect(
			nextExpiryDelay(
				[
					announcement('a', { expires_at: '2026-12-05T13:00:00Z' }),
					announcement('b', { expires_at: '2026-12-05T12:00:30Z' }),
					announcement('c')
				],
				NOW
			)
		).toBe(30_000);
		expect(nextExpiryDelay([announcement('a', { expires_at: '2026-12-05T11:00:00Z' })], NOW)).toBe(
			0
		);
		expect(nextExpiryDelay([announcement('a', { expires_at: '2027-06-01T00:00:00Z' })], NOW)).toBe(
			MAX_TIMER_MS
		);
	});

	it('give critical ones an alert role and every dismiss button a name', () => {
		expect(bannerRole('critical')).toBe('alert');
		expect(bannerRole('warning')).toBe('status');
		expect(bannerRole('info')).toBe('status');
		expect(dismissLabel({ title: 'Maintenance tonight' })).toBe(
			'Dismiss announcement: Maintenance tonight'
		);
	});
});
