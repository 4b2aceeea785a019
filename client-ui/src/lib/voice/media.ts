/** Local media: the microphone, the camera and the screen, as the settings ask. */
import type { VoicePrefs } from './settings.svelte';

export function microphoneConstraints(prefs: VoicePrefs): MediaTrackConstraints {
	return {
		echoCancellation: prefs.echoCancellation,
		noiseSuppression: prefs.noiseSuppression,
		autoGainControl: prefs.autoGainControl,
		...(prefs.microphoneId ? { deviceId: { exact: prefs.microphoneId } } : {})
	};
}

function mediaDevices(): MediaDevices {
	// Absent outside secure contexts (plain HTTP on another host than localhost).
	if (!navigator.mediaDevices?.getUserMedia) throw new TypeError('no media devices');
	return navigator.mediaDevices;
}

/** The microphone; a chosen device that is gone falls back to the default one. */
export async function openMicrophone(prefs: VoicePrefs): Promise<MediaStreamTrack> {
	const devices = mediaDevices();
	try {
		const stream = await devices.getUserMedia({ audio: microphoneConstraints(prefs) });
		return stream.getAudioTracks()[0]!;
	} catch (error) {
		if (!prefs.microphoneId || !isMissingDevice(error)) throw error;
		const stream = await devices.getUserMedia({
			audio: microphoneConstraints({ ...prefs, microphoneId: '' })
		});
		return stream.getAudioTracks()[0]!;
	}
}

export async function openCamera(prefs: VoicePrefs): Promise<MediaStreamTrack> {
	const devices = mediaDevices();
	const video: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 } };
	try {
		const stream = await devices.getUserMedia({
			video: prefs.cameraId ? { ...video, deviceId: { exact: prefs.cameraId } } : video
		});
		return stream.getVideoTracks()[0]!;
	} catch (error) {
		if (!prefs.cameraId || !isMissingDevice(error)) throw error;
		const stream = await devices.getUserMedia({ video });
		return stream.getVideoTracks()[0]!;
	}
}

export async function openScreen(): Promise<MediaStreamTrack> {
	if (!navigator.mediaDevices?.getDisplayMedia) throw new TypeError('no screen capture');
	const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
	return stream.getVideoTracks()[0]!;
}

export interface DeviceLists {
	microphones: MediaDeviceInfo[];
	cameras: MediaDeviceInfo[];
	speakers: MediaDeviceInfo[];
}

/** Devices by kind (their labels appear once a permission was granted). */
export async function listDevices(): Promise<DeviceLists> {
	const all = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
	return {
		microphones: all.filter((d) => d.kind === 'audioinput'),
		cameras: all.filter((d) => d.kind === 'videoinput'),
		speakers: all.filter((d) => d.kind === 'audiooutput')
	};
}

/** Choosing where sound plays (`setSinkId`) works in this browser. */
export function canChooseSpeaker(): boolean {
	return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

function isMissingDevice(error: unknown): boolean {
	const name = error instanceof Error || error instanceof DOMException ? error.name : '';
	return name === 'OverconstrainedError' || name === 'NotFoundError';
}
