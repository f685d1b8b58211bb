/**
 * `npm run build`: an empty dist/, then `tsc`, then the files n8n loads that tsc does not emit.
 * dist/ holds only what ships: `n8n-node build` is not used because it copies every .png and
 * .svg of the project (docs/, bench/…) into dist/.
 * - bundle: bundles jsonpath-plus (safe evaluation only) into dist/vendor, because n8n installs
 *   no runtime dependencies of a community package and does not ship jsonpath-plus.
 * - icons: copies node and credential icons next to the compiled files.
 * - outputSchemas: writes each node's output schema for every version it declares.
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

// Node's `vm` is what jsonpath-plus's eval: 'native' runs filters with (its browser build uses
// `new Function`). We only ever use eval: 'safe', so the bundle has neither: this branch of
// src/jsonpath.js is replaced by an error, and its source entry point does not import `vm`.
const NATIVE_EVAL_BRANCH = 'JSONPath.cache[scriptCacheKey] = new this.vm.Script(script);';
const NATIVE_EVAL_REFUSED = `throw new TypeError('This build of jsonpath-plus only has eval: "safe"');`;

const safeEvaluationOnly = {
	name: 'jsonpath-plus-safe-evaluation-only',
	setup(build) {
		build.onLoad({ filter: /jsonpath-plus[\\/]src[\\/]jsonpath\.js$/ }, ({ path: file }) => {
			const source = fs.readFileSync(file, 'utf8');
			if (source.split(NATIVE_EVAL_BRANCH).length !== 2)
				throw new Error(`${file} changed: its native eval branch was not found exactly once`);
			return { contents: source.replace(NATIVE_EVAL_BRANCH, NATIVE_EVAL_REFUSED), loader: 'js' };
		});
	},
};

/** Bundles jsonpath-plus into `directory` (the build's, or the tests': jest.config.js). */
async function bundleJsonPathInto(directory) {
	const esbuild = require('esbuild');
	const packageDir = path.dirname(require.resolve('jsonpath-plus/package.json'));
	const { metafile } = await esbuild.build({
		entryPoints: [path.join(packageDir, 'src/jsonpath.js')],
		outfile: path.join(directory, 'jsonpath-plus.js'),
		bundle: true,
		platform: 'node',
		format: 'cjs',
		target: 'node18',
		mainFields: ['module', 'main'],
		plugins: [safeEvaluationOnly],
		metafile: true,
		logLevel: 'warning',
	});
	// Every bundled package (jsonpath-plus, the jsep parser and its plugins; all MIT) brings its
	// licence along.
	const bundledPackages = new Map(
		Object.keys(metafile.inputs).map((input) => {
			const [, location, name] = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(input);
			return [name, location];
		}),
	);
	for (const [name, location] of bundledPackages) {
		fs.copyFileSync(
			path.join(location, 'LICENSE'),
			path.join(directory, `LICENSE.${name.replace('@', '').replace('/', '-')}`),
		);
	}
}

function bundleJsonPath() {
	return bundleJsonPathInto('dist/vendor/jsonpath-plus');
}

function copyIcons() {
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest('dist'));
}

/**
 * n8n's editor previews the output of a node that has not run from
 * `<node folder>/__schema__/v<major.minor.patch>.json` (`resolveOutputSchemaPath` in n8n-core,
 * served at `/schemas/<package>.<node>/<version>.json`). Every node emits the canonical event;
 * Event Fields adds the fields it picks by default. A schema cannot follow a parameter other
 * than resource and operation, so a trigger's is the canonical event also when its Output is
 * Raw Payload Only.
 */
function writeOutputSchemas(done) {
	const { CANONICAL_EVENT_SCHEMA } = require('./dist/lib/canonicalEvent.js');
	const { eventFieldsOutputSchema } = require('./dist/lib/eventFields.js');
	const { n8n } = JSON.parse(fs.readFileSync('package.json', 'utf8'));
	for (const file of n8n.nodes) {
		const className = path.basename(file).split('.')[0];
		const { description } = new (require(`./${file}`)[className])();
		const fields = description.properties.find(({ name }) => name === 'fields');
		const schema =
			description.name === 'eventFields'
				? eventFieldsOutputSchema(fields.default)
				: CANONICAL_EVENT_SCHEMA;
		const folder = path.join(path.dirname(file), '__schema__');
		fs.mkdirSync(folder, { recursive: true });
		for (const version of [description.version].flat()) {
			const padded = String(version).split('.').concat(['0', '0']).slice(0, 3).join('.');
			fs.writeFileSync(
				path.join(folder, `v${padded}.json`),
				`${JSON.stringify(schema, null, '\t')}\n`,
			);
		}
	}
	done();
}

exports.build = series(
	removeDist,
	compileTypeScript,
	parallel(bundleJsonPath, copyIcons),
	writeOutputSchemas,
);
exports.default = exports.build;
exports.bundleJsonPathInto = bundleJsonPathInto;

/**
 * docs: writes the README's provider lists and tables, package.json's lists, the codex files
 * and the other generated blocks from the compiled provider registry (scripts/registryDocs.ts;
 * run `npm run docs` after adding a provider or changing one's definition).
 */
function providerDocs(done) {
	const { formattedRegistryDocuments } = require('./.build/scripts/registryDocs.js');
	const read = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
	for (const { path: file, content } of formattedRegistryDocuments(read, __dirname)) {
		if (!fs.existsSync(file) || read(file) !== content) {
			fs.mkdirSync(path.dirname(file), { recursive: true });
			fs.writeFileSync(file, content);
		}
	}
	done();
}

exports.docs = providerDocs;
