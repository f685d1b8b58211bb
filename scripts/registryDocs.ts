/* eslint-disable @typescript-eslint/no-require-imports, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions -- `npm run docs` and its staleness test; not part of the published package */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import type { ICredentialType } from 'n8n-workflow';

import type { AuthenticationMethod, ProviderDefinition } from '../lib/providerDefinition';
import { retryBehaviour } from '../lib/n8n/acknowledgement';
import { messagingProviders } from '../lib/providerRegistry';

/**
 * The files, or the marked blocks of files, written from the provider registry by
 * `npm run docs`; `test/registryDocs.test.ts` fails, naming the file, when one is stale.
 * A block is the text between `<!-- name -->` and `<!-- /name -->`. A table keyed by its first
 * cell (credentials, retries, fixture sources) keeps its hand-written rows, loses the rows of
 * unregistered keys and gains a row to complete for each new one.
 */

export const PACKAGE = 'n8n-nodes-messaging-triggers';
const REPOSITORY = 'https://github.com/messaging-triggers/n8n-nodes-messaging-triggers';

/** Nodes and credentials every provider shares; everything else belongs to one provider. */
export const HELPER_NODES = ['EventFields', 'EventNormalizer'];
export const SHARED_CREDENTIALS = [
	'MessagingTriggersBasicAuthApi',
	'MessagingTriggersHeaderAuthApi',
];

const NORMALIZER_WORDS = ['Normalize', 'Normalise', 'Canonical Event', 'Webhook Payload'];
const PACKAGE_WORDS = ['n8n-community-node-package', 'n8n', 'webhook', 'trigger'];
const PACKAGE_PROMISE = 'webhooks: verified, filtered and normalized into one event shape.';

export interface GeneratedFile {
	path: string;
	content: string;
}

export const capitalised = (name: string) => name[0].toUpperCase() + name.slice(1);
export const nodeClassOf = (provider: ProviderDefinition) => capitalised(provider.trigger.name);

/** The provider's credential types: its own, and version 1's when that is another. */
export function credentialTypesOf(provider: ProviderDefinition): string[] {
	return [provider.credential?.type, provider.allInOneCredential].filter(
		(type, index, all): type is string => type !== undefined && all.indexOf(type) === index,
	);
}

export function loadCredentialClass(className: string): ICredentialType {
	const module = require(`../credentials/${className}.credentials`) as Record<
		string,
		new () => ICredentialType
	>;
	return new module[className]();
}

/**
 * Every generated file as the repository keeps it: Markdown formatted by the repository's
 * prettier config (`npm run format:check` checks it), the rest as written. Prettier runs in a
 * process of its own: it loads its plugins with dynamic imports, which jest's module system
 * does not run.
 */
export function formattedRegistryDocuments(
	read: (path: string) => string,
	root: string,
): GeneratedFile[] {
	const prettier = join(root, 'node_modules', '.bin', 'prettier');
	return registryDocuments(read).map(({ path, content }) =>
		path.endsWith('.md')
			? {
					path,
					content: execFileSync(prettier, ['--stdin-filepath', path], {
						cwd: root,
						input: content,
						encoding: 'utf8',
					}),
				}
			: { path, content },
	);
}

