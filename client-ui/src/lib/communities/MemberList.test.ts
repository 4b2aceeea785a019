import { fireEvent, render, screen, within } from '@testing-library/svelte';
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
	it('shows a large community a page at a time and names the rows it shows', async () => {
		const members: Member[] = Array.from({ length: 250 }, (_, i) => ({
			...member(null),
			user_id: `u${i}`,
			username: `user${i}`,
			display_name: `Member ${String(i).padStart(3, '0')}`
		}));
		const presence = new PresenceState();
		presence.set('u1', 'online');
		const onrows = vi.fn();
		render(MemberList, {
			props: { members: members.toReversed(), presence, byPage: true, onlineCount: 42, onrows }
		});
		expect(screen.getByRole('heading', { name: 'Members — 250, 42 online' })).toBeInTheDocument();
		const rows = () =>
			within(screen.getByRole('list', { name: 'Members' })).getAllByRole('listitem');
		expect(rows()).toHaveLength(100);
		expect(rows()[0]).toHaveTextContent('Member 000');
		expect(rows()[1]).not.toHaveClass('offline');
		expect(rows()[2]).toHaveClass('offline');
		const firstPage = members.slice(0, 100).map((m) => m.user_id);
		expect(onrows).toHaveBeenLastCalledWith(firstPage);

		await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
		expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
		expect(rows()[0]).toHaveTextContent('Member 100');
		expect(onrows).toHaveBeenLastCalledWith(members.slice(100, 200).map((m) => m.user_id));
		await fireEvent.click(screen.getByRole('button', { name: 'Next' }));
		expect(rows()).toHaveLength(50);
		expect(screen.getByRole('button', { name: 'Next' })).toBeDisabled();
		await fireEvent.click(screen.getByRole('button', { name: 'Previous' }));
		expect(screen.getByText('Page 2 of 3')).toBeInTheDocument();
	});

	it('groups a small community by presence and names no rows', () => {
		const onrows = vi.fn();
		render(MemberList, {
			props: { members: [member(null)], presence: new PresenceState(), onrows }
		});
		expect(screen.getByRole('heading', { name: 'Offline — 1' })).toBeInTheDocument();
		expect(onrows).not.toHaveBeenCalled();
	});
});
