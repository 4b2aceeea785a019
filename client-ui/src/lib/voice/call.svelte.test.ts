import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Api } from '$api/client';
import { ActionError } from '$lib/realtime/requests';
import { CallEngine } from './call.svelte';
import { openMicrophone } from './media';
import { VoiceRoster } from './roster.svelte';
import { VoiceSettings } from './settings.svelte';

vi.mock('./media', () => ({
	openMicrophone: vi.fn(),
	openCamera: vi.fn(),
	openScreen: vi.fn()
}));
vi.mock('./ice', () => ({
	fetchIceConfig: vi.fn(async () => ({ ice_servers: [] })),
	usesRelay: () => false,
	rtcIceServers: () => []
}));

const ME = 'user-me';
const SESSION = 'session-1';

function fakeTrack() {
	return {
		enabled: true,
		stop: vi.fn(),
		kind: 'audio',
		addEventListener: vi.fn()
	} as unknown as MediaStreamTrack & {
		stop: ReturnType<typeof vi.fn>;
	};
}

function me(session = SESSION, flags = {}) {
	return {
		user_id: ME,
		call_session_id: session,
		joined_at: '2026-01-01T00:00:00Z',
		self_mute: false,
		self_deaf: false,
		camera: false,
		screen_share: false,
		...flags
	};
}

function setup() {
	const request = vi.fn(async (frame: { type: string }) => {
		if (frame.type === 'voice_join')
			return {
				nonce: 'n',
				call: { channel_id: 'v1', topology: 'mesh', max_participants: 25, participants: [me()] }
			};
		return { nonce: 'n' };
	});
	const engine = new CallEngine({
		api: {} as Api,
		realtime: { request, signal: vi.fn(() => true) } as never,
		selfId: ME,
		roster: new VoiceRoster(),
		settings: new VoiceSettings(null)
	});
	return { engine, request };
}

describe('CallEngine', () => {
	let mic: ReturnType<typeof fakeTrack>;
	beforeEach(() => {
		mic = fakeTrack();
		vi.mocked(openMicrophone).mockResolvedValue(mic);
	});

	it('does not join when the microphone is denied, and says why', async () => {
		vi.mocked(openMicrophone).mockRejectedValue(new DOMException('no', 'NotAllowedError'));
		const { engine, request } = setup();
		await engine.join('v1');
		expect(engine.status).toBe('idle');
		expect(engine.notice?.text).toMatch(/permission was denied/);
		expect(request).not.toHaveBeenCalled();
	});

	it('shows a refused join plainly and releases the microphone', async () => {
		const { engine, request } = setup();
		request.mockRejectedValueOnce(new ActionError('call_full', 'full'));
		await engine.join('v1');
		expect(engine.status).toBe('idle');
		expect(engine.notice?.text).toMatch(/This call is full/);
		expect(mic.stop).toHaveBeenCalled();
	});

	it('joins with the current flags and learns its call session', async () => {
		const { engine, request } = setup();
		await engine.join('v1');
		expect(request).toHaveBeenCalledWith({
			type: 'voice_join',
			channel_id: 'v1',
			self_mute: false,
			self_deaf: false
		});
		expect(engine.status).toBe('connected');
		expect(engine.channelId).toBe('v1');
	});

	it('mutes the track and tells the server; deafening mutes too and undeafening restores', async () => {
		const { engine, request } = setup();
		await engine.join('v1');
		engine.setMuted(true);
		expect(mic.enabled).toBe(false);
		expect(request).toHaveBeenLastCalledWith({
			type: 'voice_update',
			self_mute: true,
			self_deaf: false
		});
		engine.setMuted(false);
		engine.setDeafened(true);
		expect(mic.enabled).toBe(false);
		expect(request).toHaveBeenLastCalledWith({
			type: 'voice_update',
			self_mute: true,
			self_deaf: true
		});
		engine.setDeafened(false);
		expect(mic.enabled).toBe(true);
		expect(engine.selfMute).toBe(false);
	});

	it('ends the call and says so when a moderator disconnects us', async () => {
		const { engine } = setup();
		await engine.join('v1');
		// About another call: not ours.
		engine.onVoiceState({ channel_id: 'v2', user_id: ME, reason: 'disconnected' });
		expect(engine.status).toBe('connected');
		engine.onVoiceState({ channel_id: 'v1', user_id: ME, reason: 'disconnected' });
		expect(engine.status).toBe('idle');
		expect(engine.notice?.text).toBe('A moderator disconnected you from voice.');
		expect(mic.stop).toHaveBeenCalled();
	});

	it('gives way when the same call is joined from another device', async () => {
		const { engine } = setup();
		await engine.join('v1');
		engine.onVoiceState({
			channel_id: 'v1',
			user_id: ME,
			participant: me(SESSION, { self_mute: true })
		});
		expect(engine.status).toBe('connected');
		engine.onVoiceState({ channel_id: 'v1', user_id: ME, participant: me('session-2') });
		expect(engine.status).toBe('idle');
		expect(engine.notice?.text).toMatch(/another device/);
	});

	it('leaves with voice_leave and ignores the echo of it', async () => {
		const { engine, request } = setup();
		await engine.join('v1');
		engine.leave();
		expect(request).toHaveBeenLastCalledWith({ type: 'voice_leave' });
		engine.onVoiceState({ channel_id: 'v1', user_id: ME, reason: 'left' });
		expect(engine.status).toBe('idle');
		expect(engine.notice).toBeNull();
	});

	it('joins again after a reconnect to keep its place', async () => {
		const { engine, request } = setup();
		await engine.join('v1');
		engine.setMuted(true);
		engine.rejoin();
		expect(engine.status).toBe('rejoining');
		await vi.waitFor(() => expect(engine.status).toBe('connected'));
		expect(request).toHaveBeenLastCalledWith({
			type: 'voice_join',
			channel_id: 'v1',
			self_mute: true,
			self_deaf: false
		});
	});
});