/** Every file `npm run docs` writes, with what it must hold; `read` gives a file's current text. */
export function registryDocuments(
	read: (path: string) => string,
	providers: readonly ProviderDefinition[] = messagingProviders,
): GeneratedFile[] {
	return [
		{ path: 'README.md', content: readme(read('README.md'), providers) },
		{
			path: 'docs/limits-and-answers.md',
			content: limitsAndAnswers(read('docs/limits-and-answers.md'), providers),
		},
		{
			path: 'test/fixtures/README.md',
			content: keyedRows(read('test/fixtures/README.md'), 'fixture-sources', providers, (p) => [
				`\`${p.id}/\``,
				`${p.displayName}, ${p.documentation.webhooks}: every example`,
			]),
		},
		{ path: 'package.json', content: manifest(read('package.json'), providers) },
		...providers.map((provider) => ({
			path: triggerPagePath(provider),
			content: triggerPage(provider),
		})),
		...providers.map((provider) => {
			const path = `nodes/${nodeClassOf(provider)}/${nodeClassOf(provider)}.node.json`;
			return { path, content: json(triggerCodex(provider)) };
		}),
		{
			path: 'nodes/EventNormalizer/EventNormalizer.node.json',
			content: json({
				...(JSON.parse(read('nodes/EventNormalizer/EventNormalizer.node.json')) as object),
				// Current names only: a former name finds the provider's trigger alone, so it is listed first.
				alias: [...NORMALIZER_WORDS, ...providers.map(({ displayName }) => displayName)],
			}),
		},
	];
}

const json = (value: unknown) => `${JSON.stringify(value, null, '\t')}\n`;

const providerNames = (provider: ProviderDefinition) => [
	provider.displayName,
	...(provider.formerNames ?? []),
];

/** GitHub's anchor for a README heading. */
const anchorOf = (heading: string) =>
	heading
		.toLowerCase()
		.replace(/[^a-z0-9 _-]/g, '')
		.replace(/ /g, '-');

function triggerCodex(provider: ProviderDefinition) {
	const readmeSection = `${REPOSITORY}#${anchorOf(`${provider.displayName} Trigger`)}`;
	const { webhooks, setup } = provider.documentation;
	return {
		node: `${PACKAGE}.${provider.trigger.name}`,
		nodeVersion: '1.0',
		codexVersion: '1.0',
		categories: ['Communication'],
		resources: {
			...(credentialTypesOf(provider).length > 0
				? { credentialDocumentation: [{ url: setup ?? webhooks }] }
				: {}),
			primaryDocumentation: [{ url: readmeSection }, { url: webhooks }],
		},
		alias: [...(provider.formerNames ?? []), ...provider.trigger.aliases],
	};
}

/** "a, b and c" */
function listed(words: readonly string[]): string {
	return words.length > 1
		? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`
		: (words[0] ?? '');
}

function withFormerNames(provider: ProviderDefinition, emphasis = '') {
	const former = provider.formerNames?.length ? ` (formerly ${listed(provider.formerNames)})` : '';
	return `${emphasis}${provider.displayName}${emphasis}${former}`;
}

function manifest(text: string, providers: readonly ProviderDefinition[]): string {
	const manifest = JSON.parse(text) as {
		description: string;
		keywords: string[];
		n8n: { nodes: string[]; credentials: string[] };
	};
	manifest.description = `n8n trigger nodes for ${listed(providers.map((p) => withFormerNames(p)))} ${PACKAGE_PROMISE}`;
	const providerWords = providers.flatMap((provider) =>
		[provider.id, ...providerNames(provider)]
			.map((word) => word.toLowerCase())
			.filter((word) => !word.includes(' ')),
	);
	manifest.keywords = [...new Set([...PACKAGE_WORDS, ...providerWords])];
	manifest.n8n.nodes = [...providers.map(nodeClassOf), ...HELPER_NODES].map(
		(name) => `dist/nodes/${name}/${name}.node.js`,
	);
	manifest.n8n.credentials = [
		...new Set([...providers.flatMap(credentialTypesOf).map(capitalised), ...SHARED_CREDENTIALS]),
	].map((name) => `dist/credentials/${name}.credentials.js`);
	return json(manifest);
}

function readme(text: string, providers: readonly ProviderDefinition[]): string {
	let readme = replaceInline(
		text,
		'providers',
		listed(providers.map((provider) => withFormerNames(provider, '**'))),
	);
	const namesWhere = (registers: boolean) =>
		providers
			.filter((provider) => Boolean(provider.registration) === registers)
			.map((provider) => provider.displayName)
			.join(', ');
	readme = replaceInline(readme, 'registering', namesWhere(true));
	readme = replaceInline(readme, 'pasting', namesWhere(false));
	readme = replaceInline(
		readme,
		'provider-docs',
		providers
			.map((provider) => `[${provider.displayName}](${provider.documentation.webhooks})`)
			.join(', '),
	);
	readme = replaceBlock(readme, 'triggers', triggerTable(providers));
	for (const provider of providers) {
		if (!readme.includes(`<!-- events:${provider.id} -->`)) {
			const section = `### ${provider.displayName} Trigger\n\n${provider.trigger.description}. Events: <!-- events:${provider.id} --><!-- /events:${provider.id} -->.\n\n`;
			readme = readme.replace('### Helper nodes', `${section}### Helper nodes`);
		}
		const events = `[${provider.events.length} events](${triggerPagePath(provider)})`;
		readme = replaceInline(readme, `events:${provider.id}`, events);
	}
	return credentialRows(readme, providers);
}

