import { describe, expect, it, vi } from 'vitest';
import { createApi } from '$api/client';
import { ApiError } from '$api/errors';
import { applyModeration } from './moderation-api';
import {
	actionCopy,
	actionLabel,
	isTimedOut,
	moderationActions,
	moderatorLevel,
	reasonProblem,
	ROLE_LEVEL,
	type CommunityRole
} from './moderation';

const NOW = Date.parse('2026-12-05T12:00:00Z');
const later = new Date(NOW + 60_000).toISOString();
const earlier = new Date(NOW - 60_000).toISOString();

function target(role: CommunityRole, timed_out_until: string | null = null) {
	return { user_id: 'target', role, timed_out_until };
}

describe('moderatorLevel', () => {
	it('is the community role, or the owner’s for instance administrators', () => {
		expect(moderatorLevel('moderator', false)).toBe(ROLE_LEVEL.moderator);
		expect(moderatorLevel('member', true)).toBe(ROLE_LEVEL.owner);
		expect(moderatorLevel(null, false)).toBe(ROLE_LEVEL.member);
	});
});

describe('moderationActions', () => {
	const moderator = { userId: 'me', level: ROLE_LEVEL.moderator };
	const owner = { userId: 'me', level: ROLE_LEVEL.owner };

	it('lets moderators act on plain members', () => {
		expect(moderationActions(moderator, target('member'), NOW)).toEqual([
			'warn',
			'timeout',
			'kick',
			'ban'
		]);
	});

	it('offers removing a timeout only while one runs', () => {
		expect(moderationActions(owner, target('member', later), NOW)).toContain('end-timeout');
		expect(moderationActions(owner, target('member', earlier), NOW)).not.toContain('end-timeout');
	});

	it('never acts on equals or higher roles', () => {
		expect(moderationActions(moderator, target('moderator'), NOW)).toEqual([]);
		expect(moderationActions(moderator, target('admin'), NOW)).toEqual([]);
		expect(moderationActions(owner, target('admin'), NOW)).toHaveLength(4);
		expect(moderationActions(owner, target('owner'), NOW)).toEqual([]);
	});

	it('offers nothing to plain members, on oneself, or on someone unknown', () => {
		expect(moderationActions({ userId: 'me', level: 0 }, target('member'), NOW)).toEqual([]);
		expect(moderationActions(owner, { ...target('member'), user_id: 'me' }, NOW)).toEqual([]);
		expect(moderationActions(owner, undefined, NOW)).toEqual([]);
	});
});

describe('words', () => {
	it('names actions for a member and for a message’s author', () => {
		expect(actionLabel('timeout', 'member')).toBe('Time out');
		expect(actionLabel('ban', 'author')).toBe('Ban author');
		expect(actionLabel('timeout', 'member', true)).toBe('Change timeout');
	});

	it('asks before removing someone', () => {
		expect(actionCopy('kick', 'Bob')).toMatchObject({ title: 'Kick Bob?', confirm: 'Kick' });
		expect(actionCopy('end-timeout', 'Bob').title).toBe('Remove Bob’s timeout?');
	});

	it('tells when a timeout is over', () => {
		expect(isTimedOut({ timed_out_until: later }, NOW)).toBe(true);
		expect(isTimedOut({ timed_out_until: earlier }, NOW)).toBe(false);
		expect(isTimedOut({ timed_out_until: null }, NOW)).toBe(false);
	});
});

describe('reasonProblem', () => {
	it('requires a reason for a warning only', () => {
		expect(reasonProblem('warn', '  ')).toMatch(/why/);
		expect(reasonProblem('kick', '')).toBeNull();
	});

	it('counts characters, as the server does', () => {
		expect(reasonProblem('ban', '😀'.repeat(500))).toBeNull();
		expect(reasonProblem('ban', 'x'.repeat(501))).toMatch(/500/);
	});
});

describe('applyModeration', () => {
	function server(status = 204, body: unknown = null) {
		const fetch = vi.fn(
			async (_request: Request) =>
				new Response(body === null ? null : JSON.stringify(body), {
					status,
					headers: { 'content-type': 'application/json' }
				})
		);
		return { fetch, api: createApi({ baseUrl: 'http://chat.test', fetch }) };
	}

	async function sent(fetch: ReturnType<typeof server>['fetch']) {
		const request = fetch.mock.calls[0]![0];
		const text = await request.text();
		return {
			method: request.method,
			path: new URL(request.url).pathname,
			body: text ? JSON.parse(text) : null
		};
	}

	const input = { reason: '  spam  ', durationSecs: 300 };

	it.each([
		['warn', 'POST', '/api/communities/c1/members/u1/warnings', { reason: 'spam' }],
		[
			'timeout',
			'PUT',
			'/api/communities/c1/members/u1/timeout',
			{ duration_secs: 300, reason: 'spam' }
		],
		['end-timeout', 'DELETE', '/api/communities/c1/members/u1/timeout', null],
		['kick', 'POST', '/api/communities/c1/members/u1/kick', { reason: 'spam' }],
		['ban', 'PUT', '/api/communities/c1/bans/u1', { reason: 'spam' }]
	] as const)('%s calls %s %s', async (action, method, path, body) => {
		const { fetch, api } = server(action === 'warn' ? 201 : 204, action === 'warn' ? {} : null);
		await applyModeration(api, 'c1', 'u1', action, input);
		expect(await sent(fetch)).toEqual({ method, path, body });
	});

	it('sends no reason when none is given', async () => {
		const { fetch, api } = server();
		await applyModeration(api, 'c1', 'u1', 'kick', { reason: ' ', durationSecs: 60 });
		expect((await sent(fetch)).body).toEqual({ reason: null });
	});

	it('throws the server’s refusal', async () => {
		const { api } = server(403, { code: 'target_outranks_you', message: 'they outrank you' });
		const failure = applyModeration(api, 'c1', 'u1', 'ban', input);
		await expect(failure).rejects.toBeInstanceOf(ApiError);
		await expect(failure).rejects.toMatchObject({ code: 'target_outranks_you' });
	});
});
