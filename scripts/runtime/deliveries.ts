/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- development script (demo, end-to-end, bench); not part of the published package */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import type { CanonicalEvent } from '../../lib/canonicalEvent';
import {
	authenticationValue,
	BASIC_AUTH_CREDENTIAL,
	HEADER_AUTH_CREDENTIAL,
	triggerCredentials,
} from '../../lib/n8n/triggerCredentials';
import type { AuthenticationMethod, ProviderDefinition } from '../../lib/providerDefinition';
import { PROVIDER_IDS, providerById, type ProviderId } from '../../lib/providerRegistry';
import { basicAuthorization, hmac } from '../../test/support/signing';
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

/** The sample a demo sends: the provider's first fixture that is an inbound message, else its first. */
export function demoFixture(provider: ProviderId): FixtureFile {
	const fixtures = fixtureFiles(provider);
	return (
		fixtures.find((fixture) => expectedEventOf(fixture).event === 'message.received') ?? fixtures[0]
	);
}

/**
 * The eventId of an envelope that carries no id of its own: the first
 * 32 hex digits of SHA-256 over its compact JSON, keys in the order sent (test/fixtures/README.md).
 */
export function contentEventId(compactJson: string): string {
	return createHash('sha256').update(compactJson).digest('hex').slice(0, 32);
}

/** The shared secret of each provider's trigger in a script (a signing secret, or a Basic or Header auth value), by provider id. */
export type DeliverySecrets = Record<ProviderId, string>;

export function newSecrets(): DeliverySecrets {
	return Object.fromEntries(PROVIDER_IDS.map((id) => [id, randomBytes(24).toString('hex')]));
}

/** The Basic auth user and the header name of the scripts' Basic and Header auth credentials. */
export const SCRIPT_BASIC_AUTH_USER = 'n8n-scripts';
export const SCRIPT_AUTH_HEADER = 'x-webhook-token';

function definitionOf(id: ProviderId): ProviderDefinition {
	const provider = providerById(id);
	if (!provider) throw new Error(`No registered provider "${id}"`);
	return provider;
}

/**
 * Whether nobody but the provider can produce a delivery its trigger's default
 * authentication accepts: it signs with its own private key (Ed25519).
 */
export function onlyProviderCanSign(id: ProviderId): boolean {
	const provider = definitionOf(id);
	return provider.authentication.default === 'signature' && !provider.hmacSignature;
}

/** The authentication the scripts' triggers use: the trigger's default, or None when only the provider can sign. */
export function scriptAuthentication(id: ProviderId): AuthenticationMethod {
	return onlyProviderCanSign(id) ? 'none' : definitionOf(id).authentication.default;
}

/** The credential types a trigger asks for with this authentication (its own or the shared credentials). */
export function credentialTypesFor(id: ProviderId, authentication: AuthenticationMethod): string[] {
	const value = authenticationValue(definitionOf(id), authentication);
	return triggerCredentials(definitionOf(id))
		.filter(({ displayOptions }) => {
			const shownFor = displayOptions?.show?.authentication;
			return !shownFor || shownFor.includes(value);
		})
		.map(({ name }) => name);
}

export interface TriggerCredential {
	type: string;
	data: Record<string, unknown>;
}

/** A credential class's fields, read from credentials/<Class>.credentials.ts. */
function credentialProperties(type: string): INodeProperties[] {
	const className = type[0].toUpperCase() + type.slice(1);
	// eslint-disable-next-line @typescript-eslint/no-require-imports -- the class is named by the credential type
	const module = require(
		join(__dirname, '..', '..', 'credentials', `${className}.credentials`),
	) as Record<string, new () => ICredentialType>;
	return new module[className]().properties;
}

/**
 * Data for a credential of this type holding the provider's secret: the signing secret, the
 * Basic auth password or the header's value, and a placeholder in every other field n8n
 * requires (an API key is not used: the scripts register webhooks by hand unless they say otherwise).
 */
