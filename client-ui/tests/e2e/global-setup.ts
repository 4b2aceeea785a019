/**
 * Starts the real Chatalot server for the browser tests: the binary from
 * $CHATALOT_SERVER_BIN (default: the debug build in ${CARGO_TARGET_DIR:-~/.cache/chatalot/target}),
 * `quickstart` with a temporary data folder, a free port, invite-only registration and
 * 127.0.0.1 as trusted proxy (each test context sends its own X-Forwarded-For, so rate
 * limits apply per simulated person). The banner tells the address and the setup code.
 *
 * Single sign-on goes to a real OpenID provider (tests/oidc-provider, started first): its
 * client's redirect URI names the server's port, so the port is chosen before either starts.
 * Calls go through a real TURN relay, coturn (tests/e2e/turn.ts), whose secret the
 * server signs credentials with.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	createWriteStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	rmSync,
	type WriteStream
} from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startTurn } from './turn';

const root = resolve(import.meta.dirname, '../..');
const providerDir = resolve(root, '../tests/oidc-provider');

/** The OIDC client the test server is registered as at the provider. */
export const OIDC_CLIENT_ID = 'chatalot';

export function serverBinary(): string {
	if (process.env.CHATALOT_SERVER_BIN) return process.env.CHATALOT_SERVER_BIN;
	const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/chatalot/target');
	return join(target, 'debug/chatalot-server');
}

export default async function globalSetup() {
	const bin = serverBinary();
	if (!existsSync(bin)) {
		throw new Error(`chatalot-server not found at ${bin}: build it or set CHATALOT_SERVER_BIN`);
	}
	const staticDir = join(root, 'build');
	if (!existsSync(join(staticDir, 'index.html'))) {
		throw new Error('build/index.html is missing: run `npm run build` before the e2e tests');
	}

	const dataDir = mkdtempSync(join(tmpdir(), 'chatalot-e2e-'));
	mkdirSync(join(root, 'test-results'), { recursive: true });
	const log = createWriteStream(join(root, 'test-results/server.log'));

	const port = await freePort();
	const origin = `http://127.0.0.1:${port}`;
	const redirectUri = `${origin}/auth/oidc/callback`;
	const clientSecret = randomBytes(24).toString('hex');
	const turn = await startTurn(join(root, 'test-results/turnserver.log'));
	const provider = await startProvider(redirectUri, clientSecret).catch(async (error) => {
		await turn?.stop();
		throw error;
	});

	// An empty environment (plus PATH) so nothing from the developer's shell leaks in.
	const child = spawn(bin, ['quickstart', '--data-dir', dataDir], {
		env: {
			PATH: process.env.PATH ?? '/usr/bin:/bin',
			LISTEN_ADDR: `127.0.0.1:${port}`,
			STATIC_FILES_PATH: staticDir,
			REGISTRATION_MODE: 'invite_only',
			TRUSTED_PROXIES: '127.0.0.1',
			OIDC_ISSUER_URL: provider.issuer,
			OIDC_CLIENT_ID: OIDC_CLIENT_ID,
			OIDC_CLIENT_SECRET: clientSecret,
			OIDC_REDIRECT_URI: redirectUri,
			// Email on, towards a relay that never answers: meeting invites wait in the
			// outbox with their error (admin.spec.ts).
			SMTP_HOST: '127.0.0.1',
			SMTP_PORT: String(await freePort()),
			SMTP_TLS: 'false',
			EMAIL_FROM: 'meetings@chatalot.test',
			...(turn ? { TURN_AUTH_SECRET: turn.secret, TURN_URLS: turn.url } : {}),
			// Web push on, with a key pair made for tests (the server checks it belongs
			// together); notifications.spec.ts checks its settings section.
			VAPID_PUBLIC_KEY:
				'BHEgzmyeX40vpD_j3r09EomzkP8WSquwTS_l97mF1LO0Xf35nJ7V71ZEdY09rB4mZXF2OolIp9vYuRiTWk0YlFk',
			VAPID_PRIVATE_KEY: '4UVHvqweJU3cKjY29l7IGDfqwJwlhsV1zePeWhN0EUk'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stderr.pipe(log);
	const stopAll = async () => {
		await stop(child);
		await stop(provider.process);
		provider.log.end();
		await turn?.stop();
	};

	const banner = await new Promise<{ url: string; setupCode: string | null }>(
		(resolveBanner, reject) => {
			let url: string | null = null;
			let setupCode: string | null = null;
			const timer = setTimeout(
				() =>
					reject(
						new Error('the server printed no banner within 60 s; see test-results/server.log')
					),
				60_000
			);
			child.once('exit', (code) => {
				clearTimeout(timer);
				void stop(provider.process);
				void turn?.stop();
				reject(
					new Error(`the server exited with ${code} during start-up; see test-results/server.log`)
				);
			});
			createInterface({ input: child.stdout }).on('line', (line) => {
				log.write(line + '\n');
				url ??= line.match(/listening on (\d+\.\d+\.\d+\.\d+:\d+)/)?.[1] ?? null;
				setupCode ??= line.match(/Setup code[^:]*:\s*(\S+)/)?.[1] ?? null;
				if (line.includes('Press Ctrl+C to stop.')) {
					clearTimeout(timer);
					child.removeAllListeners('exit');
					if (!url) reject(new Error('no address in the server banner'));
					else resolveBanner({ url: `http://${url}`, setupCode });
				}
			});
		}
	);

	process.env.CHATALOT_E2E_URL = banner.url;
	process.env.CHATALOT_E2E_SETUP_CODE = banner.setupCode ?? '';
	process.env.CHATALOT_E2E_OIDC_ISSUER = provider.issuer;
	// Empty without coturn: the call tests skip (outside CI) and say why.
	process.env.CHATALOT_E2E_TURN_URL = turn?.url ?? '';

	try {
		await waitForSso(banner.url);
	} catch (error) {
		await stopAll();
		throw error;
	}

	return async () => {
		await stopAll();
		log.end();
		rmSync(dataDir, { recursive: true, force: true });
	};
}

/** A port free right now on 127.0.0.1 (the server binds it a moment later). */
function freePort(): Promise<number> {
	return new Promise((done, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => (port ? done(port) : reject(new Error('no free port'))));
		});
	});
}

