import { describe, expect, it } from 'vitest';
import {
	audioDeviceErrorMessage,
	leftReasonMessage,
	mediaErrorMessage,
	nativeJoinErrorMessage,
	peerProblemMessage,
	voiceErrorMessage
} from './errors';

describe('voice messages', () => {
	it('explains refused joins plainly', () => {
		expect(voiceErrorMessage('call_full')).toMatch(/full/);
		expect(voiceErrorMessage('not_a_voice_channel')).toBe('This is not a voice channel.');
		expect(voiceErrorMessage('timed_out')).toMatch(/timed out/);
		expect(voiceErrorMessage('channel_archived')).toMatch(/archived/);
		expect(voiceErrorMessage('forbidden', 'you may not read this channel')).toBe(
			'You may not read this channel'
		);
	});

	it('says why the call ended without leaving it here', () => {
		expect(leftReasonMessage('disconnected')).toBe('A moderator disconnected you from voice.');
		expect(leftReasonMessage('removed')).toMatch(/removed/);
		expect(leftReasonMessage('moved')).toMatch(/another device/);
		expect(leftReasonMessage('connection_lost')).toMatch(/connection was lost/);
	});

	it('tells a denied microphone from a missing or busy one', () => {
		const denied = new DOMException('Permission denied', 'NotAllowedError');
		expect(mediaErrorMessage(denied, 'microphone')).toMatch(
			/may not use your microphone: permission was denied/
		);
		expect(mediaErrorMessage(new DOMException('', 'NotFoundError'), 'camera')).toMatch(
			/No camera was found/
		);
		expect(mediaErrorMessage(new DOMException('', 'NotReadableError'), 'microphone')).toMatch(
			/in use/
		);
		expect(mediaErrorMessage(new TypeError('x'), 'microphone')).toMatch(/secure \(HTTPS\)/);
		expect(mediaErrorMessage(denied, 'screen')).toMatch(/cancelled or not allowed/);
	});

	it("explains the desktop engine's failures in sentences", () => {
		expect(nativeJoinErrorMessage('audio_device', 'the microphone is busy')).toBe(
			'Chatalot could not open your microphone: the microphone is busy.'
		);
		expect(nativeJoinErrorMessage('audio_device', '')).toBe(
			'Chatalot could not open your microphone.'
		);
		// The server's refusal, passed on by the engine.
		expect(
			nativeJoinErrorMessage('voice_join_failed', 'channel is archived (channel_archived)')
		).toBe(voiceErrorMessage('channel_archived'));
		expect(nativeJoinErrorMessage('voice_join_failed', 'the server did not answer in time')).toBe(
			'The server did not answer in time.'
		);
		expect(nativeJoinErrorMessage('internal', '')).toBe(voiceErrorMessage(''));
		expect(audioDeviceErrorMessage('that microphone is not connected')).toBe(
			'That microphone is not connected.'
		);
	});

	it('names the person a connection problem is about', () => {
		expect(peerProblemMessage('relay_unreachable', 'Ann')).toBe(
			"Can't connect to Ann: the relay (TURN) server is unreachable."
		);
		expect(peerProblemMessage('failed', 'Ann')).toMatch(/^Can't connect to Ann/);
	});
});
