/**
 * coturn for the call tests: a TURN relay on loopback with REST-API credentials
 * (`use-auth-secret`), as production runs it (docker/coturn/turnserver.conf) but
 * allowing loopback peers, which production must refuse: here both browsers are on
 * this machine. Its log goes to test-results/turnserver.log.
 *
 * Without `turnserver` installed the call tests cannot run: under CI that fails the
 * run; elsewhere the call tests are skipped with a loud message.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Turn {
	/** For TURN_URLS: `turn:127.0.0.1:PORT?transport=udp`. */
	url: string;
	secret: string;
	stop(): Promise<void>;
}

/** Relay ports per run: each browser holds one allocation per peer connection. */
const RELAY_PORTS = 40;

export async function startTurn(logFile: string): Promise<Turn | null> {
	if (spawnSync('turnserver', ['--version']).error) {
		const message =
			'turnserver (Debian package coturn) is not installed: the voice/video call tests need it';
		if (process.env.CI === 'true') throw new Error(message);
		console.warn(`\n!!! ${message}; they are SKIPPED. Install it with: apt-get install coturn\n`);
		return null;
	}
	const port = await freeUdpPort();
	const relayBase = 49152 + Math.floor(Math.random() * (16000 - RELAY_PORTS));
	const secret = randomBytes(24).toString('hex');
	const dir = mkdtempSync(join(tmpdir(), 'chatalot-turn-'));
	const config = join(dir, 'turnserver.conf');
	writeFileSync(
		config,
		[
			'listening-ip=127.0.0.1',
			`listening-port=${port}`,
			'relay-ip=127.0.0.1',
			`min-port=${relayBase}`,
			`max-port=${relayBase + RELAY_PORTS - 1}`,
			'realm=chatalot-test',
			'use-auth-secret',
			`static-auth-secret=${secret}`,
			'fingerprint',
			// Both browsers are on this machine (never in production).
			'allow-loopback-peers',
			'no-multicast-peers',
			'no-tls',
			'no-dtls',
			'no-cli',
			'no-rfc5780',
			'log-file=stdout',
			'simple-log',
			// Allocations and their traffic in the log: the evidence that calls were relayed.
			'verbose',
			`pidfile=${join(dir, 'turnserver.pid')}`,
			`userdb=${join(dir, 'turndb')}`,
			''
		].join('\n')
	);
	const log = createWriteStream(logFile);
	const child = spawn('turnserver', ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
	child.stderr!.pipe(log);
	const lines = createInterface({ input: child.stdout! });
	const drained = new Promise((done) => lines.once('close', done));
	await new Promise<void>((ready, reject) => {
		let servers = false;
		let database = false;
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error('coturn did not start within 20 s; see test-results/turnserver.log'));
		}, 20_000);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`coturn exited with ${code}; see test-results/turnserver.log`));
		});
		lines.on('line', (line) => {
			log.write(line + '\n');
			servers ||= line.includes('Total General servers');
			database ||= line.includes('DB connection success');
			if (servers && database) {
				clearTimeout(timer);
				child.removeAllListeners('exit');
				ready();
			}
		});
	});
	return {
		url: `turn:127.0.0.1:${port}?transport=udp`,
		secret,
		async stop() {
			await stopChild(child);
			await drained;
			log.end();
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

/** A UDP port free right now on 127.0.0.1. */
function freeUdpPort(): Promise<number> {
	return new Promise((done, reject) => {
		const probe = createSocket('udp4');
		probe.once('error', reject);
		probe.bind(0, '127.0.0.1', () => {
			const { port } = probe.address();
			probe.close(() => done(port));
		});
	});
}

async function stopChild(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((done) => child.once('exit', done));
	child.kill('SIGTERM');
	const timeout = new Promise((done) => setTimeout(done, 10_000, 'timeout'));
	if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
}
