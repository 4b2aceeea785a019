import { describe, expect, it } from 'vitest';
import type { GroupWithChannels } from '$lib/communities/directory.svelte';
import {
	absoluteUrl,
	addableBots,
	botCurl,
	botDisplayName,
	botUsername,
	keepChoice,
	serverOrigin,
	shellQuote,
	upsert,
	webhookChannels,
	webhookCurl,
	webhookName,
	type Bot
} from './integrations';

function group(id: string, myRole: string | null, channels: [string, string, boolean?][]) {
	return {
		group: { id, name: `Group ${id}`, my_role: myRole },
		channels: channels.map(([cid, kind, archived]) => ({
			id: cid,
			name: `chan-${cid}`,
			kind,
			archived: archived ?? false
		}))
	} as unknown as GroupWithChannels;
}

function bot(id: string, display_name: string): Bot {
	return {
		id,
		username: `bot_${id}`,
		display_name,
		owner_id: 'me',
		owner_username: 'me',
		avatar_file_id: null,
		created_at: '2026-01-01T00:00:00Z'
	};
}

describe('webhook channels', () => {
	const structure = [
		group('a', null, [
			['a1', 'text'],
			['a2', 'voice'],
			['a3', 'text', true]
		]),
		group('b', 'admin', [['b1', 'text']]),
		group('c', null, [['c1', 'voice']])
	];

	it('offers every group’s text channels to community admins', () => {
		const groups = webhookChannels('admin', structure);
		expect(groups.map((g) => [g.id, g.channels.map((c) => c.id)])).toEqual([
			['a', ['a1']],
			['b', ['b1']]
		]);
	});

	it('offers a group admin their groups only, and moderators nothing', () => {
		expect(webhookChannels('moderator', structure).map((g) => g.id)).toEqual(['b']);
		expect(webhookChannels('member', [structure[0]!])).toEqual([]);
	});

	it('keeps a choice still offered, else takes the first', () => {
		const groups = webhookChannels('owner', structure);
		expect(keepChoice(groups, 'b1')).toBe('b1');
		expect(keepChoice(groups, 'gone')).toBe('a1');
		expect(keepChoice(groups, null)).toBe('a1');
		expect(keepChoice([], 'b1')).toBeNull();
	});
});

describe('bots', () => {
	it('lists my bots not yet in the community, by name', () => {
		const mine = [bot('1', 'Zed'), bot('2', 'Alpha'), bot('3', 'Mid')];
		expect(addableBots(mine, [bot('3', 'Mid')]).map((b) => b.id)).toEqual(['2', '1']);
		expect(addableBots([], [])).toEqual([]);
	});

	it('replaces by ID or adds first', () => {
		const list = [bot('1', 'One'), bot('2', 'Two')];
		expect(upsert(list, bot('2', 'Deux')).map((b) => b.display_name)).toEqual(['One', 'Deux']);
		expect(upsert(list, bot('3', 'Three')).map((b) => b.id)).toEqual(['3', '1', '2']);
	});

	it('checks names like the server', () => {
		expect(botUsername('')).toBe('Username is required.');
		expect(botUsername('ab')).toMatch(/3 to 32/);
		expect(botUsername('has space')).toMatch(/letters, digits/);
		expect(botUsername('deploy_bot')).toBeNull();
		expect(botDisplayName('  ')).toBe('Display name is required.');
		expect(botDisplayName('x'.repeat(65))).toMatch(/1 to 64/);
		expect(botDisplayName('Deploy Bot')).toBeNull();
		expect(webhookName('')).toBe('Name is required.');
		expect(webhookName('x'.repeat(64))).toBeNull();
		expect(webhookName('x'.repeat(65))).toMatch(/1 to 64/);
	});
});

describe('server addresses', () => {
	it('prefers the public URL, then the API base, then this page', () => {
		expect(serverOrigin('https://chat.example/', 'http://127.0.0.1:8080')).toBe(
			'https://chat.example'
		);
		expect(serverOrigin(null, 'http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
		expect(serverOrigin('', undefined)).toBe(location.origin);
	});

	it('makes a webhook URL absolute when the server sent a path', () => {
		expect(absoluteUrl('/api/hooks/w/t', 'https://chat.example')).toBe(
			'https://chat.example/api/hooks/w/t'
		);
		expect(absoluteUrl('https://other.example/api/hooks/w/t', 'https://chat.example')).toBe(
			'https://other.example/api/hooks/w/t'
		);
	});
});

describe('examples', () => {
	it('quotes for the shell only when needed', () => {
		expect(shellQuote('https://chat.example/api/hooks/1/abc-DEF_9')).toBe(
			'https://chat.example/api/hooks/1/abc-DEF_9'
		);
		expect(shellQuote('a b')).toBe("'a b'");
		expect(shellQuote("it's")).toBe("'it'\\''s'");
	});

	it('shows the webhook curl command, with a placeholder until there is a URL', () => {
		expect(webhookCurl(null)).toBe(
			`curl -X POST -H 'Content-Type: application/json' -d '{"content":"Hello"}' <url>`
		);
		expect(webhookCurl('https://c.example/api/hooks/w/t')).toBe(
			`curl -X POST -H 'Content-Type: application/json' -d '{"content":"Hello"}' https://c.example/api/hooks/w/t`
		);
	});

	it('shows how a bot posts with its token', () => {
		expect(botCurl('https://c.example/')).toBe(
			`curl -X POST -H 'Authorization: Bearer <token>' -H 'Content-Type: application/json' -d '{"content":"Hello"}' https://c.example/api/channels/<channel_id>/messages`
		);
		expect(botCurl('https://c.example', 'tok')).toContain("'Authorization: Bearer tok'");
	});
});
