/**
 * The notification sound: a short two-tone blip made with WebAudio (no audio file).
 * Silent where there is no WebAudio (tests, some embedded browsers) or the browser has
 * not allowed audio yet (no interaction with the page so far).
 */
type AudioContextClass = typeof AudioContext;

let context: AudioContext | null = null;

function audioContext(): AudioContext | null {
	if (context) return context;
	const Class: AudioContextClass | undefined =
		globalThis.AudioContext ??
		(globalThis as unknown as { webkitAudioContext?: AudioContextClass }).webkitAudioContext;
	if (!Class) return null;
	try {
		context = new Class();
	} catch {
		return null;
	}
	return context;
}

/** Plays the blip; never throws. */
export function playNotificationSound(volume = 0.15): void {
	try {
		const audio = audioContext();
		if (!audio) return;
		if (audio.state === 'suspended') void audio.resume().catch(() => {});
		const start = audio.currentTime + 0.01;
		const gain = audio.createGain();
		gain.connect(audio.destination);
		gain.gain.setValueAtTime(0.0001, start);
		gain.gain.exponentialRampToValueAtTime(volume, start + 0.015);
		gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.22);
		const tone = audio.createOscillator();
		tone.type = 'sine';
		tone.frequency.setValueAtTime(880, start);
		tone.frequency.setValueAtTime(1320, start + 0.08);
		tone.connect(gain);
		tone.start(start);
		tone.stop(start + 0.24);
		tone.onended = () => gain.disconnect();
	} catch {
		// A sound is not worth an error.
	}
}