function credentialData(id: ProviderId, type: string, secret: string): Record<string, unknown> {
	const known: Record<string, string> = {
		[BASIC_AUTH_CREDENTIAL]: 'password',
		[HEADER_AUTH_CREDENTIAL]: 'value',
	};
	const secretField = known[type] ?? definitionOf(id).credential?.signingSecretField;
	const data: Record<string, unknown> = {};
	const properties = credentialProperties(type);
	const defaults = Object.fromEntries(properties.map(({ name, default: value }) => [name, value]));
	for (const property of properties) {
		const shownWhen = Object.entries(property.displayOptions?.show ?? {});
		const shown = shownWhen.every(([field, values]) => values?.includes(defaults[field] as never));
		if (property.required && shown) data[property.name] = 'script-placeholder';
	}
	if (type === BASIC_AUTH_CREDENTIAL) data.user = SCRIPT_BASIC_AUTH_USER;
	if (type === HEADER_AUTH_CREDENTIAL) data.name = SCRIPT_AUTH_HEADER;
	if (secretField) data[secretField] = secret;
	return data;
}

/** The credentials a script's trigger of this provider needs, holding its secret. */
export function triggerCredentialsOf(
	id: ProviderId,
	secrets: DeliverySecrets,
	authentication: AuthenticationMethod = scriptAuthentication(id),
): TriggerCredential[] {
	return credentialTypesFor(id, authentication).map((type) => ({
		type,
		data: credentialData(id, type, secrets[id]),
	}));
}

/** The all-in-one credential (still used by the examples), with the same secret in the same role. */
export function allInOneCredentialOf(
	id: ProviderId,
	secrets: DeliverySecrets,
): TriggerCredential | undefined {
	const provider = definitionOf(id);
	if (!provider.allInOneCredential) return undefined;
	const secret = secrets[id];
	const fields: Partial<Record<AuthenticationMethod, Record<string, string>>> = {
		signature: provider.credential?.signingSecretField
			? { [provider.credential.signingSecretField]: secret }
			: {},
		basicAuth: { basicAuthUser: SCRIPT_BASIC_AUTH_USER, basicAuthPassword: secret },
		headerAuth: { headerName: SCRIPT_AUTH_HEADER, headerToken: secret },
	};
	return { type: provider.allInOneCredential, data: fields[scriptAuthentication(id)] ?? {} };
}

export interface SigningOptions {
	/** For schemes with a timestamp header: send it (seconds) and sign `${timestamp}.${body}`. */
	timestamp?: number;
}

/** The headers a provider sends with these bytes, signed as its definition says, with its secret. */
export function signedHeaders(
	id: ProviderId,
	body: Buffer,
	secrets: DeliverySecrets,
	options: SigningOptions = {},
): Record<string, string> {
	const json = { 'content-type': 'application/json' };
	const secret = secrets[id];
	switch (scriptAuthentication(id)) {
		case 'signature': {
			const scheme = definitionOf(id).hmacSignature!;
			const timestamped = scheme.timestampHeader && options.timestamp !== undefined;
			const signed = timestamped
				? Buffer.concat([Buffer.from(`${options.timestamp}.`), body])
				: body;
			const signature = hmac(scheme.algorithm, secret, signed, scheme.encoding);
			return {
				...json,
				...(timestamped ? { [scheme.timestampHeader!]: String(options.timestamp) } : {}),
				[scheme.header]: `${scheme.prefix ?? ''}${signature}`,
			};
		}
		case 'basicAuth':
			return { ...json, authorization: basicAuthorization(SCRIPT_BASIC_AUTH_USER, secret) };
		case 'headerAuth':
			return { ...json, [SCRIPT_AUTH_HEADER]: secret };
		case 'none':
			return json;
	}
}

/**
 * Headers the trigger's default authentication must refuse: signed with another secret, or
 * for a provider that signs with its own key, a random signature of the right length.
 */
export function forgedHeaders(id: ProviderId, body: Buffer): Record<string, string> {
	const provider = definitionOf(id);
	if (onlyProviderCanSign(id) && provider.ed25519SignatureHeader)
		return {
			'content-type': 'application/json',
			[provider.ed25519SignatureHeader]: randomBytes(64).toString('base64'),
		};
	return signedHeaders(id, body, newSecrets());
}

/**
 * The envelope field holding the provider's own event id, found from a fixture and its
 * hand-written expected event; null when the eventId is a hash of the envelope.
 */
export function eventIdField(expected: CanonicalEvent): string | null {
	const raw = expected.raw as Record<string, unknown>;
	return Object.keys(raw).find((field) => raw[field] === expected.eventId) ?? null;
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
