/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the repository's source tree; not part of the published package */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { INodeType } from 'n8n-workflow';

import { messagingProviders } from '../lib/providerRegistry';
import type { MessagingProvider } from '../lib/messagingProvider';
import { repositoryFile } from './support/fixtures';
import { TRIGGER_NODES } from './support/triggerNodes';

const ROOT = join(__dirname, '..');

const triggers: Array<{ name: string; trigger: INodeType; provider: MessagingProvider }> =
	messagingProviders.map((provider) => ({
		name: `${provider.displayName} Trigger`,
		trigger: TRIGGER_NODES[provider.id],
		provider,
	}));

describe.each(triggers)('the $name node', ({ trigger, provider }) => {
	const { description } = trigger;

	it('offers every catalogued event, with All Events as the default', () => {
		const events = description.properties.find((property) => property.name === 'events')!;
		const values = (events.options as Array<{ value: string }>).map((option) => option.value);
		expect(events.default).toEqual(['*']);
		for (const event of provider.events) expect(values).toContain(event.name);
	});

	it('lists every catalogued event, with its canonical name, on its page docs/triggers/<id>.md', () => {
		const rows = repositoryFile(`docs/triggers/${provider.id}.md`)
			.split('\n')
			.filter((line) => line.startsWith('| `'))
			.map((line) =>
				line
					.split('|')
					.slice(1, 3)
					.map((cell) => cell.trim()),
			);
		for (const event of provider.events)
			expect(rows).toContainEqual([`\`${event.name}\``, `\`${event.canonical}\``]);
	});

	it('keeps the request bytes from n8n and answers with its own response body', () => {
		// n8n 2.x skips its JSON pre-parsing (and its 422 quoting the body) only for options.binaryData.
		const rawBody = description.properties.find((property) => property.name === 'options');
		expect(rawBody).toMatchObject({ type: 'hidden', default: { binaryData: true } });
		// noData, in both modes: n8n sends an empty 200 the trigger fills in (without a
		// responseData n8n answers the literal text "firstEntryJson" on receipt), and keeps the
		// workflow's data out of the answer when the workflow finishes. A fixed value: an
		// expression here would take an expression isolate per delivery.
		expect(description.webhooks![0].responseData).toBe('noData');
	});

	it('listens on one POST webhook with a credential of its own package', () => {
		expect(description.webhooks).toEqual([
			expect.objectContaining({
				httpMethod: 'POST',
				responseMode:
					'={{$parameter["acknowledge"] === "whenWorkflowFinishes" ? "lastNode" : "onReceived"}}',
			}),
		]);
		const manifest = JSON.parse(repositoryFile('package.json')) as {
			n8n: { credentials: string[] };
		};
		const credential = description.credentials![0].name;
		expect(
			manifest.n8n.credentials.some((file) =>
				file.toLowerCase().includes(`/${credential.toLowerCase()}.`),
			),
		).toBe(true);
	});
});

/**
 * What the build turns into n8n entry points: every `nodes/<Name>/<Name>.node.ts` and
 * `credentials/<Name>.credentials.ts` of the repository, named as package.json lists them.
 */
function builtEntryPoints(): { nodes: string[]; credentials: string[] } {
	const nodes = readdirSync(join(ROOT, 'nodes'), { withFileTypes: true })
		.filter((entry) => entry.isDirectory())
		.flatMap(({ name }) =>
			readdirSync(join(ROOT, 'nodes', name))
				.filter((file) => file.endsWith('.node.ts'))
				.map((file) => `dist/nodes/${name}/${file.replace(/\.ts$/, '.js')}`),
		);
	const credentials = readdirSync(join(ROOT, 'credentials'))
		.filter((file) => file.endsWith('.credentials.ts'))
		.map((file) => `dist/credentials/${file.replace(/\.ts$/, '.js')}`);
	return { nodes: nodes.sort(), credentials: credentials.sort() };
}

describe('package.json', () => {
	const manifest = JSON.parse(repositoryFile('package.json')) as {
		n8n: { nodes: string[]; credentials: string[] };
		dependencies?: object;
		peerDependencies: object;
	};

	it('lists every node and credential of the source, and nothing the build does not make', () => {
		const built = builtEntryPoints();
		expect([...manifest.n8n.nodes].sort()).toEqual(built.nodes);
		expect([...manifest.n8n.credentials].sort()).toEqual(built.credentials);
	});

	it("has no runtime dependencies and only n8n-workflow as peer (n8n's verification rules)", () => {
		expect(manifest.dependencies).toBeUndefined();
		expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	});
});
