import { render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PresenceState } from '$lib/presence/presence.svelte';
import type { Member } from './directory.svelte';
import MemberList from './MemberList.svelte';

function member(timedOutUntil: string | null): Member {
	return {
		user_id: 'u-bob',
		username: 'bob',
		display_name: 'Bob',
		role: 'member',
		bot: false,
		joined_at: '2026-12-01T10:00:00Z',
		timed_out_until: timedOutUntil
	};
}

beforeEach(() => {
	vi.useFakeTimers();
	vi.setSystemTime(new Date('2026-12-05T12:00:00Z'));
});

afterEach(() => {
	vi.useRealTimers();
});

describe('MemberList', () => {
	it('marks a timed-out member for moderators until the timeout ends by the clock', async () => {
		const members = [member('2026-12-05T12:00:05Z')];
		render(MemberList, { props: { members, presence: new PresenceState(), showTimeouts: true } });
		expect(screen.getByText(/^Timed out until/)).toBeInTheDocument();
		await vi.advanceTimersByTimeAsync(6_000);
		expect(screen.queryByText(/^Timed out until/)).toBeNull();
	});

	it('shows no marker to members', () => {
		const members = [member('2026-12-05T12:00:05Z')];
		render(MemberList, { props: { members, presence: new PresenceState() } });
		expect(screen.queryByText(/^Timed out until/)).toBeNull();
	});
});
