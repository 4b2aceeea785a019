/**
 * The ICE servers of the call under way: fetched for each call, and renewed before
 * their TURN credentials expire so that ICE restarts of long calls still get through.
 */
import type { Api } from '$api/client';
import { fetchIceConfig } from './ice';
import type { IceConfig } from './types';

/** Credentials are renewed when this share of their lifetime is over (at least 1 min). */
const RENEW_AT = 0.8;

export class IceServers {
	config: IceConfig | null = null;
	private readonly api: Api;
	private readonly renewed: (config: IceConfig) => void;
	private timer: ReturnType<typeof setTimeout> | null = null;
	/** Bumped by `stop`: an answer that arrives afterwards is not kept. */
	private generation = 0;

	constructor(api: Api, renewed: (config: IceConfig) => void) {
		this.api = api;
		this.renewed = renewed;
	}

	async load(): Promise<IceConfig> {
		const generation = this.generation;
		const config = await fetchIceConfig(this.api);
		if (generation === this.generation) this.use(config);
		return config;
	}

	stop(): void {
		this.generation += 1;
		this.clear();
	}

	private clear(): void {
		if (this.timer) clearTimeout(this.timer);
		this.timer = null;
		this.config = null;
	}

	private use(config: IceConfig): void {
		this.clear();
		this.config = config;
		if (!config.expires_at) return;
		const left = Date.parse(config.expires_at) - Date.now();
		this.timer = setTimeout(
			async () => {
				const fresh = await fetchIceConfig(this.api);
				// Stopped, or loaded again for a new join, meanwhile.
				if (this.config !== config) return;
				this.use(fresh);
				this.renewed(fresh);
			},
			Math.max(60_000, left * RENEW_AT)
		);
	}
}
