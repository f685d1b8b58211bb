/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- development script (Redis and PostgreSQL for the queue-mode test); not part of the published package */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	chmodSync,
	chownSync,
	createWriteStream,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';

import { run } from './n8nRuntime';
import { freePort, sleep, tail } from './n8nServer';

type Log = (line: string) => void;

/**
 * Redis and PostgreSQL for n8n's queue mode, from the machine's Debian packages, each on a
 * free loopback port with its data in a temporary folder: no Docker, nothing left behind.
 */
export interface QueueServices {
	redis: { host: string; port: number };
	postgres: { host: string; port: number; database: string; user: string; password: string };
	/** The environment every n8n process of the queue setup needs to reach both. */
	n8nEnv(): Record<string, string>;
	/** Runs SQL in n8n's database; rows as arrays of column texts. */
	sql(query: string): Promise<string[][]>;
	/** One Redis command (through redis-cli); its answer as text. */
	redisCommand(...args: string[]): Promise<string>;
	stop(): Promise<void>;
}

export interface ServiceBinaries {
	redisServer: string;
	redisCli: string;
	postgresBin: string;
}

const REDIS_SERVER = '/usr/bin/redis-server';
const REDIS_CLI = '/usr/bin/redis-cli';
const POSTGRES_ROOT = '/usr/lib/postgresql';
export const SERVICE_PACKAGES = ['redis-server', 'postgresql', 'openssl'];

function postgresBinDir(): string | undefined {
	if (!existsSync(POSTGRES_ROOT)) return undefined;
	const versions = readdirSync(POSTGRES_ROOT)
		.filter((version) => existsSync(join(POSTGRES_ROOT, version, 'bin', 'initdb')))
		.sort((a, b) => Number(b) - Number(a));
	return versions.length ? join(POSTGRES_ROOT, versions[0], 'bin') : undefined;
}

function findBinaries(): ServiceBinaries | undefined {
	const postgresBin = postgresBinDir();
	const opensslFound = spawnSync('openssl', ['version']).status === 0;
	if (!existsSync(REDIS_SERVER) || !existsSync(REDIS_CLI) || !postgresBin || !opensslFound)
		return undefined;
	return { redisServer: REDIS_SERVER, redisCli: REDIS_CLI, postgresBin };
}

/** Installs Redis, PostgreSQL (and openssl) with apt-get when one is missing. */
export async function ensureServiceBinaries(log: Log): Promise<ServiceBinaries> {
	const found = findBinaries();
	if (found) return found;
	if (process.getuid?.() !== 0) {
		throw new Error(
			`Redis and PostgreSQL are needed: sudo apt-get install -y ${SERVICE_PACKAGES.join(' ')}`,
		);
	}
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const install = ['install', '-y', '--no-install-recommends', ...SERVICE_PACKAGES];
	log(`Installing ${SERVICE_PACKAGES.join(', ')} with apt-get (first run only)…`);
	try {
		await run('apt-get', install, { cwd: '/', env, log, progressEvery: 15_000 });
	} catch {
		await run('apt-get', ['update'], { cwd: '/', env, log, progressEvery: 15_000 });
		await run('apt-get', install, { cwd: '/', env, log, progressEvery: 15_000 });
	}
	const installed = findBinaries();
	if (!installed)
		throw new Error(
			`apt-get installed ${SERVICE_PACKAGES.join(' ')}, but redis-server, redis-cli or initdb is still missing`,
		);
	return installed;
}

interface Started {
	stopSync(): void;
	stop(): Promise<void>;
}

const started = new Set<Started>();

/** Kills whatever this module started; safe in exit and signal handlers. */
export function stopServicesSync(): void {
	for (const service of started) service.stopSync();
	started.clear();
}
process.once('exit', stopServicesSync);

/**
 * Starts Redis and PostgreSQL under `dir` (which must exist). PostgreSQL refuses to run
 * as root, so as root it runs as the `postgres` user the Debian package creates.
 */
