/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test helper that reads fixture files; it is not part of the published package */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Fixture {
	name: string;
	envelope: Record<string, unknown>;
}

const FIXTURES_DIR = join(__dirname, '..', 'fixtures');

/** Every documented payload of a provider, copied from its own webhook pages. */
export function providerFixtures(provider: string): Fixture[] {
	const dir = join(FIXTURES_DIR, provider);
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({
			name: file.replace(/\.json$/, ''),
			envelope: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>,
		}));
}

export function fixture(provider: string, name: string): Record<string, unknown> {
	return JSON.parse(readFileSync(join(FIXTURES_DIR, provider, `${name}.json`), 'utf8')) as Record<
		string,
		unknown
	>;
}

/** A file of this repository, e.g. README.md. */
export function repositoryFile(name: string): string {
	return readFileSync(join(__dirname, '..', '..', name), 'utf8');
}
