/** What went wrong with a call, in words for people. */
import type { VoiceLeaveReason } from './types';

/** The server refused `voice_join` (or another voice action). */
export function voiceErrorMessage(code: string, serverMessage?: string): string {
	switch (code) {
		case 'call_full':
			return 'This call is full: a call has room for 25 people.';
		case 'not_a_voice_channel':
			return 'This is not a voice channel.';
		case 'timed_out':
			return 'You are timed out in this community and cannot join voice for now.';
		case 'channel_archived':
			return 'This channel is archived: its call is closed.';
		case 'no_answer':
			return 'Not connected to the server. Check your connection and try again.';
		case 'not_in_call':
			return 'You are no longer in this call.';
		default:
			return serverMessage ? capitalise(serverMessage) : 'Could not join the call. Try again.';
	}
}

/**
 * The desktop's native engine could not join (`voice_join`'s `{code, message}`). The
 * server's refusals arrive inside the message as "<message> (<code>)".
 */
export function nativeJoinErrorMessage(code: string, message: string): string {
	if (code === 'audio_device')
		return message.trim()
			? `Chatalot could not open your microphone: ${sentence(message)}`
			: 'Chatalot could not open your microphone.';
	const refused = /^(.*) \(([a-z_]+)\)$/.exec(message);
	if (code === 'voice_join_failed' && refused) return voiceErrorMessage(refused[2]!, refused[1]);
	return voiceErrorMessage('', sentence(message));
}

/** The desktop's native engine could not start the camera (`voice_set_camera`'s message). */
export function cameraErrorMessage(message: string): string {
	return message.trim()
		? `Chatalot could not open your camera: ${sentence(message)}`
		: 'Chatalot could not open your camera.';
}

/** The native engine's microphones and speakers could not be listed or chosen. */
export function audioDeviceErrorMessage(message: string): string {
	return message.trim()
		? sentence(capitalise(message.trim()))
		: 'Chatalot could not reach your microphones and speakers.';
}

/** We are out of the call without having left from this device (`voice_state` for us). */
export function leftReasonMessage(reason: VoiceLeaveReason | undefined): string {
	switch (reason) {
		case 'disconnected':
			return 'A moderator disconnected you from voice.';
		case 'removed':
			return 'You were removed from the call: you can no longer be in this channel.';
		case 'moved':
			return 'You joined another call from another device.';
		case 'connection_lost':
			return 'Your connection was lost for too long and the call ended for you.';
		case 'left':
			return 'You left the call from another device.';
		default:
			return 'You are no longer in the call.';
	}
}

/** The same call joined from another device took over. */
export const REPLACED_MESSAGE = 'You joined this call from another device.';

/** getUserMedia / getDisplayMedia failed; `device` names what was asked for. */
export function mediaErrorMessage(
	error: unknown,
	device: 'microphone' | 'camera' | 'screen'
): string {
	const name = error instanceof DOMException || error instanceof Error ? error.name : '';
	if (device === 'screen') {
		if (name === 'NotAllowedError') return 'Screen sharing was cancelled or not allowed.';
		return 'Your screen could not be shared.';
	}
	switch (name) {
		case 'NotAllowedError':
		case 'SecurityError':
			return `Chatalot may not use your ${device}: permission was denied. Allow it in your browser's site settings, then try again.`;
		case 'NotFoundError':
		case 'OverconstrainedError':
			return `No ${device} was found. Connect one (or choose another in voice settings) and try again.`;
		case 'NotReadableError':
		case 'AbortError':
			return `Your ${device} is in use by another app or could not be started.`;
		case 'TypeError':
			return `This browser cannot use a ${device} here: calls need a secure (HTTPS) connection.`;
		default:
			return `Your ${device} could not be started.`;
	}
}

/** Why media cannot flow to one person. */
export type PeerProblem = 'relay_unreachable' | 'failed';

export function peerProblemMessage(problem: PeerProblem, name: string): string {
	if (problem === 'relay_unreachable')
		return `Can't connect to ${name}: the relay (TURN) server is unreachable.`;
	return `Can't connect to ${name}: the connection failed. Retrying…`;
}

/** Ends the text with a full stop, unless it has one. */
function sentence(text: string): string {
	const trimmed = text.trim();
	return !trimmed || /[.!?…]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

function capitalise(text: string): string {
	return text.length ? text[0]!.toUpperCase() + text.slice(1) : text;
}
