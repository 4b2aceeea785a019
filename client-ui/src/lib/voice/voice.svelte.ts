/**
 * Voice for the signed-in user: who is in which call ({@link VoiceRoster}), this
 * device's call and the voice settings, fed by the realtime connection. The call runs
 * in the page ({@link CallEngine}), or in the desktop app's native engine
 * ({@link NativeCallEngine}). One instance per chat session (`chat.voice`).
 */
import { unwrap, type AccessTokenSource, type Api } from '$api/client';
import { isDesktop } from '$lib/desktop/commands';
import type { Realtime } from '$lib/realtime/realtime.svelte';
import { CallEngine } from './call.svelte';
import type { CallController } from './controller';
import { NativeCallEngine } from './native-call.svelte';
import { VoiceRoster } from './roster.svelte';
import { VoiceSettings } from './settings.svelte';
import type { VoiceCall } from './types';

export interface VoiceOptions {
	api: Api;
	realtime: Realtime;
	selfId: string;
	/** Access tokens for the native engine, which talks to the server itself. */
	tokens: Pick<AccessTokenSource, 'accessToken'>;
	/** The server's origin; by default the page's own. */
	baseUrl?: string;
	settings?: VoiceSettings;
}

export class Voice {
	readonly roster = new VoiceRoster();
	readonly settings: VoiceSettings;
	readonly call: CallController;
	private readonly api: Api;
	private readonly realtime: Realtime;

	constructor(options: VoiceOptions) {
		this.api = options.api;
		this.realtime = options.realtime;
		this.settings = options.settings ?? new VoiceSettings();
		this.call = isDesktop()
			? new NativeCallEngine({
					selfId: options.selfId,
					settings: this.settings,
					tokens: options.tokens,
					server: options.baseUrl ?? location.origin
				})
			: new CallEngine({
					api: options.api,
					realtime: options.realtime,
					selfId: options.selfId,
					roster: this.roster,
					settings: this.settings
				});
	}

	/** Subscribes to the realtime events (and the call engine's own); returns the function that stops it all. */
	start(): () => void {
		const rt = this.realtime;
		const unsubscribe = [
			rt.on('ready', (e) => this.roster.reset(e.voice ?? [])),
			rt.on('voice_state', (e) => {
				this.roster.apply(e);
				this.call.onVoiceState(e);
			}),
			rt.on('voice_signal', (e) => this.call.onSignal(e)),
			rt.on('channel_deleted', (e) => this.roster.channelGone(e.channel_id)),
			rt.onResume(() => this.call.rejoin()),
			this.call.start()
		];
		const online = () => this.call.restartIce();
		// Closing the tab ends the call at once (and frees the relay's allocations).
		const pagehide = () => this.call.leave();
		window.addEventListener('online', online);
		window.addEventListener('pagehide', pagehide);
		return () => {
			for (const stop of unsubscribe) stop();
			window.removeEventListener('online', online);
			window.removeEventListener('pagehide', pagehide);
			this.call.leave();
		};
	}

	/** Refreshes one voice channel's call (when it is opened). */
	async loadCall(channelId: string): Promise<VoiceCall> {
		const stamp = this.roster.mark();
		const call = (await unwrap(
			this.api.GET(
				'/api/channels/{channel_id}/voice' as never,
				{
					params: { path: { channel_id: channelId } }
				} as never
			)
		)) as VoiceCall;
		this.roster.setCall(call, stamp);
		return call;
	}

	/** A moderator disconnects someone from a call (the server checks the rank rule). */
	async disconnect(channelId: string, userId: string): Promise<void> {
		await unwrap(
			this.api.DELETE(
				'/api/channels/{channel_id}/voice/participants/{user_id}' as never,
				{
					params: { path: { channel_id: channelId, user_id: userId } }
				} as never
			)
		);
	}
}
