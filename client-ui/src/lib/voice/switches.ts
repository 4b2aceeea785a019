/**
 * The mute and deafen rules both call engines follow, like a headset's switches:
 * deafening also mutes and remembers whether we were muted before; undeafening
 * restores that; unmuting means hearing again.
 */
export interface Switches {
	mute: boolean;
	deaf: boolean;
	/** Muted before deafening (restored when undeafened). */
	mutedBeforeDeaf: boolean;
}

export function withMute(now: Switches, mute: boolean): Switches {
	return { ...now, mute, deaf: mute ? now.deaf : false };
}

export function withDeaf(now: Switches, deaf: boolean): Switches {
	if (deaf === now.deaf) return now;
	return deaf
		? { mute: true, deaf: true, mutedBeforeDeaf: now.mute }
		: { ...now, mute: now.mutedBeforeDeaf, deaf: false };
}
