/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the repository's files to check each provider is complete; not part of the published package */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialType, INodeType } from 'n8n-workflow';

import { messagingProviders } from '../lib/providerRegistry';
import {
	capitalised,
	credentialTypesOf,
	HELPER_NODES,
	nodeClassOf,
	PACKAGE,
	SHARED_CREDENTIALS,
	triggerPagePath,
} from '../scripts/registryDocs';
import { repositoryFile } from './support/fixtures';

const ROOT = join(__dirname, '..');
const manifest = JSON.parse(repositoryFile('package.json')) as {
	n8n: { nodes: string[]; credentials: string[] };
};

async function loadNode(className: string): Promise<INodeType> {
	const module = (await import(join(ROOT, 'nodes', className, `${className}.node`))) as Record<
		string,
		new () => INodeType
	>;
	return new module[className]();
}

async function loadCredential(className: string): Promise<ICredentialType> {
	const module = (await import(join(ROOT, 'credentials', `${className}.credentials`))) as Record<
		string,
		new () => ICredentialType
	>;
	return new module[className]();
}

describe.each(messagingProviders.map((provider) => [provider.id, provider] as const))(
	'the %s provider',
	(id, provider) => {
		const className = nodeClassOf(provider);

		it('is in lib/providers/<id>/ and its id is lower-case letters', () => {
			expect(id).toMatch(/^[a-z]+$/);
			expect(existsSync(join(ROOT, 'lib', 'providers', id, 'index.ts'))).toBe(true);
		});

		it('has its trigger node, codex file and both icons, listed in package.json', async () => {
			const node = await loadNode(className);
			expect(node.description.name).toBe(provider.trigger.name);
			const folder = join(ROOT, 'nodes', className);
			const codex = JSON.parse(readFileSync(join(folder, `${className}.node.json`), 'utf8')) as {
				node: string;
			};
			expect(codex.node).toBe(`${PACKAGE}.${provider.trigger.name}`);
			for (const icon of [`${provider.trigger.icon}.svg`, `${provider.trigger.icon}.dark.svg`])
				expect(existsSync(join(folder, icon))).toBe(true);
			expect(manifest.n8n.nodes).toContain(`dist/nodes/${className}/${className}.node.js`);
		});

		it('has a class for each credential type it names, listed in package.json', async () => {
			for (const type of credentialTypesOf(provider)) {
				const credentialClass = capitalised(type);
				expect((await loadCredential(credentialClass)).name).toBe(type);
				expect(manifest.n8n.credentials).toContain(
					`dist/credentials/${credentialClass}.credentials.js`,
				);
			}
		});

		it('has documented payloads in test/fixtures/<id>/ (used by the tests and `npm start`)', () => {
			const dir = join(ROOT, 'test', 'fixtures', id);
			expect(readdirSync(dir).filter((file) => file.endsWith('.json')).length).toBeGreaterThan(0);
		});

		it('has a README section linking its page of events', () => {
			const readme = repositoryFile('README.md');
			expect(readme).toMatch(new RegExp(`^### ${escapeRegExp(provider.displayName)} Trigger`, 'm'));
			expect(readme).toContain(
				`<!-- events:${id} -->[${provider.events.length} events](${triggerPagePath(provider)})<!-- /events:${id} -->`,
			);
			expect(existsSync(join(ROOT, triggerPagePath(provider)))).toBe(true);
		});
	},
);

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('nothing exists without a registered provider', () => {
	const triggerClasses = messagingProviders.map(nodeClassOf);
	const credentialClasses = messagingProviders.flatMap(credentialTypesOf).map(capitalised);

	it('every node folder is a registered trigger or a shared helper node', () => {
		const folders = readdirSync(join(ROOT, 'nodes')).sort();
		expect(folders).toEqual([...triggerClasses, ...HELPER_NODES].sort());
	});

	it('every credential file is a registered provider credential or a shared one', () => {
		const files = readdirSync(join(ROOT, 'credentials'))
			.filter((file) => file.endsWith('.credentials.ts'))
			.map((file) => file.replace('.credentials.ts', ''))
			.sort();
		expect(files).toEqual([...new Set([...credentialClasses, ...SHARED_CREDENTIALS])].sort());
	});

	it('every credential a node asks for is tested: by the credential itself or by the node', async () => {
		for (const className of triggerClasses) {
			const node = await loadNode(className);
			for (const { name, testedBy } of node.description.credentials ?? []) {
				const credential = await loadCredential(capitalised(name));
				if (credential.test) continue;
				expect(typeof testedBy).toBe('string');
				expect(Object.keys(node.methods?.credentialTest ?? {})).toContain(testedBy);
			}
		}
	});
});

describe('the engine and the provider definitions know nothing of n8n or HTTP', () => {
	function sourceFiles(dir: string): string[] {
		return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) return entry.name === 'n8n' ? [] : sourceFiles(path);
			return entry.name.endsWith('.ts') ? [path] : [];
		});
	}

	it.each(sourceFiles(join(ROOT, 'lib')).map((path) => [path.slice(ROOT.length + 1), path]))(
		'%s imports no n8n package and no HTTP client',
		(_name, path) => {
			const imports = [...readFileSync(path, 'utf8').matchAll(/from '([^']+)'/g)].map(
				([, from]) => from,
			);
			for (const from of imports) {
				expect(from).not.toMatch(/^n8n-|^@n8n\/|\/n8n\/|^node:(http|https|net|tls)$|^axios$/);
			}
		},
	);
});
