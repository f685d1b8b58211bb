/* eslint-disable @n8n/community-nodes/no-restricted-imports -- reads the repository's lock file; not part of the published package */
import { repositoryFile } from './support/fixtures';

// npm's own range check (the copy installed for jest and TypeScript's tools).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const semver = require('semver') as {
	satisfies(version: string, range: string, options: { includePrerelease: boolean }): boolean;
};
const satisfies = (version: string, range: string) =>
	semver.satisfies(version, range, { includePrerelease: true });

const manifest = JSON.parse(repositoryFile('package.json')) as { engines: { node: string } };
const lock = JSON.parse(repositoryFile('package-lock.json')) as {
	packages: Record<string, { version?: string; engines?: { node?: string } }>;
};

/** The locked packages whose `engines.node` a Node.js version does not satisfy: npm warns EBADENGINE for each. */
function engineWarnings(nodeVersion: string): string[] {
	return Object.entries(lock.packages)
		.filter(([, { engines }]) => engines?.node && !satisfies(nodeVersion, engines.node))
		.map(([path, { version }]) => `${path.replace(/^.*node_modules\//, '')}@${version}`);
}

describe('the Node.js versions package.json and the README name for the development tree', () => {
	it.each(['20.19.0', '22.13.0'])('%s: npm warns EBADENGINE for isolated-vm only', (version) => {
		expect(engineWarnings(version)).toEqual(['isolated-vm@7.0.1']);
	});

	it('24.0.0: no engine warning', () => {
		expect(engineWarnings('24.0.0')).toEqual([]);
	});

	it.each(['18.20.0', '20.18.0', '20.19.0', '21.7.0', '22.12.0', '22.13.0', '23.11.0', '24.0.0'])(
		"%s is in package.json's engines exactly when nothing but isolated-vm warns",
		(version) => {
			const onlyIsolatedVm = engineWarnings(version).every((name) =>
				name.startsWith('isolated-vm@'),
			);
			expect(satisfies(version, manifest.engines.node)).toBe(onlyIsolatedVm);
		},
	);
});
