import type { INodeType } from 'n8n-workflow';

import { DotdigitalTrigger } from '../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { KlinkTrigger } from '../nodes/KlinkTrigger/KlinkTrigger.node';
import { dotdigitalProvider } from '../lib/providers/dotdigital';
import { klinkProvider } from '../lib/providers/klink';
import type { MessagingProvider } from '../lib/messagingProvider';
import { repositoryFile } from './support/fixtures';

const triggers: Array<{ name: string; trigger: INodeType; provider: MessagingProvider }> = [
	{ name: 'K-LINK Trigger', trigger: new KlinkTrigger(), provider: klinkProvider },
	{ name: 'Dotdigital CPaaS Trigger', trigger: new DotdigitalTrigger(), provider: dotdigitalProvider },
];

describe.each(triggers)('the $name node', ({ trigger, provider }) => {
	const { description } = trigger;

	it('offers every catalogued event, with All Events as the default', () => {
		const events = description.properties.find((property) => property.name === 'events')!;
		const values = (events.options as Array<{ value: string }>).map((option) => option.value);
		expect(events.default).toEqual(['*']);
		for (const event of provider.events) expect(values).toContain(event.name);
	});

	it('lists every catalogued event, with its canonical name, in the README', () => {
		const readme = repositoryFile('README.md');
		const block = new RegExp(`<!-- events:${provider.id} -->([\\s\\S]*?)<!-- /events:${provider.id} -->`).exec(readme);
		expect(block).not.toBeNull();
		for (const event of provider.events) {
			expect(block![1]).toContain(`| \`${event.name}\` | \`${event.canonical}\` |`);
		}
	});

	it('listens on one POST webhook and needs its credential unless authentication is None', () => {
		expect(description.webhooks).toEqual([expect.objectContaining({ httpMethod: 'POST', responseMode: 'onReceived' })]);
		expect(description.credentials![0].displayOptions).toEqual({ hide: { authentication: ['none'] } });
	});
});

it('the package lists every node and credential it builds', () => {
	const manifest = JSON.parse(repositoryFile('package.json')) as {
		n8n: { nodes: string[]; credentials: string[] };
		dependencies?: object;
		peerDependencies: object;
	};
	expect(manifest.n8n.nodes).toEqual([
		'dist/nodes/KlinkTrigger/KlinkTrigger.node.js',
		'dist/nodes/DotdigitalTrigger/DotdigitalTrigger.node.js',
	]);
	expect(manifest.n8n.credentials).toEqual([
		'dist/credentials/KlinkWebhookApi.credentials.js',
		'dist/credentials/DotdigitalCpaasApi.credentials.js',
	]);
	expect(manifest.dependencies).toBeUndefined();
	expect(manifest.peerDependencies).toEqual({ 'n8n-workflow': '*' });
});
