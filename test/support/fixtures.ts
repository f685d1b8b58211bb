/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- test helper that reads fixture files; it is not part of the published package */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CanonicalEvent } from '../../lib/canonicalEvent';

export interface Fixture {
	name: string;
	envelope: Record<string, unknown>;
}

const FIXTURES_DIR = join(__dirname, '..', 'fixtures');
/** Beside each payload `<name>.json`, the canonical event written by hand for it (fixtures/README.md). */
const EXPECTED_SUFFIX = '.expected.json';

/** Every documented payload of a provider, copied from its own webhook pages. */
export function providerFixtures(provider: string): Fixture[] {
	const dir = join(FIXTURES_DIR, provider);
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json') && !file.endsWith(EXPECTED_SUFFIX))
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

/** The canonical event a trigger must emit for a fixture: its hand-written file, with the fixture as `raw`. */
export function expectedEvent(provider: string, name: string): CanonicalEvent {
	const written = JSON.parse(
		readFileSync(join(FIXTURES_DIR, provider, `${name}${EXPECTED_SUFFIX}`), 'utf8'),
	) as Omit<CanonicalEvent, 'raw'>;
	return { ...written, raw: fixture(provider, name) };
}

/** The names of the hand-written expectations kept for a provider. */
export function expectedEventNames(provider: string): string[] {
	return readdirSync(join(FIXTURES_DIR, provider))
		.filter((file) => file.endsWith(EXPECTED_SUFFIX))
		.map((file) => file.slice(0, -EXPECTED_SUFFIX.length))
		.sort();
}

/** A file of this repository, e.g. README.md. */
export function repositoryFile(name: string): string {
	return readFileSync(join(__dirname, '..', '..', name), 'utf8');
}
