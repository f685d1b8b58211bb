/**
 * `npm run build`: an empty dist/, then `tsc`, then the files n8n loads that tsc does not emit.
 * dist/ holds only what ships: `n8n-node build` is not used because it copies every .png and
 * .svg of the project (docs/, bench/…) into dist/.
 * - bundle: copies jsonpath-plus's self-contained CommonJS build into dist/vendor, because n8n
 *   installs no runtime dependencies of a community package and does not ship jsonpath-plus.
 * - icons: copies node and credential icons next to the compiled files.
 */
const { src, dest, parallel, series } = require('gulp');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function removeDist() {
	return fs.promises.rm('dist', { recursive: true, force: true });
}

/** tsconfig.json decides what is compiled: nodes/, credentials/, lib/ and the codex JSON files. */
function compileTypeScript() {
	return spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], {
		stdio: 'inherit',
	});
}

function bundleJsonPath() {
	const packageDir = path.dirname(require.resolve('jsonpath-plus/package.json'));
	return src([path.join(packageDir, 'dist/index-node-cjs.cjs'), path.join(packageDir, 'LICENSE')], {
		allowEmpty: false,
	}).pipe(dest('dist/vendor/jsonpath-plus'));
}

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

exports.build = series(removeDist, compileTypeScript, parallel(bundleJsonPath, copyIcons));
exports.default = exports.build;

/**
 * docs: rewrites the per-provider event tables in README.md from the compiled catalogues
 * (run `npm run docs` after changing an event list in lib/providers/).
 */
function eventTables(done) {
	let readme = fs.readFileSync('README.md', 'utf8');
	for (const provider of fs.readdirSync('dist/lib/providers')) {
		const catalogue = require(`./dist/lib/providers/${provider}/events.js`);
		const events = Object.values(catalogue).find(Array.isArray);
		const rows = events.map(
			(event) => `| \`${event.name}\` | \`${event.canonical}\` | ${event.description} |`,
		);
		const table = ['| Provider event | Canonical `event` | When |', '|---|---|---|', ...rows].join(
			'\n',
		);
		const pattern = new RegExp(
			`(<!-- events:${provider} -->)[\\s\\S]*?(<!-- /events:${provider} -->)`,
		);
		if (!pattern.test(readme))
			throw new Error(`README.md has no <!-- events:${provider} --> block`);
		readme = readme.replace(pattern, `$1\n${table}\n$2`);
	}
	fs.writeFileSync('README.md', readme);
	done();
}

exports.docs = eventTables;