interface Provider {
	issuer: string;
	process: ChildProcess;
	log: WriteStream;
}

/**
 * Starts the test OpenID provider on any free port with the server as its one client;
 * resolves once it printed its issuer. Its log goes to test-results/oidc-provider.log.
 */
async function startProvider(redirectUri: string, clientSecret: string): Promise<Provider> {
	if (!existsSync(join(providerDir, 'node_modules/oidc-provider'))) {
		const install = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
			cwd: providerDir,
			stdio: 'inherit'
		});
		if (install.status !== 0) throw new Error(`npm ci failed in ${providerDir}`);
	}
	const log = createWriteStream(join(root, 'test-results/oidc-provider.log'));
	const child = spawn(process.execPath, [join(providerDir, 'provider.mjs')], {
		cwd: providerDir,
		env: {
			PATH: process.env.PATH ?? '/usr/bin:/bin',
			OIDC_TEST_PORT: '0',
			OIDC_TEST_CLIENTS: JSON.stringify([
				{ client_id: OIDC_CLIENT_ID, client_secret: clientSecret, redirect_uris: [redirectUri] }
			])
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stderr!.pipe(log);
	const issuer = await new Promise<string>((done, reject) => {
		const timer = setTimeout(() => {
			child.kill('SIGKILL');
			reject(new Error('the OpenID provider did not start within 30 s; see its log'));
		}, 30_000);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(
				new Error(`the OpenID provider exited with ${code}; see test-results/oidc-provider.log`)
			);
		});
		createInterface({ input: child.stdout! }).on('line', (line) => {
			log.write(line + '\n');
			let ready: { issuer?: unknown } | null;
			try {
				ready = JSON.parse(line);
			} catch {
				return; // Its warnings, not the ready line.
			}
			if (typeof ready?.issuer === 'string') {
				clearTimeout(timer);
				child.removeAllListeners('exit');
				done(ready.issuer);
			}
		});
	});
	return { issuer, process: child, log };
}

/** Waits until the server has read the provider's discovery document (`sso_available`). */
async function waitForSso(url: string): Promise<void> {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		try {
			const config = await (await fetch(`${url}/api/auth/config`)).json();
			if (config.sso_enabled && config.sso_available) return;
		} catch {
			// Not answering yet.
		}
		await new Promise((done) => setTimeout(done, 200));
	}
	throw new Error('the server did not reach the OpenID provider within 30 s; see the logs');
}

/** SIGTERM, then SIGKILL after 10 s. */
async function stop(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise((done) => child.once('exit', done));
	child.kill('SIGTERM');
	const timeout = new Promise((done) => setTimeout(done, 10_000, 'timeout'));
	if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
}
