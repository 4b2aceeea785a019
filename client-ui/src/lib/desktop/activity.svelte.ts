/**
 * Messages that concern the signed-in user — direct messages and @mentions — taken
 * from the real-time gateway, listed in the desktop bar and announced with an OS
 * notification while the window is not focused. A small desktop-only listener until
 * the web client's realtime module exists; it reconnects with backoff.
 */
import {
	isPermissionGranted,
	requestPermission,
	sendNotification
} from '@tauri-apps/plugin-notification';
import type { Session } from '$lib/auth';

export interface ActivityItem {
	id: string;
	channelId: string;
	author: string;
	content: string;
	kind: 'dm' | 'mention';
	at: string;
}

interface MessageEvent {
	id: string;
	channel_id: string;
	content: string;
	author?: { id: string; username: string; display_name?: string | null } | null;
	created_at: string;
}

const KEEP = 20;

export class Activity {
	items = $state<ActivityItem[]>([]);
	connected = $state(false);

	private socket: WebSocket | null = null;
	// Not rendered: a plain Set is enough.
	// eslint-disable-next-line svelte/prefer-svelte-reactivity
	private dmChannels = new Set<string>();
	private stopped = false;
	private retry = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;

	constructor(
		private readonly session: Session,
		private readonly baseUrl: string
	) {}

	start(): void {
		this.stopped = false;
		void this.connect();
	}

	stop(): void {
		this.stopped = true;
		if (this.timer) clearTimeout(this.timer);
		this.socket?.close();
		this.socket = null;
	}

	private async connect(): Promise<void> {
		const token = await this.session.tokens.accessToken();
		if (!token || this.stopped) return;
		await this.loadDms();
		const socket = new WebSocket(this.baseUrl.replace(/^http/, 'ws') + '/ws');
		this.socket = socket;
		socket.onopen = () => socket.send(JSON.stringify({ type: 'authenticate', token }));
		socket.onmessage = (event) => this.onEvent(JSON.parse(String(event.data)));
		socket.onclose = () => {
			this.connected = false;
			if (this.stopped || this.socket !== socket) return;
			const delay = Math.min(30_000, 1000 * 2 ** this.retry++);
			this.timer = setTimeout(() => void this.connect(), delay);
		};
	}

	private async loadDms(): Promise<void> {
		try {
			const { data } = await this.session.api.GET('/api/dms');
			for (const dm of data ?? []) this.dmChannels.add(dm.channel_id);
		} catch {
			// Unknown DMs are looked up again when their first message arrives.
		}
	}

	private onEvent(event: { type: string; message?: MessageEvent }): void {
		if (event.type === 'ready') {
			this.connected = true;
			this.retry = 0;
			return;
		}
		if (event.type !== 'message_created' || !event.message) return;
		void this.consider(event.message);
	}

	private async consider(message: MessageEvent): Promise<void> {
		const me = this.session.user;
		if (!me || message.author?.id === me.id) return;
		if (!this.dmChannels.has(message.channel_id)) await this.loadDms();
		const mention = new RegExp(`(^|\\W)@${escape(me.username)}(\\W|$)`, 'i').test(message.content);
		const kind: ActivityItem['kind'] | null = this.dmChannels.has(message.channel_id)
			? 'dm'
			: mention
				? 'mention'
				: null;
		if (!kind) return;
		const author = message.author?.display_name || message.author?.username || 'Someone';
		this.items = [
			{
				id: message.id,
				channelId: message.channel_id,
				author,
				content: message.content,
				kind,
				at: message.created_at
			},
			...this.items
		].slice(0, KEEP);
		if (!document.hasFocus())
			await notify(kind === 'dm' ? author : `${author} mentioned you`, message.content);
	}
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function notify(title: string, body: string): Promise<void> {
	try {
		let granted = await isPermissionGranted();
		if (!granted) granted = (await requestPermission()) === 'granted';
		if (granted) sendNotification({ title, body: body.slice(0, 200) });
	} catch {
		// No notification service (e.g. a headless session): the list still shows it.
	}
}