export const triggerPagePath = (provider: ProviderDefinition) => `docs/triggers/${provider.id}.md`;

/**
 * A trigger's page of events, written whole from its definition. It is one block, so that
 * `npm run mentions` counts none of it as written by hand.
 */
function triggerPage(provider: ProviderDefinition): string {
	const heading = `${provider.displayName} Trigger`;
	const { webhooks, setup } = provider.documentation;
	// Names only: the editor shows each event's description where it is picked.
	const rows = provider.events.map((event) => `| \`${event.name}\` | \`${event.canonical}\` |`);
	const links = [
		`[its webhook events](${webhooks})`,
		...(setup ? [`[webhook setup](${setup})`] : []),
	];
	const page = [
		`<!-- Written by \`npm run docs\` from lib/providers/${provider.id}/: edit the definition, not this page. -->`,
		'',
		`# ${heading}`,
		'',
		`${provider.trigger.description}.`,
		'',
		`Each event **Trigger On** offers, and the canonical \`event\` it becomes:`,
		'',
		'| Provider event | Canonical `event` |',
		'|---|---|',
		...rows,
		'',
		`${provider.displayName}'s documentation: ${listed(links)}.`,
		'',
		`Setting the trigger up, and what the rest of the package does: the [README](../../README.md#${anchorOf(heading)}).`,
	].join('\n');
	const block = `trigger-page:${provider.id}`;
	return `<!-- ${block} -->\n${page}\n<!-- /${block} -->\n`;
}

/** The Credentials table: a row per credential class but version 1's, keyed by its display name. */
function credentialRows(text: string, providers: readonly ProviderDefinition[]): string {
	const classes = [
		...providers.flatMap((provider) =>
			provider.credential ? [{ provider, type: capitalised(provider.credential.type) }] : [],
		),
		...SHARED_CREDENTIALS.map((type) => ({ provider: undefined, type })),
	];
	return keyedRows(text, 'credentials', classes, ({ provider, type }) => {
		const credential = loadCredentialClass(type);
		const fields = credential.properties
			.filter((property) => property.type !== 'notice')
			.map((property) => property.displayName);
		return [
			credential.displayName,
			provider?.displayName ?? 'any trigger',
			fields.join(', '),
			credential.test
				? `\`${credential.test.request.url}\` with the credential`
				: 'checks it is filled in',
		];
	});
}

