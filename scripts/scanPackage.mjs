/**
 * `npm run scan`: lints what `npm publish` would ship with the rules of n8n's own scanner
 * (@n8n/scan-community-package, its `buildScanConfig`), the way the scanner lints a tarball,
 * but over every .js, .cjs and .mjs file of it — the scanner itself only globs `**\/*.js` — and
 * its package.json. Prints every message; exits 1 when there is any.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ESLint } from 'eslint';

const SCANNED_FILE = /\.(js|cjs|mjs)$/;

function packToDirectory(directory) {
	const [{ filename }] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--pack-destination', directory], {
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'inherit'],
		}),
	);
	const packageDir = path.join(directory, 'package');
	fs.mkdirSync(packageDir);
	execFileSync('tar', [
		'-xzf',
		path.join(directory, filename),
		'-C',
		packageDir,
		'--strip-components=1',
	]);
	return packageDir;
}

function filesToScan(packageDir) {
	const code = fs
		.readdirSync(packageDir, { recursive: true })
		.filter((file) => SCANNED_FILE.test(file) && !file.split(path.sep).includes('node_modules'))
		.sort();
	return ['package.json', ...code].map((file) => path.join(packageDir, file));
}

async function scan(packageDir, buildScanConfig) {
	// The same ESLint options as the scanner's analyzePackage: eslint-disable comments count for nothing.
	const eslint = new ESLint({
		cwd: packageDir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await buildScanConfig(),
	});
	const files = filesToScan(packageDir);
	const results = await eslint.lintFiles(files);
	let messageCount = 0;
	for (const result of results) {
		for (const message of result.messages) {
			messageCount++;
			const severity = message.severity === 2 ? 'error' : 'warning';
			console.log(
				`${path.relative(packageDir, result.filePath)}:${message.line ?? 0}:${message.column ?? 0} ${severity} ${message.message} (${message.ruleId ?? 'eslint'})`,
			);
		}
	}
	console.log(`${files.length} files scanned, ${messageCount} messages`);
	return messageCount;
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-package-'));
try {
	// The scanner makes a temporary folder when loaded and leaves it: make it inside workDir.
	const tmpDir = process.env.TMPDIR;
	process.env.TMPDIR = workDir;
	const { buildScanConfig } = await import('@n8n/scan-community-package/scanner/scanner.mjs');
	if (tmpDir === undefined) delete process.env.TMPDIR;
	else process.env.TMPDIR = tmpDir;

	const messageCount = await scan(packToDirectory(workDir), buildScanConfig);
	process.exitCode = messageCount === 0 ? 0 : 1;
} finally {
	fs.rmSync(workDir, { recursive: true, force: true });
}
