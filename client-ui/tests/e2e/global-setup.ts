/**
 * Starts the real Chatalot server for the browser tests: the binary from
 * $CHATALOT_SERVER_BIN (default: the debug build in ${CARGO_TARGET_DIR:-~/.cache/chatalot/target}),
 * `quickstart` with a temporary data folder, a free port, invite-only registration and
 * 127.0.0.1 as trusted proxy (each test context sends its own X-Forwarded-For, so rate
 * limits apply per simulated person). The banner tells the address and the setup code.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const root = resolve(import.meta.dirname, '../..');

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

	// An empty environment (plus PATH) so nothing from the developer's shell leaks in.
	const child = spawn(bin, ['quickstart', '--data-dir', dataDir], {
		env: {
			PATH: process.env.PATH ?? '/usr/bin:/bin',
			LISTEN_ADDR: '127.0.0.1:0',
			STATIC_FILES_PATH: staticDir,
			REGISTRATION_MODE: 'invite_only',
			TRUSTED_PROXIES: '127.0.0.1'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	child.stderr.pipe(log);

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

	return async () => {
		if (child.exitCode === null) {
			const exited = new Promise((done) => child.once('exit', done));
			child.kill('SIGTERM');
			const timeout = new Promise((done) => setTimeout(done, 10_000, 'timeout'));
			if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
		}
		log.end();
		rmSync(dataDir, { recursive: true, force: true });
	};
}
