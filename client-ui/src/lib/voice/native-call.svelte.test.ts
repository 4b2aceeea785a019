import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '$api/client';
import type { NativeVoiceEvent, TaggedVoiceEvent } from '$lib/desktop/voice-commands';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import { CallEngine } from './call.svelte';
import { leftReasonMessage, voiceErrorMessage } from './errors';
import { NativeCallEngine, TOKEN_PUSH_MS } from './native-call.svelte';
import { VoiceSettings } from './settings.svelte';
import { Voice } from './voice.svelte';

const invoke = vi.fn();
let inTauri = true;
vi.mock('@tauri-apps/api/core', () => ({
	invoke: (command: string, args?: unknown) => invoke(command, args),
	isTauri: () => inTauri
}));
let listener: ((event: { payload: TaggedVoiceEvent }) => void) | null = null;
const unlisten = vi.fn();
vi.mock('@tauri-apps/api/event', () => ({
	listen: async (name: string, handler: (event: { payload: TaggedVoiceEvent }) => void) => {
		if (name === 'voice://event') listener = handler;
		return () => {
			listener = null;
			unlisten();
		};
	}
}));

const ME = 'user-me';
const BOB = 'user-bob';
const SERVER = 'https://chat.test';

/** The tag the last `voice_join` gave its call. */
function lastTag(): string {
	const joins = invoke.mock.calls.filter(([name]) => name === 'voice_join');
	return (joins.at(-1)?.[1] as { call?: string } | undefined)?.call ?? 'none';
}

/** An engine event of the call joined last (or of the call tagged `call`). */
function emit(event: NativeVoiceEvent, call = lastTag()) {
	listener?.({ payload: { ...event, call } });
}

/** The commands sent to the engine, in order, with their arguments. */
function commands(): [string, unknown][] {
	return invoke.mock.calls.map(([name, args]) => [name as string, args]);
}

/** The arguments of each time one command was sent. */
function sent(command: string): unknown[] {
	return commands()
		.filter(([name]) => name === command)
		.map(([, args]) => args);
}

function participants(...ids: string[]): NativeVoiceEvent {
	return {
		type: 'participants',
		participants: ids.map((user_id) => ({
			user_id,
			call_session_id: `session-${user_id}`,
			self_mute: false,
			self_deaf: false,
			camera: false,
			screen_share: false
		}))
	};
}

async function setup(token: () => Promise<string | null> = async () => 'token-1') {
	const settings = new VoiceSettings(null);
	const tokens = { accessToken: vi.fn(token) };
	const engine = new NativeCallEngine({ selfId: ME, settings, tokens, server: SERVER });
	const stop = engine.start();
	// Starting ends any call left over from an earlier page.
	await vi.waitFor(() => expect(commands()).toEqual([['voice_leave', undefined]]));
	invoke.mockClear();
	return { engine, settings, tokens, stop };
}

beforeEach(() => {
	inTauri = true;
	listener = null;
	unlisten.mockClear();
	invoke.mockReset();
	invoke.mockImplementation(async (command: string) =>
		command === 'voice_join' ? { user_id: ME } : undefined
	);
});

afterEach(() => {
	vi.useRealTimers();
});

