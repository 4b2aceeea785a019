/**
 * The native call engine as a process (`voice-probe`, built from tests/native-voice):
 * it joins a voice channel playing a tone and reports, one JSON object per line,
 * its peers, who speaks, what it hears (strongest frequency, its share of the
 * energy) and the video it decodes. Lines on its stdin mute, unmute or leave.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export type ProbeReport =
	| { type: 'joined'; user_id: string }
	| { type: 'participants'; user_ids: string[] }
	| { type: 'peer'; user_id: string; state: string }
	| { type: 'speaking'; user_id: string; speaking: boolean }
	| { type: 'heard'; hz: number; purity: number; rms: number }
	/** Decoded video from one participant's slot: frames so far, the last one's size and mean colour. */
	| {
			type: 'video';
			user_id: string;
			slot: 'camera' | 'screen';
			frames: number;
			width: number;
			height: number;
			y: number;
			u: number;
			v: number;
	  }
	| { type: 'ended'; reason: string };

/** Where the probe is: $CHATALOT_VOICE_PROBE_BIN, or the debug build. */
export function probeBinary(): string {
	if (process.env.CHATALOT_VOICE_PROBE_BIN) return process.env.CHATALOT_VOICE_PROBE_BIN;
	const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/chatalot/target');
	return join(target, 'debug/voice-probe');
}

export function probeAvailable(): boolean {
	return existsSync(probeBinary());
}

export class Probe {
	readonly reports: ProbeReport[] = [];
	readonly log: string[] = [];
	private readonly child: ChildProcess;
	private waiters: (() => void)[] = [];

	constructor(options: {
		server: string;
		token: string;
		channel: string;
		tone: number;
		/** Send a test pattern as its camera (320×240, blue). */
		camera?: boolean;
		/** Send this WAV file (48 kHz) instead of the tone. */
		wav?: string;
	}) {
		this.child = spawn(
			probeBinary(),
			[
				'--server',
				options.server,
				'--channel',
				options.channel,
				'--tone',
				String(options.tone),
				'--relay-only',
				'--bind',
				'127.0.0.1:0',
				...(options.camera ? ['--camera'] : []),
				...(options.wav ? ['--wav', options.wav] : [])
			],
			{
				env: { ...process.env, VOICE_PROBE_TOKEN: options.token },
				stdio: ['pipe', 'pipe', 'pipe']
			}
		);
		createInterface({ input: this.child.stdout! }).on('line', (line) => {
			try {
				this.reports.push(JSON.parse(line) as ProbeReport);
			} catch {
				this.log.push(line);
			}
			for (const wake of this.waiters.splice(0)) wake();
		});
		createInterface({ input: this.child.stderr! }).on('line', (line) => this.log.push(line));
		this.child.on('exit', () => {
			for (const wake of this.waiters.splice(0)) wake();
		});
	}

	/** Waits for a report `pick` accepts (from `from` on), failing after `timeout` ms. */
	async waitFor<T extends ProbeReport>(
		what: string,
		pick: (report: ProbeReport) => report is T,
		options: { from?: number; timeout?: number } = {}
	): Promise<T> {
		const deadline = Date.now() + (options.timeout ?? 30_000);
		let seen = options.from ?? 0;
		for (;;) {
			for (; seen < this.reports.length; seen++) {
				const report = this.reports[seen]!;
				if (pick(report)) return report;
			}
			if (this.child.exitCode !== null)
				throw new Error(`the probe exited before ${what}:\n${this.log.join('\n')}`);
			const left = deadline - Date.now();
			if (left <= 0)
				throw new Error(
					`no ${what} from the probe; reports: ${JSON.stringify(this.reports.slice(-10))}\n${this.log.join('\n')}`
				);
			await new Promise<void>((wake) => {
				const timer = setTimeout(wake, left);
				this.waiters.push(() => {
					clearTimeout(timer);
					wake();
				});
			});
		}
	}

	send(command: 'mute' | 'unmute' | 'leave') {
		this.child.stdin!.write(`${command}\n`);
	}

	/** Leaves the call and waits for the process to end. */
	async stop() {
		if (this.child.exitCode !== null) return;
		const ended = new Promise((done) => this.child.once('exit', done));
		this.child.stdin!.end();
		const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
		await ended;
		clearTimeout(timer);
	}
}

/** A WAV file (16-bit PCM, mono, 48 kHz) of a sine tone, for Chromium's fake microphone. */
export function toneWav(hz: number, seconds: number): Buffer {
	const rate = 48_000;
	const samples = rate * seconds;
	const data = Buffer.alloc(samples * 2);
	for (let i = 0; i < samples; i++) {
		data.writeInt16LE(Math.round(0.4 * 32767 * Math.sin((2 * Math.PI * hz * i) / rate)), i * 2);
	}
	const header = Buffer.alloc(44);
	header.write('RIFF', 0);
	header.writeUInt32LE(36 + data.length, 4);
	header.write('WAVE', 8);
	header.write('fmt ', 12);
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20); // PCM
	header.writeUInt16LE(1, 22); // mono
	header.writeUInt32LE(rate, 24);
	header.writeUInt32LE(rate * 2, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36);
	header.writeUInt32LE(data.length, 40);
	return Buffer.concat([header, data]);
}