function limitsAndAnswers(text: string, providers: readonly ProviderDefinition[]): string {
	const withSignature = (provider: ProviderDefinition) =>
		Boolean(provider.hmacSignature || provider.ed25519SignatureHeader);
	const untimed = providers.filter(
		(provider) => withSignature(provider) && !provider.hmacSignature?.timestampHeader,
	);
	const unsigned = providers.filter((provider) => !withSignature(provider));
	const names = (list: ProviderDefinition[]) => `**${listed(list.map((p) => p.displayName))}**`;
	const sign = (list: ProviderDefinition[]) => (list.length > 1 ? 'sign' : 'signs');
	const who = [
		...(untimed.length ? [`${names(untimed)} ${sign(untimed)} no timestamp`] : []),
		...(unsigned.length ? [`${names(unsigned)} ${sign(unsigned)} nothing`] : []),
	];
	const replays = `- ${who.join(', and ')}: a captured delivery is valid forever, and so is a provider's own retry.`;
	const withReplays = replaceBlock(text, 'replays', replays);
	const behaviours = providers
		.map((provider) => `- ${retryBehaviour(provider.displayName, provider.deliveryRetries)}.`)
		.join('\n');
	const withBehaviours = replaceBlock(withReplays, 'retry-behaviour', behaviours);
	return keyedRows(withBehaviours, 'retries', providers, (provider) => [
		provider.displayName,
		'not documented',
		'',
		'',
		'',
		'',
	]);
}

function triggerTable(providers: readonly ProviderDefinition[]): string {
	const rows = providers.map((provider) => {
		const ways = provider.authentication.choices
			.filter(({ method }) => method !== 'none')
			.map(({ method }) => authenticationWords(provider, method));
		const last = ways.pop();
		const authentication = ways.length > 0 ? `${ways.join(', ')} or ${last}` : last;
		return `| **${provider.displayName} Trigger** | ${authentication} | ${provider.registration ? 'yes' : 'no'} |`;
	});
	return [
		'| Node | Authenticates deliveries by | Registers its webhook |',
		'|---|---|---|',
		...rows,
	].join('\n');
}

function authenticationWords(provider: ProviderDefinition, method: AuthenticationMethod): string {
	if (method === 'basicAuth') return 'Basic auth';
	if (method === 'headerAuth') return 'a secret header';
	if (provider.ed25519SignatureHeader)
		return `Ed25519 signature, ${provider.displayName}'s public key`;
	const { algorithm, timestampHeader } = provider.hmacSignature!;
	return `HMAC-${algorithm.toUpperCase()} signature${timestampHeader ? ', timestamp checked' : ''}`;
}

const blockPattern = (name: string, flags = '') =>
	new RegExp(`(<!-- ${name} -->)([\\s\\S]*?)(<!-- /${name} -->)`, flags);

function missingBlock(name: string): Error {
	return new Error(`no <!-- ${name} --> … <!-- /${name} --> block to write`);
}

/** A block on lines of its own (tables, lists). */
function replaceBlock(text: string, name: string, content: string): string {
	if (!blockPattern(name).test(text)) throw missingBlock(name);
	return text.replace(
		blockPattern(name, 'g'),
		(_, open, _old, close) => `${open}\n${content}\n${close}`,
	);
}

/** A block inside a sentence: a line starting with `<!--` would end the paragraph. */
function replaceInline(text: string, name: string, content: string): string {
	if (!blockPattern(name).test(text)) throw missingBlock(name);
	return text.replace(
		blockPattern(name, 'g'),
		(_, open, _old, close) => `${open}${content}${close}`,
	);
}

/**
 * A table whose rows are keyed by their first cell: rows of `items` kept as written, the
 * others dropped, a row from `newRow` appended for each item without one.
 */
function keyedRows<T>(
	text: string,
	name: string,
	items: readonly T[],
	newRow: (item: T) => string[],
): string {
	const block = blockPattern(name).exec(text);
	if (!block) throw missingBlock(name);
	const lines = block[2].split('\n').filter((line) => line.startsWith('|'));
	const [header, rule, ...rows] = lines;
	const keyOf = (row: string) => row.split('|')[1].trim();
	const written = new Map(rows.map((row) => [keyOf(row), row]));
	const wanted = items.map((item) => {
		const cells = newRow(item);
		return written.get(cells[0]) ?? `| ${cells.join(' | ')} |`;
	});
	return replaceBlock(text, name, [header, rule, ...wanted].join('\n'));
}
