/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- development script (starts n8n for the demo, end-to-end and bench runs); not part of the published package */
import { spawn, type ChildProcess } from 'node:child_process';
import {
	copyFileSync,
	createWriteStream,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';

import { REPO_ROOT, run, type N8nRuntime } from './n8nRuntime';

export const PACKAGE_NAME = 'n8n-nodes-messaging-triggers';

/** `npm pack` of the built package: exactly the files a user's n8n would download. */
export async function packPackage(destination: string): Promise<string> {
	mkdirSync(destination, { recursive: true });
	const output = await run('npm', ['pack', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		log: () => {},
	});
	const [{ filename }] = JSON.parse(output.slice(output.indexOf('['))) as Array<{
		filename: string;
	}>;
	return join(destination, filename);
}

/**
 * Installs the packed package where n8n's community-package installer puts it:
 * `<user folder>/.n8n/nodes/node_modules/<name>`, listed in `.n8n/nodes/package.json`.
 * The package has no runtime dependencies, so nothing else is installed.
 */
export async function installPackage(userFolder: string, tarball: string): Promise<void> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const target = join(nodesDir, 'node_modules', PACKAGE_NAME);
	rmSync(target, { recursive: true, force: true });
	mkdirSync(target, { recursive: true });
	await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], {
		cwd: REPO_ROOT,
		log: () => {},
	});
	const { version } = JSON.parse(readFileSync(join(target, 'package.json'), 'utf8')) as {
		version: string;
	};
	writeFileSync(
		join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: version } },
			null,
			2,
		),
	);
}

/**
 * The README's route for a build of this repository, command by command: the tarball copied
 * into the user's `~/.n8n/nodes`, `npm init -y`, `omit=peer` in the folder's `.npmrc`,
 * `npm install ./<tarball>`; then a later plain `npm install` there, which must neither fail
 * nor install n8n's own packages.
 */
export async function installAsTheReadmeSays(userFolder: string, tarball: string): Promise<void> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	copyFileSync(tarball, join(nodesDir, basename(tarball)));
	const shell = async (command: string) =>
		await run('bash', ['-c', command], { cwd: nodesDir, log: () => undefined });
	await shell('[ -f package.json ] || npm init -y');
	await shell("grep -qx 'omit=peer' .npmrc 2>/dev/null || echo 'omit=peer' >> .npmrc");
	await shell(`npm install ./${basename(tarball)}`);
	await shell('npm install');
	const installed = readdirSync(join(nodesDir, 'node_modules')).filter(
		(name) => !name.startsWith('.'),
	);
	if (installed.join() !== PACKAGE_NAME)
		throw new Error(
			`the nodes folder holds ${installed.join(', ')} after a later npm install, not only ${PACKAGE_NAME}`,
		);
}

export function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() =>
				typeof address === 'object' && address
					? resolvePort(address.port)
					: reject(new Error('no port')),
			);
		});
	});
}

export interface N8nProcessOptions {
	userFolder: string;
	port: number;
	/** Extra environment (queue mode, database…); wins over the headless defaults. */
	env?: Record<string, string>;
	/** `start` (default), `webhook` or `worker`. */
	command?: 'start' | 'webhook' | 'worker';
	logFile: string;
	/** How long to wait for `/healthz/readiness` (webhook processes and main); workers are not waited for. */
	readyTimeoutMs?: number;
}

export interface N8nProcess {
	baseUrl: string;
	port: number;
	pid: number;
	logFile: string;
	stop(): Promise<void>;
}

const running = new Set<N8nProcess>();

/** Everything a headless local n8n needs; no outside calls, no cookies over https only. */
export function headlessEnv(userFolder: string, port: number): Record<string, string> {
	return {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		// Webhook URLs follow from host and port (http): WEBHOOK_URL would only add a deprecation
		// warning to 2.x's log.
		N8N_HOST: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_LOG_LEVEL: 'info',
		DB_SQLITE_POOL_SIZE: '4',
	};
}

/**
 * Starts one n8n process in its own process group, so `stop()` (and this script's exit,
 * even on Ctrl-C or failure) takes down n8n and the task runners it spawned.
 */
export async function startN8n(
	runtime: N8nRuntime,
	options: N8nProcessOptions,
): Promise<N8nProcess> {
	mkdirSync(options.userFolder, { recursive: true });
	const brokerPort = await freePort();
	const env = {
		...inheritedEnv(),
		PATH: `${runtime.nodeBinDir}:${process.env.PATH}`,
		...headlessEnv(options.userFolder, options.port),
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		...options.env,
	};
	const log = createWriteStream(options.logFile, { flags: 'a' });
	const child: ChildProcess = spawn(
		join(runtime.nodeBinDir, 'node'),
		[runtime.n8nBin, options.command ?? 'start'],
		{
			env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	child.stdout?.pipe(log);
	child.stderr?.pipe(log);
	let exited = false;
	const exitedPromise = new Promise<void>((resolveExit) =>
		child.on('exit', () => ((exited = true), resolveExit())),
	);

	const handle: N8nProcess = {
		baseUrl: `http://127.0.0.1:${options.port}`,
		port: options.port,
		pid: child.pid as number,
		logFile: options.logFile,
		async stop() {
			running.delete(handle);
			if (exited) return;
			signalGroup(child.pid as number, 'SIGTERM');
			const killer = setTimeout(() => signalGroup(child.pid as number, 'SIGKILL'), 15_000);
			await exitedPromise;
			clearTimeout(killer);
			signalGroup(child.pid as number, 'SIGKILL');
		},
	};
	running.add(handle);
	if (options.command === 'worker') return handle;

	const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
	while (Date.now() < deadline) {
		if (exited)
			throw new Error(`n8n exited during start; see ${options.logFile}:\n${tail(options.logFile)}`);
		// Readiness means the database is up; the REST API (which n8n 1.x mounts later) must answer too.
		const ready = await answers(`${handle.baseUrl}/healthz/readiness`);
		if (
			ready &&
			(options.command === 'webhook' || (await answers(`${handle.baseUrl}/rest/settings`)))
		)
			return handle;
		await sleep(250);
	}
	await handle.stop();
	throw new Error(
		`n8n was not ready (/healthz/readiness) in time; see ${options.logFile}:\n${tail(options.logFile)}`,
	);
}

/** This process's environment minus what makes n8n misbehave: under jest, NODE_ENV=test makes n8n exit silently. */
function inheritedEnv(): NodeJS.ProcessEnv {
	const env = { ...process.env };
	delete env.NODE_ENV;
	for (const name of Object.keys(env)) if (name.startsWith('JEST_')) delete env[name];
	return env;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// already gone
	}
}

/** Kills every n8n this process started; safe to call from exit and signal handlers. */
export function stopAllSync(): void {
	for (const handle of running) signalGroup(handle.pid, 'SIGKILL');
	running.clear();
}
process.once('exit', stopAllSync);

export async function stopAll(): Promise<void> {
	await Promise.all([...running].map((handle) => handle.stop()));
}

async function answers(url: string): Promise<boolean> {
	try {
		const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
		return response.ok;
	} catch {
		return false;
	}
}

export function tail(file: string, lines = 30): string {
	try {
		return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
	} catch {
		return '(no log)';
	}
}

export const sleep = (ms: number) =>
	new Promise<void>((resolveSleep) => setTimeout(resolveSleep, ms));