describe('NativeCallEngine', () => {
	it('joins through the engine with the server, a token and the switches', async () => {
		const { engine } = await setup();
		const joining = engine.join('v1');
		expect(engine.status).toBe('joining');
		expect(engine.channelId).toBe('v1');
		await joining;
		expect(commands()).toEqual([
			[
				'voice_join',
				{
					server: SERVER,
					token: 'token-1',
					channelId: 'v1',
					selfMute: false,
					selfDeaf: false,
					call: expect.stringMatching(/^\d+-[0-9a-f-]{36}$/)
				}
			]
		]);
		expect(engine.status).toBe('connected');
		expect(engine.inCall).toBe(true);
		expect(engine.notice).toBeNull();
	});

	it('says plainly why a join failed, and is idle again', async () => {
		const { engine } = await setup();
		invoke.mockRejectedValueOnce({ code: 'audio_device', message: 'no input device' });
		await engine.join('v1');
		expect(engine.status).toBe('idle');
		expect(engine.channelId).toBeNull();
		expect(engine.notice).toEqual({
			tone: 'error',
			text: 'Chatalot could not open your microphone: no input device.'
		});

		invoke.mockRejectedValueOnce({
			code: 'voice_join_failed',
			message: 'this call is full (call_full)'
		});
		await engine.join('v1');
		expect(engine.notice).toEqual({ tone: 'error', text: voiceErrorMessage('call_full') });

		invoke.mockRejectedValueOnce({
			code: 'voice_join_failed',
			message: 'cannot reach the server: connection refused'
		});
		await engine.join('v1');
		expect(engine.notice?.text).toBe('Cannot reach the server: connection refused.');
	});

	it('does not join without an access token', async () => {
		const { engine } = await setup(async () => null);
		await engine.join('v1');
		expect(sent('voice_join')).toEqual([]);
		expect(engine.status).toBe('idle');
		expect(engine.notice).toEqual({ tone: 'error', text: voiceErrorMessage('') });
	});

	it('leaves the call it is in before joining another', async () => {
		const { engine } = await setup();
		await engine.join('v1');
		await engine.join('v2');
		expect(commands().map(([name]) => name)).toEqual(['voice_join', 'voice_leave', 'voice_join']);
		expect(sent('voice_join')[1]).toMatchObject({ channelId: 'v2' });
		expect(engine.channelId).toBe('v2');
		expect(engine.status).toBe('connected');
	});

	it('leaves at once, and tells the engine', async () => {
		const { engine } = await setup();
		await engine.join('v1');
		emit(participants(ME, BOB));
		emit({ type: 'peer', user_id: BOB, state: 'connected' });
		emit({ type: 'speaking', user_id: BOB, speaking: true });
		engine.leave();
		expect(engine.status).toBe('idle');
		expect(engine.channelId).toBeNull();
		expect(engine.peers.size).toBe(0);
		expect(engine.speaking.size).toBe(0);
		expect(engine.notice).toBeNull();
		await vi.waitFor(() => expect(sent('voice_leave')).toHaveLength(1));
	});

	it('mutes and deafens by the same rules as the browser, sending what changed', async () => {
		const { engine } = await setup();
		await engine.join('v1');

		engine.setDeafened(true);
		expect([engine.selfMute, engine.selfDeaf]).toEqual([true, true]);
		// Undeafening brings back the mute from before.
		engine.setDeafened(false);
		expect([engine.selfMute, engine.selfDeaf]).toEqual([false, false]);
		engine.setMuted(true);
		engine.setDeafened(true);
		engine.setDeafened(false);
		expect([engine.selfMute, engine.selfDeaf]).toEqual([true, false]);
		// Unmuting while deafened undeafens.
		engine.setDeafened(true);
		engine.setMuted(false);
		expect([engine.selfMute, engine.selfDeaf]).toEqual([false, false]);

		await vi.waitFor(() =>
			expect(commands().slice(1)).toEqual([
				['voice_set_mute', { muted: true }],
				['voice_set_deaf', { deaf: true }],
				['voice_set_deaf', { deaf: false }],
				['voice_set_mute', { muted: false }],
				['voice_set_mute', { muted: true }],
				['voice_set_deaf', { deaf: true }],
				['voice_set_deaf', { deaf: false }],
				['voice_set_deaf', { deaf: true }],
				['voice_set_deaf', { deaf: false }],
				['voice_set_mute', { muted: false }]
			])
		);
	});

	it('joins with the switches as they are, and keeps them for the next call', async () => {
		const { engine } = await setup();
		await engine.join('v1');
		engine.setDeafened(true);
		engine.leave();
		engine.setMuted(false);
		expect([engine.selfMute, engine.selfDeaf]).toEqual([true, true]);
		await engine.join('v2');
		expect(sent('voice_join')[1]).toMatchObject({ selfMute: true, selfDeaf: true });
	});

	it('follows who speaks, the connections and the reconnects from the engine', async () => {
		const { engine } = await setup();
		await engine.join('v1');
		emit(participants(ME, BOB, 'user-cy'));
		emit({ type: 'speaking', user_id: ME, speaking: true });
		emit({ type: 'speaking', user_id: BOB, speaking: true });
		expect([...engine.speaking]).toEqual([ME, BOB]);
		emit({ type: 'speaking', user_id: ME, speaking: false });
		expect([...engine.speaking]).toEqual([BOB]);

		emit({ type: 'peer', user_id: BOB, state: 'connecting' });
		expect(engine.peers.get(BOB)).toEqual({
			userId: BOB,
			connection: 'connecting',
			problem: null,
			audio: null,
			camera: null,
			screen: null
		});
		emit({ type: 'peer', user_id: BOB, state: 'connected' });
		expect(engine.peers.get(BOB)).toMatchObject({ connection: 'connected', problem: null });
		emit({ type: 'peer', user_id: 'user-cy', state: 'failed' });
		expect(engine.peers.get('user-cy')).toMatchObject({ connection: 'failed', problem: 'failed' });
		emit({ type: 'peer', user_id: BOB, state: 'reconnecting' });
		expect(engine.peers.get(BOB)).toMatchObject({ connection: 'disconnected', problem: null });

		emit({ type: 'reconnecting' });
		expect(engine.status).toBe('rejoining');
		expect(engine.inCall).toBe(true);
		// Back, and Bob has gone meanwhile.
		emit(participants(ME, 'user-cy'));
		expect(engine.status).toBe('connected');
		expect(engine.peers.has(BOB)).toBe(false);
		expect(engine.speaking.has(BOB)).toBe(false);
		expect(engine.peers.has('user-cy')).toBe(true);
	});

	it('ends the call when the engine says so, telling why unless we left', async () => {
		const { engine } = await setup();
		await engine.join('v1');
		emit(participants(ME, BOB));
		emit({ type: 'peer', user_id: BOB, state: 'connected' });
		emit({ type: 'ended', reason: 'removed' });
		expect(engine.status).toBe('idle');
		expect(engine.channelId).toBeNull();
		expect(engine.peers.size).toBe(0);
		expect(engine.notice).toEqual({ tone: 'info', text: leftReasonMessage('removed') });
		// The engine lets go of the call it ended.
		await vi.waitFor(() => expect(sent('voice_leave')).toHaveLength(1));

		await engine.join('v1');
		emit({ type: 'ended', reason: 'left' });
		expect(engine.status).toBe('idle');
		expect(engine.notice).toBeNull();
	});

	it('ends a call that ended while its join was being answered', async () => {
		const { engine } = await setup();
		invoke.mockImplementationOnce(async () => {
			emit({ type: 'ended', reason: 'connection_lost' });
			return { user_id: ME };
		});
		await engine.join('v1');
		expect(engine.status).toBe('idle');
		expect(engine.notice).toEqual({ tone: 'info', text: leftReasonMessage('connection_lost') });
	});

	it('ignores the events of a call that is not ours', async () => {
		const { engine } = await setup();
		emit({ type: 'speaking', user_id: BOB, speaking: true });
		emit({ type: 'peer', user_id: BOB, state: 'connected' });
		emit({ type: 'ended', reason: 'removed' });
		expect(engine.speaking.size).toBe(0);
		expect(engine.peers.size).toBe(0);
		expect(engine.notice).toBeNull();
		await engine.join('v1');
		engine.leave();
		emit({ type: 'ended', reason: 'left' });
		emit({ type: 'speaking', user_id: BOB, speaking: true });
		expect(engine.speaking.size).toBe(0);
		expect(engine.status).toBe('idle');
	});

	it('ignores the late events of the call it left once the next one started', async () => {
		const { engine } = await setup();
		await engine.join('v1');
		const first = lastTag();
		await engine.join('v2');
		expect(lastTag()).not.toBe(first);
		// The first call's end and last words arrive after the second call began.
		emit({ type: 'ended', reason: 'left' }, first);
		emit({ type: 'speaking', user_id: BOB, speaking: true }, first);
		expect(engine.status).toBe('connected');
		expect(engine.channelId).toBe('v2');
		expect(engine.speaking.size).toBe(0);
		emit({ type: 'speaking', user_id: BOB, speaking: true });
		expect([...engine.speaking]).toEqual([BOB]);
	});

	it('sets volumes in the engine and remembers them for the next call', async () => {
		const { engine, settings } = await setup();
		await engine.join('v1');
		emit(participants(ME, BOB));
		expect(sent('voice_set_volume')).toEqual([]);
		engine.setVolume(BOB, 0.4);
		expect(settings.volumeOf(BOB)).toBe(0.4);
		expect(sent('voice_set_volume')).toEqual([{ userId: BOB, volume: 0.4 }]);
		engine.leave();
		await engine.join('v1');
		emit(participants(ME, BOB));
		expect(sent('voice_set_volume')).toEqual([
			{ userId: BOB, volume: 0.4 },
			{ userId: BOB, volume: 0.4 }
		]);
	});

	it('gives the engine a fresh access token while in a call', async () => {
		vi.useFakeTimers();
		let token = 'token-1';
		const { engine, tokens } = await setup(async () => token);
		await engine.join('v1');
		await vi.advanceTimersByTimeAsync(TOKEN_PUSH_MS);
		expect(tokens.accessToken).toHaveBeenCalledTimes(2);
		expect(sent('voice_set_token')).toEqual([]);

		token = 'token-2';
		await vi.advanceTimersByTimeAsync(TOKEN_PUSH_MS);
		expect(sent('voice_set_token')).toEqual([{ token: 'token-2' }]);
		await vi.advanceTimersByTimeAsync(TOKEN_PUSH_MS);
		expect(sent('voice_set_token')).toHaveLength(1);

		engine.leave();
		const asked = tokens.accessToken.mock.calls.length;
		token = 'token-3';
		await vi.advanceTimersByTimeAsync(TOKEN_PUSH_MS * 3);
		expect(tokens.accessToken).toHaveBeenCalledTimes(asked);
		expect(sent('voice_set_token')).toHaveLength(1);
	});

	it('sends a camera but no screen, and lists and remembers the devices through the engine', async () => {
		const { engine, settings } = await setup();
		expect(engine.supportsCamera).toBe(true);
		expect(engine.supportsScreen).toBe(false);
		expect(engine.pageMedia).toBe(false);
		const devices = {
			inputs: [{ id: 'mic-1', name: 'USB microphone' }],
			outputs: [],
			cameras: [{ id: '0', name: 'Webcam' }],
			input: null,
			output: null,
			camera: null
		};
		invoke.mockResolvedValueOnce(devices);
		expect(await engine.nativeDevices.list()).toEqual(devices);
		invoke.mockResolvedValueOnce({ ...devices, input: 'mic-1' });
		await engine.nativeDevices.select('mic-1', null, '0');
		expect(commands()).toEqual([
			['voice_devices', undefined],
			['voice_select_devices', { input: 'mic-1', output: null, camera: '0' }]
		]);
		expect(settings.prefs).toMatchObject({ microphoneId: 'mic-1', speakerId: '', cameraId: '0' });
	});

	it('gives the engine the devices chosen in an earlier run when it starts', async () => {
		const settings = new VoiceSettings(null);
		settings.update({ microphoneId: 'usb-mic', cameraId: '0' });
		const engine = new NativeCallEngine({
			selfId: ME,
			settings,
			tokens: { accessToken: async () => 'token' },
			server: SERVER
		});
		invoke.mockImplementation(async (command: string) => {
			if (command === 'voice_select_devices')
				throw { code: 'audio_device', message: 'that microphone is not connected' };
		});
		const stop = engine.start();
		await vi.waitFor(() =>
			expect(commands()).toEqual([
				['voice_leave', undefined],
				['voice_select_devices', { input: 'usb-mic', output: null, camera: '0' }]
			])
		);
		// Not connected now: the defaults hold, and the choice stays saved.
		expect(settings.prefs.microphoneId).toBe('usb-mic');
		invoke.mockReset();
		await vi.waitFor(() => expect(listener).not.toBeNull());
		stop();
		await vi.waitFor(() => expect(listener).toBeNull());
	});

	it('stops following the engine when stopped', async () => {
		const { stop } = await setup();
		expect(listener).not.toBeNull();
		stop();
		await vi.waitFor(() => expect(unlisten).toHaveBeenCalledOnce());
		expect(listener).toBeNull();
	});
});

