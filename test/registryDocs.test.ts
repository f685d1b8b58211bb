/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- reads the repository's files to check them against the provider registry; not part of the published package */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { Icon } from 'n8n-workflow';

import { findEventDefinition } from '../lib/messagingProvider';
import type { ProviderDefinition } from '../lib/providerDefinition';
import { messagingProviders } from '../lib/providerRegistry';
import {
	capitalised,
	credentialTypesOf,
	loadCredentialClass,
	nodeClassOf,
	formattedRegistryDocuments,
	triggerPagePath,
} from '../scripts/registryDocs';
import { repositoryFile } from './support/fixtures';

const ROOT = join(__dirname, '..');

describe('the files written from the provider registry by `npm run docs`', () => {
	it('are up to date (a stale or missing one: run `npm run docs` and review the diff)', () => {
		const stale = formattedRegistryDocuments(repositoryFile, ROOT)
			.filter(
				({ path, content }) => !existsSync(join(ROOT, path)) || repositoryFile(path) !== content,
			)
			.map(({ path }) => path);
		expect(stale).toEqual([]);
	});

	it('leave no page in docs/triggers/ but those of registered providers', () => {
		const pages = readdirSync(join(ROOT, 'docs', 'triggers')).sort();
		expect(pages).toEqual(
			messagingProviders.map((provider) => basename(triggerPagePath(provider))).sort(),
		);
	});

	it('name every registered provider in the README, package.json and each codex file', () => {
		const readme = repositoryFile('README.md');
		const manifest = repositoryFile('package.json');
		for (const provider of messagingProviders) {
			expect(readme).toContain(`**${provider.displayName}**`);
			expect(readme).toMatch(
				new RegExp(`\\| \\*\\*${provider.displayName.replace('.', '\\.')} Trigger\\*\\* +\\|`),
			);
			expect(manifest).toContain(`dist/nodes/${nodeClassOf(provider)}/`);
		}
	});
});

/** What is wrong with a provider's references to its files, credential and events, in words. */
function brokenReferences(provider: ProviderDefinition): string[] {
	const broken: string[] = [];
	const nodeFolder = `nodes/${nodeClassOf(provider)}`;
	for (const icon of [`${provider.trigger.icon}.svg`, `${provider.trigger.icon}.dark.svg`]) {
		if (!existsSync(join(ROOT, nodeFolder, icon)))
			broken.push(`trigger.icon: ${nodeFolder}/${icon} does not exist`);
	}
	for (const key of Object.keys(provider.eventSchemas ?? {})) {
		if (!findEventDefinition(provider, key))
			broken.push(`eventSchemas: "${key}" is not one of the provider's events`);
	}
	const expectedIcons = {
		light: `file:../${nodeFolder}/${provider.trigger.icon}.svg`,
		dark: `file:../${nodeFolder}/${provider.trigger.icon}.dark.svg`,
	};
	const documentationUrl = provider.documentation.setup ?? provider.documentation.webhooks;
	for (const type of credentialTypesOf(provider)) {
		const file = `credentials/${capitalised(type)}.credentials.ts`;
		if (!existsSync(join(ROOT, file))) {
			broken.push(`credential "${type}": ${file} does not exist`);
			continue;
		}
		const credential = loadCredentialClass(capitalised(type));
		const fields = credential.properties.map((property) => property.name);
		if (credential.name !== type)
			broken.push(`${file}: name is "${credential.name}", not "${type}"`);
		if (JSON.stringify(credential.icon as Icon) !== JSON.stringify(expectedIcons))
			broken.push(`${file}: icon is not the trigger's (${expectedIcons.light}, …dark.svg)`);
		if (credential.documentationUrl !== documentationUrl)
			broken.push(`${file}: documentationUrl is not the definition's ${documentationUrl}`);
		const secretField = provider.credential?.signingSecretField;
		if (type === provider.credential?.type && secretField && !fields.includes(secretField))
			broken.push(
				`credential.signingSecretField "${secretField}" is not a field of ${file} (${fields.join(', ')})`,
			);
	}
	if (provider.hmacSignature && !provider.credential?.signingSecretField)
		broken.push('hmacSignature without credential.signingSecretField: nothing to sign with');
	return broken;
}

describe.each(messagingProviders.map((provider) => [provider.id, provider] as const))(
	"the %s definition's references",
	(_id, provider) => {
		it('name files, credential fields and events that exist', () => {
			expect(brokenReferences(provider)).toEqual([]);
		});
	},
);

describe('a typo in a definition fails with a message naming it', () => {
	const klink = messagingProviders.find((provider) => provider.id === 'klink')!;

	it('names a signing secret field the credential does not have', () => {
		const typo = {
			...klink,
			credential: { type: 'klinkSignatureApi', signingSecretField: 'signingSecert' },
		};
		expect(brokenReferences(typo)).toEqual([
			'credential.signingSecretField "signingSecert" is not a field of credentials/KlinkSignatureApi.credentials.ts (signingSecret)',
		]);
	});

	it('names an event schema key that is not an event, and an icon that does not exist', () => {
		const typo = {
			...klink,
			trigger: { ...klink.trigger, icon: 'k-link' },
			eventSchemas: { 'message.inbund': klink.envelopeSchema },
		};
		expect(brokenReferences(typo)).toEqual(
			expect.arrayContaining([
				'trigger.icon: nodes/KlinkTrigger/k-link.svg does not exist',
				'trigger.icon: nodes/KlinkTrigger/k-link.dark.svg does not exist',
				'eventSchemas: "message.inbund" is not one of the provider\'s events',
			]),
		);
	});
});
