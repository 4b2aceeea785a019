/**
 * Who is in which voice channel's call, for everyone who may read the channel (in the
 * call or not): the full picture from `ready`, calls fetched or answered to a join,
 * voice channels' `voice_participants` in channel lists, and live `voice_state` events.
 *
 * A REST answer may have been on its way while a live event arrived; it is older than
 * the event, so answers are stamped with {@link VoiceRoster.mark} taken before the
 * request and give way to newer live state.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { VoiceCall, VoiceLeaveReason, VoiceParticipant } from './types';

export interface VoiceStateEvent {
	channel_id: string;
	user_id: string;
	participant?: VoiceParticipant;
	reason?: VoiceLeaveReason;
}

/** A channel as channel lists carry it: voice channels with their participants. */
export interface ChannelWithVoice {
	id: string;
	kind: string;
	/** Absent: unknown (text channels, `channel_created`/`updated`): keep what is known. */
	voice_participants?: VoiceParticipant[] | null;
}

const NONE: readonly VoiceParticipant[] = Object.freeze([]);

export class VoiceRoster {
	/** Channel ID → participants in the order they joined (only calls with someone in). */
	readonly calls = new SvelteMap<string, VoiceParticipant[]>();
	private seq = 0;
	/** Stamps older than this predate the last full picture (`ready`). */
	private resetAt = 0;
	// eslint-disable-next-line svelte/prefer-svelte-reactivity -- bookkeeping, never rendered
	private readonly liveAt = new Map<string, number>();

	/** A stamp to take before fetching something that {@link setCall} or {@link seedChannels} will get. */
	mark(): number {
		return this.seq;
	}

	participants(channelId: string): readonly VoiceParticipant[] {
		return this.calls.get(channelId) ?? NONE;
	}

	participant(channelId: string, userId: string): VoiceParticipant | undefined {
		return this.calls.get(channelId)?.find((p) => p.user_id === userId);
	}

	/** The calls of `ready`: every call the user may see; any other has ended. */
	reset(calls: readonly VoiceCall[]): void {
		this.seq += 1;
		this.resetAt = this.seq;
		this.liveAt.clear();
		this.calls.clear();
		for (const call of calls) {
			if (call.participants.length) this.calls.set(call.channel_id, [...call.participants]);
		}
	}

	/** A call as the server answered it (a join's ack, `GET /api/channels/{id}/voice`). */
	setCall(call: VoiceCall, stamp: number = this.seq): void {
		if (!this.fresh(call.channel_id, stamp)) return;
		this.put(call.channel_id, [...call.participants]);
	}

	/** A channel list: its voice channels' participants, where nothing newer is known. */
	seedChannels(channels: readonly ChannelWithVoice[], stamp: number): void {
		for (const channel of channels) {
			if (channel.kind !== 'voice' || !channel.voice_participants) continue;
			if (!this.fresh(channel.id, stamp)) continue;
			this.put(channel.id, [...channel.voice_participants]);
		}
	}

	/** A live `voice_state`: someone joined, changed flags or left. */
	apply(event: VoiceStateEvent): void {
		this.seq += 1;
		this.liveAt.set(event.channel_id, this.seq);
		const list = this.calls.get(event.channel_id) ?? [];
		const others = list.filter((p) => p.user_id !== event.user_id);
		if (!event.participant) {
			if (others.length !== list.length) this.put(event.channel_id, others);
			return;
		}
		// Someone is in one call at a time: joining here moved them out of any other.
		for (const [channelId, participants] of this.calls) {
			if (channelId !== event.channel_id && participants.some((p) => p.user_id === event.user_id))
				this.put(
					channelId,
					participants.filter((p) => p.user_id !== event.user_id)
				);
		}
		const at = list.findIndex((p) => p.user_id === event.user_id);
		const next = [...list];
		if (at >= 0) next[at] = event.participant;
		else next.push(event.participant);
		this.put(event.channel_id, next);
	}

	/** The channel was deleted: its call is over. */
	channelGone(channelId: string): void {
		this.calls.delete(channelId);
		this.liveAt.delete(channelId);
	}

	/** The channel whose call the user is in, if any is known. */
	channelOf(userId: string): string | null {
		for (const [channelId, participants] of this.calls) {
			if (participants.some((p) => p.user_id === userId)) return channelId;
		}
		return null;
	}

	private fresh(channelId: string, stamp: number): boolean {
		return stamp >= this.resetAt && (this.liveAt.get(channelId) ?? 0) <= stamp;
	}

	private put(channelId: string, participants: VoiceParticipant[]): void {
		if (participants.length) this.calls.set(channelId, participants);
		else this.calls.delete(channelId);
	}
}