export async function startQueueServices(dir: string, log: Log): Promise<QueueServices> {
	const binaries = await ensureServiceBinaries(log);
	const redisPort = await freePort();
	const postgresPort = await freePort();
	const [redis, postgres] = await Promise.all([
		startRedis(binaries, join(dir, 'redis'), redisPort),
		startPostgres(binaries, join(dir, 'postgres'), postgresPort),
	]);
	const services: QueueServices = {
		redis: { host: '127.0.0.1', port: redisPort },
		postgres: postgres.connection,
		n8nEnv: () => ({
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redisPort),
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgresPort),
			DB_POSTGRESDB_DATABASE: postgres.connection.database,
			DB_POSTGRESDB_USER: postgres.connection.user,
			DB_POSTGRESDB_PASSWORD: postgres.connection.password,
		}),
		sql: postgres.sql,
		redisCommand: async (...args: string[]) =>
			(
				await run(
					binaries.redisCli,
					['-h', '127.0.0.1', '-p', String(redisPort), '--no-raw', ...args],
					{ cwd: dir, log: () => {} },
				)
			).trim(),
		async stop() {
			await Promise.all([redis.stop(), postgres.stop()]);
			started.delete(redis);
			started.delete(postgres);
		},
	};
	return services;
}

async function startRedis(binaries: ServiceBinaries, dir: string, port: number): Promise<Started> {
	mkdirSync(dir, { recursive: true });
	const logFile = join(dir, 'redis.log');
	const child = spawn(
		binaries.redisServer,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--dir',
			dir,
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--protected-mode',
			'yes',
		],
		{ detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const output = createWriteStream(logFile, { flags: 'a' });
	child.stdout.pipe(output);
	child.stderr.pipe(output);
	let exited = false;
	const exitedPromise = new Promise<void>((resolveExit) =>
		child.on('exit', () => ((exited = true), resolveExit())),
	);
	const handle: Started = {
		stopSync: () => signal(-(child.pid as number), 'SIGKILL'),
		async stop() {
			if (exited) return;
			signal(-(child.pid as number), 'SIGTERM');
			const killer = setTimeout(() => signal(-(child.pid as number), 'SIGKILL'), 10_000);
			await exitedPromise;
			clearTimeout(killer);
		},
	};
	started.add(handle);
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (exited) throw new Error(`redis-server exited during start:\n${tail(logFile)}`);
		if (await redisPings(port)) return handle;
		await sleep(100);
	}
	throw new Error(`redis-server did not answer PING on port ${port}:\n${tail(logFile)}`);
}

function redisPings(port: number): Promise<boolean> {
	return new Promise((resolvePing) => {
		const socket = connect({ host: '127.0.0.1', port });
		const done = (answer: boolean) => {
			socket.destroy();
			resolvePing(answer);
		};
		socket.setTimeout(1000, () => done(false));
		socket.on('error', () => done(false));
		socket.on('connect', () => socket.write('PING\r\n'));
		socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
	});
}

interface StartedPostgres extends Started {
	connection: QueueServices['postgres'];
	sql(query: string): Promise<string[][]>;
}

