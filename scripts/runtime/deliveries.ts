/* eslint-disable @n8n/community-nodes/no-restricted-imports -- development script (demo, end-to-end, bench); not part of the published package */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { CanonicalEvent } from '../../lib/canonicalEvent';
import type { ProviderId } from '../../lib/providerRegistry';
import { REPO_ROOT } from './n8nRuntime';

export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures');

export interface FixtureFile {
	provider: ProviderId;
	name: string;
	path: string;
	bytes: Buffer;
}

/** Beside each payload `<name>.json`, the canonical event written by hand for it (test/fixtures/README.md). */
const EXPECTED_SUFFIX = '.expected.json';

/** The providers' own documented payloads, exactly as stored (the bytes that get signed). */
export function fixtureFiles(provider: ProviderId): FixtureFile[] {
	const dir = join(FIXTURES_DIR, provider);
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json') && !file.endsWith(EXPECTED_SUFFIX))
		.sort()
		.map((file) => ({
			provider,
			name: file.replace(/\.json$/, ''),
			path: join(dir, file),
			bytes: readFileSync(join(dir, file)),
		}));
}

/**
 * The canonical event a trigger must emit for a fixture: the hand-written expected file, with
 * the fixture itself as `raw`. Never computed by the engine.
 */
export function expectedEventOf(fixture: FixtureFile): CanonicalEvent {
	const written = JSON.parse(
		readFileSync(join(FIXTURES_DIR, fixture.provider, `${fixture.name}${EXPECTED_SUFFIX}`), 'utf8'),
	) as Omit<CanonicalEvent, 'raw'>;
	return { ...written, raw: JSON.parse(fixture.bytes.toString('utf8')) as unknown };
}

/**
 * The eventId of an envelope that carries no id of its own (K-LINK, Partoo, StaryaAI): the first
 * 32 hex digits of SHA-256 over its compact JSON, keys in the order sent (test/fixtures/README.md).
 */
export function contentEventId(compactJson: string): string {
	return createHash('sha256').update(compactJson).digest('hex').slice(0, 32);
}

/**
 * What each trigger's credential holds. Partoo signs with its own private key, which
 * nobody else has: Partoo deliveries can only be accepted with Authentication "None".
 */
export interface DeliverySecrets {
	klink: string;
	timelyai: string;
	dotdigital: string;
	staryaaiHeaderName: string;
	staryaaiToken: string;
}

export function newSecrets(): DeliverySecrets {
	const secret = () => randomBytes(24).toString('hex');
	return {
		klink: secret(),
		timelyai: secret(),
		dotdigital: secret(),
		staryaaiHeaderName: 'X-Starya-Token',
		staryaaiToken: secret(),
	};
}

/** Credential type and data for each trigger, filled with the given secrets. */
export function triggerCredentials(
	secrets: DeliverySecrets,
): Record<ProviderId, { type: string; data: Record<string, unknown> }> {
	return {
		klink: { type: 'klinkWebhookApi', data: { signingSecret: secrets.klink } },
		partoo: {
			type: 'partooApi',
			data: { apiKey: 'demo-not-used', environment: 'production', orgId: '' },
		},
		timelyai: {
			type: 'timelyAiApi',
			data: { apiKey: 'demo-not-used', webhookSecret: secrets.timelyai },
		},
		dotdigital: {
			type: 'dotdigitalCpaasApi',
			data: {
				webhookSecret: secrets.dotdigital,
				region: 'r1',
				apiUser: 'demo-not-used',
				apiPassword: 'demo-not-used',
			},
		},
		staryaai: {
			type: 'staryaAiWebhookApi',
			data: {
				headerName: secrets.staryaaiHeaderName,
				headerToken: secrets.staryaaiToken,
				basicAuthUser: '',
				basicAuthPassword: '',
			},
		},
	};
}

const hmacHex = (algorithm: 'sha1' | 'sha256', secret: string, payload: Buffer) =>
	createHmac(algorithm, secret).update(payload).digest('hex');

export interface SigningOptions {
	/** Timely.ai only: send `X-Timely-Timestamp` (seconds) and sign `${timestamp}.${body}`. */
	timelyTimestamp?: number;
}

/** The headers a provider sends with these bytes, as its documentation describes them. */
export function signedHeaders(
	provider: ProviderId,
	body: Buffer,
	secrets: DeliverySecrets,
	options: SigningOptions = {},
): Record<string, string> {
	const json = { 'content-type': 'application/json' };
	switch (provider) {
		case 'klink':
			return { ...json, 'x-signature': `sha256=${hmacHex('sha256', secrets.klink, body)}` };
		case 'timelyai': {
			if (options.timelyTimestamp === undefined) {
				return {
					...json,
					'x-timely-signature': `sha256=${hmacHex('sha256', secrets.timelyai, body)}`,
				};
			}
			const signed = Buffer.concat([Buffer.from(`${options.timelyTimestamp}.`), body]);
			return {
				...json,
				'x-timely-timestamp': String(options.timelyTimestamp),
				'x-timely-signature': `sha256=${hmacHex('sha256', secrets.timelyai, signed)}`,
			};
		}
		case 'dotdigital':
			return { ...json, 'x-comapi-signature': hmacHex('sha1', secrets.dotdigital, body) };
		case 'staryaai':
			return { ...json, [secrets.staryaaiHeaderName.toLowerCase()]: secrets.staryaaiToken };
		default:
			return json;
	}
}

/** A Dotdigital batch (the `batch: true` webhook setting) of `size` distinct events, cycling through the fixtures. */
export function dotdigitalBatch(size: number, tag = 'batch'): Array<Record<string, unknown>> {
	const fixtures = fixtureFiles('dotdigital').map(
		(fixture) => JSON.parse(fixture.bytes.toString('utf8')) as Record<string, unknown>,
	);
	return Array.from({ length: size }, (_, index) => ({
		...fixtures[index % fixtures.length],
		eventId: `${tag}-${index}`,
	}));
}
