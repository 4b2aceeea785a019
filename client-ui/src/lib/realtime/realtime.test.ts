import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Realtime, type SocketLike } from './realtime.svelte';
import { socketUrl } from './socket-url';

class FakeSocket implements SocketLike {
	readyState = 0;
	sent: unknown[] = [];
	closedWith: number | null = null;
	onopen: ((event: Event) => void) | null = null;
	onmessage: ((event: MessageEvent) => void) | null = null;
	onclose: ((event: CloseEvent) => void) | null = null;
	onerror: ((event: Event) => void) | null = null;
	send(data: string) {
		this.sent.push(JSON.parse(data));
	}
	close(code = 1000) {
		this.closedWith = code;
		this.readyState = 3;
	}
	open() {
		this.readyState = 1;
		this.onopen?.(new Event('open'));
	}
	push(frame: object) {
		this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }));
	}
	drop(code: number) {
		this.readyState = 3;
		this.onclose?.(new CloseEvent('close', { code }));
	}
}

const READY = {
	type: 'ready',
	user: {},
	session_id: 's',
	heartbeat_interval_ms: 30_000,
	presences: []
};

function setup() {
	const sockets: FakeSocket[] = [];
	const tokens = {
		accessToken: vi.fn(async () => 'token-1'),
		refreshAfterRejection: vi.fn(async () => 'token-2' as string | null)
	};
	const realtime = new Realtime({
		url: 'ws://test/ws',
		tokens,
		random: () => 1,
		createSocket: () => {
			const socket = new FakeSocket();
			sockets.push(socket);
			return socket;
		}
	});
	return { realtime, sockets, tokens };
}

async function flush() {
	await vi.advanceTimersByTimeAsync(0);
}

describe('Realtime', () => {
	beforeEach(() => vi.useFakeTimers());
	afterEach(() => vi.useRealTimers());

	it('authenticates with the first frame and publishes events by type', async () => {
		const { realtime, sockets } = setup();
		const created = vi.fn();
		realtime.on('message_created', created);
		realtime.start();
		await flush();
		sockets[0]!.open();
		expect(sockets[0]!.sent).toEqual([{ type: 'authenticate', token: 'token-1' }]);
		expect(realtime.status).toBe('connecting');
		sockets[0]!.push(READY);
		expect(realtime.status).toBe('open');
		sockets[0]!.push({ type: 'message_created', message: { id: 'm1' } });
		expect(created).toHaveBeenCalledWith({ type: 'message_created', message: { id: 'm1' } });
	});

	it('reconnects with growing delays and resumes after the next ready', async () => {
		const { realtime, sockets } = setup();
		const resumed = vi.fn();
		realtime.onResume(resumed);
		realtime.start();
		await flush();
		sockets[0]!.open();
		sockets[0]!.push(READY);
		expect(resumed).not.toHaveBeenCalled();

		sockets[0]!.drop(1006);
		expect(realtime.status).toBe('reconnecting');
		await vi.advanceTimersByTimeAsync(499);
		expect(sockets).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(sockets).toHaveLength(2);
		// The second attempt fails too: the next delay is twice as long.
		sockets[1]!.drop(1006);
		await vi.advanceTimersByTimeAsync(999);
		expect(sockets).toHaveLength(2);
		await vi.advanceTimersByTimeAsync(1);
		expect(sockets).toHaveLength(3);
		sockets[2]!.open();
		sockets[2]!.push(READY);
		expect(realtime.status).toBe('open');
		expect(realtime.attempts).toBe(0);
		expect(resumed).toHaveBeenCalledTimes(1);
	});

	it('pings on the heartbeat and drops a silent connection', async () => {
		const { realtime, sockets } = setup();
		realtime.start();
		await flush();
		sockets[0]!.open();
		sockets[0]!.push(READY);
		await vi.advanceTimersByTimeAsync(30_000);
		expect(sockets[0]!.sent).toContainEqual({ type: 'ping' });
		await vi.advanceTimersByTimeAsync(30_000);
		await vi.advanceTimersByTimeAsync(30_000);
		expect(sockets[0]!.closedWith).toBe(4900);
		expect(realtime.status).toBe('reconnecting');
	});

	it('refreshes the token after an authentication failure', async () => {
		const { realtime, sockets, tokens } = setup();
		realtime.start();
		await flush();
		sockets[0]!.open();
		sockets[0]!.drop(4001);
		await flush();
		expect(tokens.refreshAfterRejection).toHaveBeenCalledWith('token-1');
		tokens.accessToken.mockResolvedValue('token-2');
		await vi.advanceTimersByTimeAsync(500);
		sockets[1]!.open();
		expect(sockets[1]!.sent).toEqual([{ type: 'authenticate', token: 'token-2' }]);
	});

	it('stops for good when the session ended (4003)', async () => {
		const { realtime, sockets } = setup();
		realtime.start();
		await flush();
		sockets[0]!.open();
		sockets[0]!.drop(4003);
		expect(realtime.status).toBe('stopped');
		await vi.advanceTimersByTimeAsync(60_000);
		expect(sockets).toHaveLength(1);
	});

	it('answers actions by nonce and keeps their answers off the bus', async () => {
		const { realtime, sockets } = setup();
		const acks = vi.fn();
		realtime.on('ack', acks);
		realtime.start();
		await flush();
		sockets[0]!.open();
		sockets[0]!.push(READY);
		const joined = realtime.request({
			type: 'voice_join',
			channel_id: 'v',
			self_mute: false,
			self_deaf: false
		});
		const sent = sockets[0]!.sent.at(-1) as { type: string; nonce: string };
		expect(sent).toMatchObject({ type: 'voice_join', channel_id: 'v' });
		sockets[0]!.push({ type: 'ack', nonce: sent.nonce, call: { channel_id: 'v' } });
		await expect(joined).resolves.toMatchObject({ call: { channel_id: 'v' } });
		expect(acks).not.toHaveBeenCalled();

		const left = realtime.request({ type: 'voice_leave' });
		sockets[0]!.drop(1006);
		await expect(left).rejects.toMatchObject({ code: 'no_answer' });
		await expect(realtime.request({ type: 'voice_leave' })).rejects.toMatchObject({
			code: 'no_answer'
		});
	});

	it('does not send signals before ready', async () => {
		const { realtime, sockets } = setup();
		realtime.start();
		await flush();
		sockets[0]!.open();
		expect(realtime.signal({ type: 'typing', channel_id: 'c' })).toBe(false);
		sockets[0]!.push(READY);
		expect(realtime.signal({ type: 'typing', channel_id: 'c' })).toBe(true);
		expect(sockets[0]!.sent).toContainEqual({ type: 'typing', channel_id: 'c' });
	});
});

describe('socketUrl', () => {
	it('points at the gateway of the given server, secure when the server is', () => {
		expect(socketUrl('http://127.0.0.1:4000')).toBe('ws://127.0.0.1:4000/ws');
		expect(socketUrl('https://chat.example.org')).toBe('wss://chat.example.org/ws');
		expect(socketUrl('https://chat.example.org/')).toBe('wss://chat.example.org/ws');
	});
});