describe('Voice in the desktop app', () => {
	function fakeRealtime() {
		const handlers = new Map<string, (event: unknown) => void>();
		return {
			handlers,
			request: vi.fn(async () => ({ nonce: 'n' })),
			signal: vi.fn(() => true),
			on: (type: string, handler: (event: unknown) => void) => {
				handlers.set(type, handler);
				return () => handlers.delete(type);
			},
			onResume: () => () => {}
		};
	}

	function voice(realtime = fakeRealtime()) {
		return new Voice({
			api: {} as Api,
			realtime: realtime as unknown as Realtime,
			selfId: ME,
			tokens: { accessToken: async () => 'token-1' },
			baseUrl: SERVER,
			settings: new VoiceSettings(null)
		});
	}

	it('runs calls in the native engine only inside the desktop app', () => {
		expect(voice().call).toBeInstanceOf(NativeCallEngine);
		inTauri = false;
		expect(voice().call).toBeInstanceOf(CallEngine);
	});

	it('sends nothing about the call over the realtime connection', async () => {
		const realtime = fakeRealtime();
		const v = voice(realtime);
		const stop = v.start();
		await v.call.join('v1');
		v.call.setMuted(true);
		v.call.setDeafened(true);
		v.call.rejoin();
		// The server tells everyone, us included, about our own call.
		realtime.handlers.get('voice_state')?.({
			channel_id: 'v1',
			user_id: ME,
			participant: {
				user_id: ME,
				call_session_id: 's',
				joined_at: '2026-01-01T00:00:00Z',
				self_mute: true,
				self_deaf: true,
				camera: false,
				screen_share: false
			}
		});
		// Gone from there (the engine's own `ended` ends the call here).
		realtime.handlers.get('voice_state')?.({ channel_id: 'v1', user_id: ME, reason: 'moved' });
		expect(v.call.status).toBe('connected');
		expect(v.roster.participants('v1')).toEqual([]);
		v.call.leave();
		stop();
		await vi.waitFor(() => expect(commands().at(-1)?.[0]).toBe('voice_leave'));
		expect(sent('voice_join')[0]).toMatchObject({ server: SERVER, channelId: 'v1' });
		expect(realtime.request).not.toHaveBeenCalled();
		expect(realtime.signal).not.toHaveBeenCalled();
	});

	it("asks the engine for the others' pictures", async () => {
		const { engine, stop } = await setup();
		const bytes = new ArrayBuffer(0);
		invoke.mockResolvedValueOnce(bytes);
		expect(await engine.pictures.next(BOB, 'screen', 41)).toBe(bytes);
		expect(sent('voice_video_frame')).toEqual([{ userId: BOB, slot: 'screen', after: 41 }]);
		stop();
	});

	it('turns the camera on and off in the call, and tells why it could not', async () => {
		const { engine, stop } = await setup();
		// Not in a call: nothing to turn on.
		await engine.setCamera(true);
		expect(sent('voice_set_camera')).toEqual([]);
		await engine.join('v1');
		await engine.setCamera(true);
		expect(engine.camera).toBe(true);
		await engine.setCamera(false);
		expect(engine.camera).toBe(false);
		expect(sent('voice_set_camera')).toEqual([{ on: true }, { on: false }]);

		invoke.mockImplementation(async (command: string) => {
			if (command === 'voice_set_camera') throw { code: 'camera', message: 'no camera was found' };
		});
		await engine.setCamera(true);
		expect(engine.camera).toBe(false);
		expect(engine.notice).toEqual({
			tone: 'error',
			text: 'Chatalot could not open your camera: no camera was found.'
		});
		invoke.mockReset();

		// Leaving turns it off here too.
		await engine.setCamera(true);
		expect(engine.camera).toBe(true);
		engine.leave();
		expect(engine.camera).toBe(false);
		stop();
	});
});
