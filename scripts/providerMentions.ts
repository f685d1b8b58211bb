/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-dangerous-functions, no-console -- `npm run mentions`; not part of the published package */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

import type { ProviderDefinition } from '../lib/providerDefinition';
import { messagingProviders } from '../lib/providerRegistry';
import { capitalised, credentialTypesOf, registryDocuments } from './registryDocs';
import { REPO_ROOT } from './runtime/n8nRuntime';

/**
 * For each registered provider, the files outside its own folders that name it by hand: where
 * a sixth provider would have to be written in again. The goal is one (the registry).
 *
 * Usage: `npm run mentions [-- <repository root>]`
 */

/** Recorded files: not counted. */
const NOT_COUNTED = [/^bench\//, /^package-lock\.json$/];

/**
 * What a file says by hand: without the blocks `npm run docs` writes (`<!-- name -->` …
 * `<!-- /name -->`), nothing of the JSON files it writes whole.
 */
function handWritten(file: string, text: string, generatedFiles: Set<string>): string {
	if (generatedFiles.has(file) && file.endsWith('.json')) return '';
	return text.replace(/<!-- ([\w:-]+) -->[\s\S]*?<!-- \/\1 -->/g, '');
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

/** The README without the provider's own section (`### <name> Trigger`, up to the next heading). */
function withoutOwnSection(provider: ProviderDefinition, readme: string): string {
	const heading = `### ${provider.displayName} Trigger\n`;
	const start = readme.indexOf(heading);
	if (start < 0) return readme;
	const end = readme.indexOf('\n#', start + heading.length);
	return readme.slice(0, start) + (end < 0 ? '' : readme.slice(end));
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
	const read = (file: string) => readFileSync(join(root, file), 'utf8');
	const generatedFiles = new Set(registryDocuments(read).map(({ path }) => path));
	const files = repositoryFiles(root).map((file) => {
		let text = '';
		try {
			text = handWritten(file, read(file), generatedFiles);
		} catch {
			// Listed but absent (deleted in the work tree): names nothing.
		}
		return { file, text };
	});
	for (const provider of messagingProviders) {
		const names = namesOf(provider);
		const mentioning = files
			.filter(({ file, text }) => {
				if (isOwnFile(provider, file)) return false;
				const others = file === 'README.md' ? withoutOwnSection(provider, text) : text;
				return names.some((name) => name.test(others));
			})
			.map(({ file }) => file);
		console.log(`${provider.id} (${provider.displayName}): ${mentioning.length} files`);
		for (const file of mentioning) console.log(`  ${file}`);
	}
}

main();
