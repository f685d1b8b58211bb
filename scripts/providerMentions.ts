/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, no-console -- `npm run mentions`; not part of the published package */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { ProviderDefinition } from '../lib/providerDefinition';
import { messagingProviders } from '../lib/providerRegistry';
import { REPO_ROOT } from './runtime/n8nRuntime';

/**
 * For each registered provider, the files outside its own folders that name it: where a
 * sixth provider would have to be written in again. The goal is one (the registry).
 *
 * Usage: `npm run mentions [-- <repository root>]`
 */

/** Files for people rather than code, and generated or recorded files: not counted. */
const NOT_COUNTED = [
	/(^|\/)README\.md$/,
	/^docs\//,
	/^examples\//,
	/^bench\//,
	/^package(-lock)?\.json$/,
];

const capitalised = (name: string) => name[0].toUpperCase() + name.slice(1);

function credentialTypesOf(provider: ProviderDefinition): string[] {
	return [provider.credential?.type, provider.allInOneCredential].filter(
		(type): type is string => type !== undefined,
	);
}

/** The words that name a provider: its id (any case), display name, node and credential names. */
function namesOf(provider: ProviderDefinition): RegExp[] {
	const exact = [
		provider.displayName,
		provider.trigger.name,
		...credentialTypesOf(provider).flatMap((type) => [type, capitalised(type)]),
	];
	const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	return [new RegExp(escape(provider.id), 'i'), ...exact.map((name) => new RegExp(escape(name)))];
}

/** A provider's own folders and files, where naming it is the point. */
function isOwnFile(provider: ProviderDefinition, file: string): boolean {
	const credentialClasses = credentialTypesOf(provider).map(capitalised);
	const name = basename(file);
	return (
		file.startsWith(`lib/providers/${provider.id}/`) ||
		file.startsWith(`nodes/${capitalised(provider.trigger.name)}/`) ||
		file.startsWith(`test/fixtures/${provider.id}/`) ||
		(file.startsWith('credentials/') &&
			credentialClasses.some((className) => name.startsWith(`${className}.`))) ||
		(file.startsWith('test/') &&
			/\.(test|e2e)\.ts$/.test(name) &&
			name.toLowerCase().startsWith(provider.id))
	);
}

function repositoryFiles(root: string): string[] {
	return execFileSync(
		'git',
		['-C', root, 'ls-files', '--cached', '--others', '--exclude-standard'],
		{
			encoding: 'utf8',
		},
	)
		.split('\n')
		.filter((file) => file.length > 0 && !NOT_COUNTED.some((pattern) => pattern.test(file)));
}

function main(): void {
	const root = process.argv[2] ?? REPO_ROOT;
	const files = repositoryFiles(root).map((file) => {
		let text = '';
		try {
			text = readFileSync(join(root, file), 'utf8');
		} catch {
			// Listed but absent (deleted in the work tree): names nothing.
		}
		return { file, text };
	});
	for (const provider of messagingProviders) {
		const names = namesOf(provider);
		const mentioning = files
			.filter(
				({ file, text }) => !isOwnFile(provider, file) && names.some((name) => name.test(text)),
			)
			.map(({ file }) => file);
		console.log(`${provider.id} (${provider.displayName}): ${mentioning.length} files`);
		for (const file of mentioning) console.log(`  ${file}`);
	}
}

main();
