/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions -- runs `npm pack` and reads the packed file list of the built package; not part of the published package */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, posix } from 'node:path';

import type { Icon } from 'n8n-workflow';

import { repositoryFile } from './support/fixtures';

const ROOT = join(__dirname, '..');

interface Manifest {
	n8n: { nodes: string[]; credentials: string[] };
}

/** The files `npm pack` puts in the tarball of the built package, as a user's n8n downloads it. */
function packedFiles(): string[] {
	const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
	return pack.files.map((file) => file.path).sort();
}

/** What n8n loads from the package, and nothing else: no docs, benchmarks, maps or build state. */
const SHIPPED = [
	/^package\.json$/,
	/^README\.md$/,
	/^LICENSE\.md$/,
	/^dist\/nodes\/(\w+)\/\1\.node\.js$/,
	/^dist\/nodes\/(\w+)\/\1\.node\.json$/,
	/^dist\/nodes\/\w+\/\w+(\.dark)?\.svg$/,
	/^dist\/nodes\/\w+\/__schema__\/v\d+\.\d+\.\d+\.json$/,
	/^dist\/credentials\/\w+\.credentials\.js$/,
	/^dist\/credentials\/\w+(\.dark)?\.svg$/,
	/^dist\/lib\/(\w+\/)*\w+\.js$/,
	/^dist\/vendor\/jsonpath-plus\/(jsonpath-plus\.js|LICENSE\.[a-z-]+)$/,
];

/** The icon files a node or credential names, relative to the package root. */
function iconFiles(compiledFile: string, icon: Icon | undefined): string[] {
	const icons = typeof icon === 'object' ? [icon.light, icon.dark] : [icon];
	return icons.map((entry) => {
		expect(entry).toMatch(/^file:.+\.svg$/);
		return posix.normalize(posix.join(posix.dirname(compiledFile), entry!.slice('file:'.length)));
	});
}

/** The class n8n instantiates from a file listed in the package's `n8n` section. */
async function loadClass<T>(compiledFile: string): Promise<T> {
	const className = basename(compiledFile).split('.')[0];
	const exported = (await import(join(ROOT, compiledFile))) as Record<string, new () => T>;
	return new exported[className]();
}

const manifest = JSON.parse(repositoryFile('package.json')) as Manifest;

describe('the npm package', () => {
	let files: string[];

	beforeAll(() => {
		if (!existsSync(join(ROOT, 'dist'))) throw new Error('No dist/: run `npm run build` first');
		files = packedFiles();
	});

	it('ships only files of the allowed kinds', () => {
		expect(files.filter((file) => !SHIPPED.some((pattern) => pattern.test(file)))).toEqual([]);
	});

	it('ships no images, benchmarks, docs, source maps, type declarations or build state', () => {
		expect(
			files.filter((file) =>
				/\.(png|jpe?g|gif|map|d\.ts|tsbuildinfo)$|^dist\/(docs|bench|test|scripts)\/|^dist\/package\.json$/.test(
					file,
				),
			),
		).toEqual([]);
	});

	it.each(manifest.n8n.nodes)(
		'ships node %s with its codex file, both icons and an output schema per version',
		async (file) => {
			const node = await loadClass<{ description: { icon?: Icon; version: number | number[] } }>(
				file,
			);
			expect(files).toContain(file);
			expect(files).toContain(file.replace(/\.js$/, '.json'));
			for (const version of [node.description.version].flat())
				expect(files).toContain(`${posix.dirname(file)}/__schema__/v${version}.0.0.json`);
			for (const icon of iconFiles(file, node.description.icon)) expect(files).toContain(icon);
		},
	);

	it.each(manifest.n8n.credentials)('ships credential %s with both icons', async (file) => {
		const credential = await loadClass<{ icon?: Icon }>(file);
		expect(files).toContain(file);
		for (const icon of iconFiles(file, credential.icon)) expect(files).toContain(icon);
	});

	it('ships icons drawn with shapes, not with <text> that renders in whatever font the browser has', () => {
		const icons = files.filter((file) => file.endsWith('.svg'));
		expect(icons.length).toBeGreaterThan(0);
		for (const icon of icons) expect(readFileSync(join(ROOT, icon), 'utf8')).not.toMatch(/<text\b/);
	});

	it('ships exactly the nodes and credentials listed in package.json', () => {
		const entryPoints = files.filter((file) => /\.(node|credentials)\.js$/.test(file));
		expect(entryPoints).toEqual([...manifest.n8n.nodes, ...manifest.n8n.credentials].sort());
	});
});