async function startPostgres(
	binaries: ServiceBinaries,
	dir: string,
	port: number,
): Promise<StartedPostgres> {
	const asRoot = process.getuid?.() === 0;
	const owner = asRoot ? postgresUser() : undefined;
	// As root, the postgres user must reach the data folder: the (temporary) parent is opened for traversal.
	mkdirSync(dir, { recursive: true });
	if (owner) {
		chmodSync(dirname(dir), 0o711);
		chownSync(dir, owner.uid, owner.gid);
	}
	const dataDir = join(dir, 'data');
	const logFile = join(dir, 'postgres.log');
	const superPassword = randomBytes(16).toString('hex');
	const pwFile = join(dir, 'superuser.pw');
	writeFileSync(pwFile, `${superPassword}\n`, { mode: 0o600 });
	if (owner) chownSync(pwFile, owner.uid, owner.gid);

	const asOwner = (command: string, args: string[]): [string, string[]] =>
		owner
			? ['runuser', ['-u', 'postgres', '--', join(binaries.postgresBin, command), ...args]]
			: [join(binaries.postgresBin, command), args];
	const runAsOwner = async (command: string, args: string[]) => {
		const [file, fileArgs] = asOwner(command, args);
		return await run(file, fileArgs, { cwd: dir, log: () => {} });
	};

	await runAsOwner('initdb', [
		'-D',
		dataDir,
		'--username=postgres',
		`--pwfile=${pwFile}`,
		'--auth-local=scram-sha-256',
		'--auth-host=scram-sha-256',
		'--encoding=UTF8',
		'--locale=C',
		'--no-sync',
	]);
	const serverOptions = [
		`-p ${port}`,
		'-c listen_addresses=127.0.0.1',
		"-c unix_socket_directories=''",
		'-c max_connections=200',
	].join(' ');

	let stopped = false;
	const postmasterPid = () => {
		try {
			return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
		} catch {
			return 0;
		}
	};
	const handle: StartedPostgres = {
		connection: {
			host: '127.0.0.1',
			port,
			database: 'n8n',
			user: 'n8n',
			password: randomBytes(16).toString('hex'),
		},
		stopSync() {
			const pid = postmasterPid();
			// SIGQUIT: PostgreSQL's immediate shutdown (it stops its own children).
			if (pid && !stopped) signal(pid, 'SIGQUIT');
		},
		async stop() {
			if (stopped) return;
			stopped = true;
			try {
				await runAsOwner('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', '-t', '30', 'stop']);
			} catch {
				const pid = postmasterPid();
				if (pid) signal(pid, 'SIGQUIT');
			}
		},
		sql: async () => [],
	};
	started.add(handle);
	// pg_ctl starts the postmaster in the background and waits (-w) until it accepts connections.
	const [file, args] = asOwner('pg_ctl', [
		'-D',
		dataDir,
		'-l',
		logFile,
		'-o',
		serverOptions,
		'-w',
		'-t',
		'60',
		'start',
	]);
	await new Promise<void>((resolveStart, reject) => {
		const child = spawn(file, args, { cwd: dir, detached: true, stdio: 'ignore' });
		child.on('error', reject);
		child.on('exit', (code) =>
			code === 0
				? resolveStart()
				: reject(new Error(`pg_ctl start failed (exit ${code}):\n${tail(logFile)}`)),
		);
	});

	const psql = async (database: string, user: string, password: string, query: string) =>
		await run(
			join(binaries.postgresBin, 'psql'),
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				user,
				'-d',
				database,
				'-v',
				'ON_ERROR_STOP=1',
				'-X',
				'-q',
				'-A',
				'-t',
				'-F',
				'\t',
				'-c',
				query,
			],
			{
				cwd: dir,
				env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' },
				log: () => {},
			},
		);
	const { connection } = handle;
	await psql(
		'postgres',
		'postgres',
		superPassword,
		`CREATE ROLE ${connection.user} LOGIN PASSWORD '${connection.password}'`,
	);
	await psql(
		'postgres',
		'postgres',
		superPassword,
		`CREATE DATABASE ${connection.database} OWNER ${connection.user}`,
	);
	handle.sql = async (query: string) =>
		(await psql(connection.database, connection.user, connection.password, query))
			.split('\n')
			.filter((line) => line.length > 0)
			.map((line) => line.split('\t'));
	return handle;
}

function postgresUser(): { uid: number; gid: number } {
	const passwd = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((line) => line.startsWith('postgres:'));
	if (!passwd)
		throw new Error('The postgres user is missing (it comes with the postgresql package)');
	const [, , uid, gid] = passwd.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

function signal(pid: number, name: NodeJS.Signals): void {
	try {
		process.kill(pid, name);
	} catch {
		// already gone
	}
}
