/** Attachments that connect media streams to media elements. */
import type { Attachment } from 'svelte/attachments';

/** Plays `stream` in the element (muted elements play without a user gesture). */
export function playStream(stream: MediaStream | null): Attachment<HTMLMediaElement> {
	return (element) => {
		element.srcObject = stream;
		if (stream) void element.play().catch(() => {});
		return () => {
			element.srcObject = null;
		};
	};
}

/** Where and how loud an audio element plays. */
export function audioOutput(
	volume: number,
	muted: boolean,
	sinkId: string
): Attachment<HTMLAudioElement> {
	return (element) => {
		element.volume = volume;
		element.muted = muted;
		const withSink = element as HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };
		if (withSink.setSinkId && (withSink as { sinkId?: string }).sinkId !== sinkId)
			void withSink.setSinkId(sinkId).catch(() => {});
	};
}
