/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test-only: FUZZ_RUNS comes from process.env, and what the triggers write to process.stdout/stderr is read back */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import type { INodeParameters, INodeType } from 'n8n-workflow';

import type { ProviderId } from '../../lib/providerRegistry';
import { MAX_NESTING_DEPTH, TOO_DEEP_MARKER } from '../../lib/deliveryLimits';
import { dotdigitalEvents } from '../../lib/providers/dotdigital/events';
import { klinkEvents } from '../../lib/providers/klink/events';
import { partooEvents } from '../../lib/providers/partoo/events';
import { partooPublicKeys } from '../../lib/providers/partoo/publicKeys';
import { staryaAiEvents } from '../../lib/providers/staryaai/events';
import { timelyAiEvents } from '../../lib/providers/timelyai/events';
import { DotdigitalTrigger } from '../../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { KlinkTrigger } from '../../nodes/KlinkTrigger/KlinkTrigger.node';
import { PartooTrigger } from '../../nodes/PartooTrigger/PartooTrigger.node';
import { StaryaAiTrigger } from '../../nodes/StaryaAiTrigger/StaryaAiTrigger.node';
import { TimelyAiTrigger } from '../../nodes/TimelyAiTrigger/TimelyAiTrigger.node';
import { providerFixtures } from '../support/fixtures';
import { deliver, type TriggerRun, type TriggerSetup } from '../support/runTrigger';
import { hmac } from '../support/signing';
import {
	bodyPlan,
	buildBody,
	extraHeaders,
	plantPersonalData,
	POLLUTION_FLAG,
	PROTOTYPE_KEYS,
	structuralMutation,
	type BodyContext,
	type BodyPlan,
	type StructuralMutation,
} from './arbitraries';

/**
 * Property-based fuzzing of the whole delivery path: generated deliveries (documented
 * payloads mutated every which way, batches, broken bytes, random headers, right and wrong
 * authentication) go through each real trigger node inside n8n-core's WebhookContext.
 * `npm test` runs a modest number of cases; `npm run fuzz` sets FUZZ_RUNS for a long run.
 * The count is per property and per trigger. There is no fixed seed: on a failure
 * fast-check prints its seed and path, which `fc.assert(…, { seed, path })` replays.
 */
const RUNS = Number(process.env.FUZZ_RUNS) || 100;
/** Per property: generous, since a long run's time grows with FUZZ_RUNS. */
const TIMEOUT_MS = Math.max(30_000, RUNS * 20);

// Every secret and every piece of personal data is random, so that finding it anywhere is proof of a leak.
const SIGNING_SECRET = randomBytes(24).toString('hex');
const OTHER_SECRET = randomBytes(24).toString('hex');
const BASIC_USER = `fuzz-${randomBytes(4).toString('hex')}`;
const BASIC_PASSWORD = randomBytes(18).toString('base64url');
const HEADER_NAME = 'X-Fuzz-Auth';
const HEADER_TOKEN = randomBytes(24).toString('base64url');
const SECRETS = [SIGNING_SECRET, OTHER_SECRET, BASIC_PASSWORD, HEADER_TOKEN];
const PERSONAL_DATA = `PII-${randomBytes(8).toString('hex')}`;

// Partoo signs with its own key pair: the sandbox public key is swapped for a test one.
const partooSandbox = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
let publishedSandboxKey: KeyObject;

// ---------------------------------------------------------------------------------------
// What is written to the console and to stdout/stderr while deliveries run

const logged: string[] = [];
const PROTOTYPES = {
	object: Object.prototype,
	array: Array.prototype,
	function: Function.prototype,
	string: String.prototype,
};
const prototypeKeysBefore = Object.fromEntries(
	Object.entries(PROTOTYPES).map(([name, prototype]) => [
		name,
		Reflect.ownKeys(prototype).map(String).sort(),
	]),
);

beforeAll(() => {
	publishedSandboxKey = partooPublicKeys.get('sandbox')!;
	partooPublicKeys.set('sandbox', partooSandbox.publicKey);
	const record = (...args: unknown[]) => {
		logged.push(args.map((arg) => (typeof arg === 'string' ? arg : safeStringify(arg))).join(' '));
	};
	for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
		jest.spyOn(console, level).mockImplementation(record);
	}
	for (const stream of [process.stdout, process.stderr]) {
		const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
		jest.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
			logged.push(Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk));
			return write(chunk, ...rest);
		}) as typeof stream.write);
	}
});

afterAll(() => {
	partooPublicKeys.set('sandbox', publishedSandboxKey);
	jest.restoreAllMocks();
});

function safeStringify(value: unknown): string {
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

// ---------------------------------------------------------------------------------------
// Authentication: how each trigger is set up, and how a delivery is signed or forged

type Method = 'signature' | 'basicAuth' | 'headerAuth' | 'none';

/** `forgery` null: the delivery is authenticated the way the trigger expects (in one of several ways). */
interface AuthPlan {
	method: Method;
	forgery: string | null;
	variant: number;
}

interface Authenticated {
	setup: TriggerSetup;
	headers: Record<string, string>;
}

interface ProviderCase {
	id: ProviderId;
	trigger: INodeType;
	/** The top-level field that names the event. */
	eventField: string;
	eventNames: string[];
	forgeries: Partial<Record<Method, readonly string[]>>;
	authenticate(plan: AuthPlan, body: Buffer): Authenticated;
}

/** Header names authentication uses; random extra headers never take them. */
const AUTHENTICATION_HEADERS = [
	'authorization',
	HEADER_NAME,
	'x-signature',
	'x-timely-signature',
	'x-timely-timestamp',
	'x-comapi-signature',
	'x-partoo-signature-v1',
];

const HMAC_FORGERIES = [
	'missing',
	'empty',
	'wrongSecret',
	'otherBytes',
	'truncated',
	'notHex',
	'flippedDigit',
	'noSecretConfigured',
];
const BASIC_FORGERIES = [
	'missing',
	'wrongPassword',
	'wrongUser',
	'bearer',
	'garbage',
	'noColon',
	'notConfigured',
];
const HEADER_FORGERIES = [
	'missing',
	'empty',
	'wrongValue',
	'extended',
	'otherHeader',
	'notConfigured',
];

/** Not forgeries: the trigger itself has no secret to check with, which is answered 503 (retry later). */
const UNCHECKABLE_SETUPS = new Set(['noSecretConfigured', 'notConfigured']);

function flipDigit(hex: string, variant: number): string {
	const at = variant % hex.length;
	return `${hex.slice(0, at)}${hex[at] === '0' ? '1' : '0'}${hex.slice(at + 1)}`;
}

interface HmacScheme {
	credentialType: string;
	secretField: string;
	header: string;
	algorithm: 'sha1' | 'sha256';
	/** Prefixes a correct signature may carry (`''` for none). */
	prefixes: readonly string[];
	/** Whether the trigger keeps a secret at registration (it wins over the credential's). */
	registers: boolean;
	timestampHeader?: string;
}

/** Signs (or forges) a delivery for a trigger that checks an HMAC of the body. */
function hmacAuthentication(scheme: HmacScheme, plan: AuthPlan, body: Buffer): Authenticated {
	const registered =
		scheme.registers &&
		plan.forgery !== 'noSecretConfigured' &&
		(plan.variant % 3 === 0 || plan.forgery === 'registeredSecretWins');
	const credentialSecret =
		plan.forgery === 'noSecretConfigured' ? '' : registered ? OTHER_SECRET : SIGNING_SECRET;
	const setup: TriggerSetup = {
		// Without a registration the user signs with the credential's secret: auto-registration is off.
		parameters: scheme.registers && !registered ? { autoRegister: false } : {},
		credentials: {
			[scheme.credentialType]: {
				apiKey: 'not-used',
				apiUser: 'not-used',
				[scheme.secretField]: credentialSecret,
			},
		},
		staticData: registered
			? {
					registration: {
						ids: ['1'],
						url: 'https://n8n.invalid/webhook',
						events: ['*'],
						secret: SIGNING_SECRET,
					},
				}
			: undefined,
	};
	const secret =
		plan.forgery === 'wrongSecret'
			? OTHER_SECRET
			: plan.forgery === 'noSecretConfigured'
				? ''
				: plan.forgery === 'registeredSecretWins'
					? OTHER_SECRET
					: SIGNING_SECRET;

	const headers: Record<string, string> = {};
	let signedParts: Array<Buffer | string> = [body];
	if (scheme.timestampHeader) {
		const nowSeconds = Math.floor(Date.now() / 1000);
		const style = plan.variant % 4;
		if (plan.forgery === 'staleTimestamp') {
			const stale = String(nowSeconds - 3_600);
			headers[scheme.timestampHeader] = stale;
			signedParts = [`${stale}.`, body];
		} else if (plan.forgery === 'timestampMismatch') {
			headers[scheme.timestampHeader] = String(nowSeconds - 1);
			signedParts = [`${nowSeconds}.`, body];
		} else if (style === 1 || style === 2) {
			// A fresh timestamp, in seconds or milliseconds, signed together with the body.
			const timestamp = style === 1 ? String(nowSeconds) : String(Date.now());
			headers[scheme.timestampHeader] = timestamp;
			signedParts = [`${timestamp}.`, body];
		} else if (style === 3) {
			// A fresh timestamp while the body alone is signed, which the docs also allow.
			headers[scheme.timestampHeader] = new Date().toISOString();
		}
	}
	if (plan.forgery === 'otherBytes') signedParts = [...signedParts, ' '];

	let signature = hmac(
		scheme.algorithm,
		secret,
		Buffer.concat(signedParts.map((part) => Buffer.from(part))),
		'hex',
	);
	if (plan.forgery === 'truncated') signature = signature.slice(0, -2);
	if (plan.forgery === 'flippedDigit') signature = flipDigit(signature, plan.variant);
	if (plan.forgery === 'notHex') signature = 'not-a-signature';
	if (Math.floor(plan.variant / 4) % 2 === 1) signature = signature.toUpperCase();
	const prefix = scheme.prefixes[plan.variant % scheme.prefixes.length];

	if (plan.forgery === 'empty') headers[scheme.header] = '';
	else if (plan.forgery !== 'missing') headers[scheme.header] = `${prefix}${signature}`;
	return { setup, headers };
}

/** Half the runs use node version 1 and its all-in-one credential, half version 2 and the shared ones. */
const usesVersionOne = (plan: AuthPlan) => Math.floor(plan.variant / 2) % 2 === 1;

function basicAuthentication(versionOneType: string, plan: AuthPlan): Authenticated {
	const configured = plan.forgery !== 'notConfigured';
	const [user, password] = configured ? [BASIC_USER, BASIC_PASSWORD] : ['', ''];
	const setup: TriggerSetup = usesVersionOne(plan)
		? {
				typeVersion: 1,
				credentials: { [versionOneType]: { basicAuthUser: user, basicAuthPassword: password } },
			}
		: { typeVersion: 2, credentials: { messagingTriggersBasicAuthApi: { user, password } } };
	const encode = (text: string) => Buffer.from(text).toString('base64');
	const scheme = plan.variant % 2 === 0 ? 'Basic' : 'basic';
	const authorization: Record<string, string | undefined> = {
		missing: undefined,
		wrongPassword: `Basic ${encode(`${BASIC_USER}:${OTHER_SECRET}`)}`,
		wrongUser: `Basic ${encode(`${BASIC_USER}x:${BASIC_PASSWORD}`)}`,
		bearer: `Bearer ${BASIC_PASSWORD}`,
		garbage: 'Basic !!!',
		noColon: `Basic ${encode(BASIC_USER)}`,
		notConfigured: `Basic ${encode(':')}`,
	};
	const value =
		plan.forgery === null
			? `${scheme} ${encode(`${BASIC_USER}:${BASIC_PASSWORD}`)}`
			: authorization[plan.forgery];
	return { setup, headers: value === undefined ? {} : { authorization: value } };
}

function headerAuthentication(versionOneType: string, plan: AuthPlan): Authenticated {
	const configured = plan.forgery !== 'notConfigured';
	const [headerName, headerToken] = configured ? [HEADER_NAME, HEADER_TOKEN] : ['', ''];
	const setup: TriggerSetup = usesVersionOne(plan)
		? { typeVersion: 1, credentials: { [versionOneType]: { headerName, headerToken } } }
		: {
				typeVersion: 2,
				credentials: { messagingTriggersHeaderAuthApi: { name: headerName, value: headerToken } },
			};
	const name = HEADER_NAME.toLowerCase();
	const headers: Record<string, Record<string, string>> = {
		missing: {},
		empty: { [name]: '' },
		wrongValue: { [name]: OTHER_SECRET },
		extended: { [name]: `${HEADER_TOKEN}x` },
		otherHeader: { 'x-other-auth': HEADER_TOKEN },
		notConfigured: { [name]: HEADER_TOKEN },
	};
	return {
		setup,
		headers: plan.forgery === null ? { [name]: HEADER_TOKEN } : headers[plan.forgery],
	};
}

function partooAuthentication(plan: AuthPlan, body: Buffer): Authenticated {
	const environment = plan.forgery === 'productionKey' ? 'production' : 'sandbox';
	const setup: TriggerSetup = {
		credentials: { partooApi: { apiKey: 'not-used', environment, orgId: '' } },
	};
	if (plan.method === 'none') return { setup, headers: {} };
	const signer = plan.forgery === 'strangerKey' ? stranger.privateKey : partooSandbox.privateKey;
	const signedBytes =
		plan.forgery === 'otherBytes' ? Buffer.concat([body, Buffer.from(' ')]) : body;
	const signature = sign(null, signedBytes, signer);
	if (plan.forgery === 'flippedByte') signature[plan.variant % signature.length] ^= 0x01;
	const encoded: Record<string, string | undefined> = {
		missing: undefined,
		empty: '',
		notBase64: '%%% not base64 %%%',
		truncated: signature.toString('base64').slice(0, 40),
	};
	const value =
		plan.forgery !== null && plan.forgery in encoded
			? encoded[plan.forgery]
			: plan.variant % 2 === 0
				? signature.toString('base64')
				: ` ${signature.toString('base64')} `;
	return { setup, headers: value === undefined ? {} : { 'x-partoo-signature-v1': value } };
}

const noneAuthentication = (credentialType: string): Authenticated => ({
	setup: { credentials: { [credentialType]: {} } },
	headers: {},
});

const names = (events: ReadonlyArray<{ name: string }>) => events.map(({ name }) => name);

const CASES: ProviderCase[] = [
	{
		id: 'klink',
		trigger: new KlinkTrigger(),
		eventField: 'event',
		eventNames: names(klinkEvents),
		forgeries: {
			signature: HMAC_FORGERIES,
			basicAuth: BASIC_FORGERIES,
			headerAuth: HEADER_FORGERIES,
			none: [],
		},
		authenticate(plan, body) {
			const versionOneType = 'klinkWebhookApi';
			if (plan.method === 'basicAuth') return basicAuthentication(versionOneType, plan);
			if (plan.method === 'headerAuth') return headerAuthentication(versionOneType, plan);
			if (plan.method === 'none') return noneAuthentication(versionOneType);
			const signed = hmacAuthentication(
				{
					credentialType: usesVersionOne(plan) ? versionOneType : 'klinkSignatureApi',
					secretField: 'signingSecret',
					header: 'x-signature',
					algorithm: 'sha256',
					prefixes: ['', 'sha256=', 'SHA256='],
					registers: false,
				},
				plan,
				body,
			);
			return { ...signed, setup: { ...signed.setup, typeVersion: usesVersionOne(plan) ? 1 : 2 } };
		},
	},
	{
		id: 'timelyai',
		trigger: new TimelyAiTrigger(),
		eventField: 'event',
		eventNames: names(timelyAiEvents),
		forgeries: {
			signature: [...HMAC_FORGERIES, 'registeredSecretWins', 'staleTimestamp', 'timestampMismatch'],
			none: [],
		},
		authenticate(plan, body) {
			const credentialType = 'timelyAiApi';
			if (plan.method === 'none') return noneAuthentication(credentialType);
			return hmacAuthentication(
				{
					credentialType,
					secretField: 'webhookSecret',
					header: 'x-timely-signature',
					algorithm: 'sha256',
					prefixes: ['sha256=', ''],
					registers: true,
					timestampHeader: 'x-timely-timestamp',
				},
				plan,
				body,
			);
		},
	},
	{
		id: 'dotdigital',
		trigger: new DotdigitalTrigger(),
		eventField: 'name',
		eventNames: names(dotdigitalEvents),
		forgeries: { signature: [...HMAC_FORGERIES, 'registeredSecretWins'], none: [] },
		authenticate(plan, body) {
			const credentialType = 'dotdigitalCpaasApi';
			if (plan.method === 'none') return noneAuthentication(credentialType);
			return hmacAuthentication(
				{
					credentialType,
					secretField: 'webhookSecret',
					header: 'x-comapi-signature',
					algorithm: 'sha1',
					prefixes: [''],
					registers: true,
				},
				plan,
				body,
			);
		},
	},
	{
		id: 'partoo',
		trigger: new PartooTrigger(),
		eventField: 'type',
		eventNames: names(partooEvents),
		forgeries: {
			signature: [
				'missing',
				'empty',
				'strangerKey',
				'otherBytes',
				'flippedByte',
				'notBase64',
				'truncated',
				'productionKey',
			],
			none: [],
		},
		authenticate: partooAuthentication,
	},
	{
		id: 'staryaai',
		trigger: new StaryaAiTrigger(),
		eventField: 'event',
		eventNames: names(staryaAiEvents),
		forgeries: { headerAuth: HEADER_FORGERIES, basicAuth: BASIC_FORGERIES, none: [] },
		authenticate(plan) {
			const credentialType = 'staryaAiWebhookApi';
			if (plan.method === 'basicAuth') return basicAuthentication(credentialType, plan);
			if (plan.method === 'headerAuth') return headerAuthentication(credentialType, plan);
			return noneAuthentication(credentialType);
		},
	},
];

const ALL_EVENT_NAMES = CASES.flatMap(({ eventNames }) => eventNames);
const PROVIDER_IDS = CASES.map(({ id }) => id);
const caseOf = (id: ProviderId) => CASES.find((providerCase) => providerCase.id === id)!;

/** Right authentication (in any of its accepted forms) or, about half the time, a forgery. */
function authPlan(
	providerCase: ProviderCase,
	{ forged }: { forged: boolean },
): fc.Arbitrary<AuthPlan> {
	const methods = Object.keys(providerCase.forgeries) as Method[];
	return fc.constantFrom(...methods).chain((method) => {
		const forgeries = providerCase.forgeries[method] ?? [];
		const forgery =
			forged && forgeries.length > 0
				? fc.option(fc.constantFrom(...forgeries), { nil: null, freq: 2 })
				: fc.constant(null);
		return fc.record({ method: fc.constant(method), forgery, variant: fc.nat(10_000) });
	});
}

// ---------------------------------------------------------------------------------------
// Deliveries

const BODY_LIMITS = { maxDepth: 300, maxStringLength: 64 * 1024, maxBatch: 6 };

function bodyContext(providerCase: ProviderCase): BodyContext {
	return {
		fixtures: providerFixtures(providerCase.id).map(({ envelope }) =>
			plantPersonalData(envelope, PERSONAL_DATA),
		),
		eventField: providerCase.eventField,
		marker: PERSONAL_DATA,
	};
}

function bodyPlans(providerCase: ProviderCase): fc.Arbitrary<BodyPlan> {
	return bodyPlan({
		...BODY_LIMITS,
		fixtureCount: providerFixtures(providerCase.id).length,
		eventNames: [...providerCase.eventNames, ...providerCase.eventNames, ...ALL_EVENT_NAMES],
	});
}

type Output = 'canonical' | 'raw';

interface Delivered {
	run: TriggerRun;
	body: Buffer;
	headers: Record<string, string>;
	/** Everything logged while this delivery ran. */
	logs: string;
}

async function deliverPlanned(
	providerCase: ProviderCase,
	context: BodyContext,
	plan: BodyPlan,
	auth: AuthPlan,
	extra: Record<string, string>,
	events?: string[],
	output?: Output,
): Promise<Delivered> {
	const body = buildBody(plan, context);
	const { setup, headers: authHeaders } = providerCase.authenticate(auth, body);
	const parameters: INodeParameters = { ...setup.parameters, authentication: auth.method };
	if (events !== undefined) parameters.events = events;
	if (output !== undefined) parameters.additionalOptions = { output };
	const headers = { ...extra, ...authHeaders };
	const loggedBefore = logged.length;
	const run = await deliver(providerCase.trigger, { ...setup, parameters }, { body, headers });
	return { run, body, headers, logs: logged.slice(loggedBefore).join('\n') };
}

/**
 * What the body is, read independently of the engine: UTF-8 (invalid bytes replaced, a
 * leading byte-order mark dropped, as a WHATWG decoder does), then JSON.
 */
function readAsJson(body: Buffer): { json: true; value: unknown } | { json: false } {
	try {
		return { json: true, value: JSON.parse(new TextDecoder('utf-8').decode(body)) as unknown };
	} catch {
		return { json: false };
	}
}

const isObject = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

const sameJson = (actual: unknown, expected: unknown) =>
	JSON.stringify(actual) === JSON.stringify(expected);

/** What an item carries of an envelope: containers below the depth limit become the marker. */
function carried(value: unknown, depth = 1): unknown {
	if (typeof value !== 'object' || value === null) return value;
	if (depth > MAX_NESTING_DEPTH) return TOO_DEEP_MARKER;
	if (Array.isArray(value)) return value.map((element) => carried(element, depth + 1));
	return Object.fromEntries(
		Object.entries(value).map(([key, member]) => [key, carried(member, depth + 1)]),
	);
}

const someEvents = (providerCase: ProviderCase): fc.Arbitrary<string[] | undefined> =>
	fc.oneof(
		fc.constant(undefined),
		fc.constant<string[]>(['*']),
		fc.subarray(providerCase.eventNames, { minLength: 1 }),
		fc.constantFrom<string[]>(['message.*'], ['contact.*', 'conversation.*'], ['no.such.event']),
	);

const allEvents = fc.constantFrom<string[] | undefined>(undefined, ['*']);
const output = fc.constantFrom<Output | undefined>(undefined, 'canonical', 'raw');

function assertProperty<Ts extends [unknown, ...unknown[]]>(
	property: fc.IAsyncProperty<Ts>,
): Promise<void> {
	return fc.assert(property, { numRuns: RUNS });
}

// ---------------------------------------------------------------------------------------

describe.each(CASES.map((providerCase) => [providerCase.id, providerCase] as const))(
	'fuzzing the %s trigger',
	(_id, providerCase) => {
		const context = bodyContext(providerCase);
		const plans = bodyPlans(providerCase);
		const headers = extraHeaders(AUTHENTICATION_HEADERS);

		it(
			'never throws, and answers 200, 400, 401 or 503 only: 401 exactly when the authentication is wrong, 503 exactly when the trigger has no secret, whatever the body and headers',
			async () => {
				await assertProperty(
					fc.asyncProperty(
						plans,
						authPlan(providerCase, { forged: true }),
						headers,
						someEvents(providerCase),
						output,
						async (plan, auth, extra, events, chosenOutput) => {
							const { run } = await deliverPlanned(
								providerCase,
								context,
								plan,
								auth,
								extra,
								events,
								chosenOutput,
							);
							expect([200, 400, 401, 503]).toContain(run.status);
							const uncheckable = UNCHECKABLE_SETUPS.has(auth.forgery ?? '');
							if (uncheckable) expect(run.status).toBe(503);
							else if (auth.forgery !== null) expect(run.status).toBe(401);
							else expect([401, 503]).not.toContain(run.status);
							if (run.status !== 200) {
								expect(run.items).toBeNull();
								expect(run.body).toEqual({
									status: run.status === 503 ? 'unavailable' : 'rejected',
									reason: expect.any(String),
								});
							}
						},
					),
				);
			},
			TIMEOUT_MS,
		);

		it(
			'answers a correctly authenticated delivery by its body: 400 only when it is not JSON, else one item per envelope, in order',
			async () => {
				await assertProperty(
					fc.asyncProperty(
						plans,
						authPlan(providerCase, { forged: false }),
						headers,
						allEvents,
						output,
						async (plan, auth, extra, events, chosenOutput) => {
							const {
								run,
								body,
								headers: sent,
							} = await deliverPlanned(
								providerCase,
								context,
								plan,
								auth,
								extra,
								events,
								chosenOutput,
							);
							const read = readAsJson(body);
							if (!read.json) {
								expect(run.status).toBe(400);
								expect(run.items).toBeNull();
								return;
							}
							expect(run.status).toBe(200);
							const envelopes = Array.isArray(read.value) ? read.value : [read.value];
							if (envelopes.length === 0) {
								expect(run.items).toBeNull();
								expect(run.body).toMatchObject({ status: 'ignored', received: 0 });
								return;
							}
							expect(run.body).toEqual({
								status: 'accepted',
								received: envelopes.length,
								emitted: envelopes.length,
							});
							expect(run.items).toHaveLength(envelopes.length);
							const tryout = providerCase.id === 'partoo' && 'x-partoo-webhook-tryout' in sent;
							run.items!.forEach((item, index) => {
								const envelope = envelopes[index];
								if (chosenOutput === 'raw') {
									const raw = carried(envelope);
									expect(sameJson(item, isObject(raw) ? raw : { raw })).toBe(true);
									return;
								}
								expect(typeof item.event).toBe('string');
								expect(item.event).not.toBe('');
								expect(item.provider).toBe(providerCase.id);
								expect(typeof item.eventId).toBe('string');
								expect(item.eventId).not.toBe('');
								expect(Array.isArray(item.problems)).toBe(true);
								for (const problem of item.problems as unknown[])
									expect(typeof problem).toBe('string');
								expect(item.testDelivery).toBe(tryout);
								expect(sameJson(item.raw, carried(envelope))).toBe(true);
								if (!isObject(envelope)) {
									// JSON that is not an envelope (42, "x", null, [..]) is emitted, not lost, and says why.
									expect(item.event).toBe('unrecognised');
									expect((item.problems as string[]).length).toBeGreaterThan(0);
								}
							});
						},
					),
				);
			},
			TIMEOUT_MS,
		);

		it(
			'never shows personal data or a secret in a refusal, a reason, a problem or a log line',
			async () => {
				let plantedAndEmitted = 0;
				await assertProperty(
					fc.asyncProperty(
						plans,
						authPlan(providerCase, { forged: true }),
						headers,
						someEvents(providerCase),
						async (plan, auth, extra, events) => {
							const {
								run,
								body,
								logs: printed,
							} = await deliverPlanned(providerCase, context, plan, auth, extra, events);
							const logs = printed + JSON.stringify(run.warnings);
							const answered = JSON.stringify(run.body) ?? '';
							const problems = JSON.stringify((run.items ?? []).map((item) => item.problems));
							for (const marker of [PERSONAL_DATA, ...SECRETS]) {
								expect(answered).not.toContain(marker);
								expect(problems).not.toContain(marker);
								expect(logs).not.toContain(marker);
							}
							// Secrets are never in what the workflow gets either (personal data is, in `raw` and the fields).
							const emitted = JSON.stringify(run.items ?? []);
							for (const secret of SECRETS) expect(emitted).not.toContain(secret);
							if (run.items && body.includes(PERSONAL_DATA)) plantedAndEmitted++;
						},
					),
				);
				// Not vacuous: personal data did go through the triggers.
				expect(plantedAndEmitted).toBeGreaterThan(0);
			},
			TIMEOUT_MS,
		);
	},
);

/** The path of the first value in `value` that is not plain JSON data (function, class instance, non-finite number). */
function firstNonJson(value: unknown, path = 'item'): string | null {
	const stack: Array<[unknown, string]> = [[value, path]];
	while (stack.length > 0) {
		const [current, at] = stack.pop()!;
		if (current === null || typeof current === 'string' || typeof current === 'boolean') continue;
		if (typeof current === 'number') {
			if (!Number.isFinite(current)) return `${at} (${current})`;
			continue;
		}
		if (Array.isArray(current)) {
			current.forEach((entry, index) => stack.push([entry, `${at}[${index}]`]));
			continue;
		}
		if (typeof current === 'object') {
			const prototype = Object.getPrototypeOf(current) as unknown;
			if (prototype !== Object.prototype && prototype !== null)
				return `${at} (an instance, not a plain object)`;
			for (const key of Object.keys(current))
				stack.push([(current as Record<string, unknown>)[key], `${at}.${key}`]);
			continue;
		}
		return `${at} (${typeof current})`;
	}
	return null;
}

// Two bugs this fuzzing found in lib/ (a channel named "constructor" read Object.prototype;
// contentHash overflowed the stack on deep nesting), kept as regression properties.
describe('fuzzing: payloads that once broke the engine', () => {
	it(
		'emits every canonical field as plain JSON, even when the payload\'s strings are prototype names such as "constructor"',
		async () => {
			const prototypeNames = fc.constantFrom(
				'constructor',
				'Constructor',
				'CON_STRUCTOR',
				'__proto__',
				'prototype',
				'toString',
				'hasOwnProperty',
				'valueOf',
			);
			await assertProperty(
				fc.asyncProperty(
					fc.constantFrom(...PROVIDER_IDS).chain((id) =>
						fc.tuple(
							fc.constant(id),
							fc.record({
								kind: fc.constant('envelope' as const),
								fixture: fc.nat(),
								mutations: fc
									.tuple(
										fc.array(
											structuralMutation({ ...BODY_LIMITS, eventNames: caseOf(id).eventNames }),
											{ maxLength: 2 },
										),
										prototypeNames.map(
											(value): StructuralMutation => ({ kind: 'everyString', value }),
										),
									)
									.map(([mutations, everyString]) => [everyString, ...mutations]),
								pretty: fc.constant(false),
								bytes: fc.constant([]),
							}) as fc.Arbitrary<BodyPlan>,
						),
					),
					async ([id, plan]) => {
						const auth: AuthPlan = { method: 'none', forgery: null, variant: 0 };
						const { run } = await deliverPlanned(
							caseOf(id),
							bodyContext(caseOf(id)),
							plan,
							auth,
							{},
						);
						for (const item of run.items ?? []) {
							const canonical = { ...item };
							delete canonical.raw;
							expect(firstNonJson(canonical)).toBeNull();
						}
					},
				),
			);
		},
		TIMEOUT_MS,
	);

	it(
		'never throws on a body or batch holding an array nested thousands deep',
		async () => {
			await assertProperty(
				fc.asyncProperty(
					fc.constantFrom(...PROVIDER_IDS),
					fc.integer({ min: 10_000, max: 50_000 }),
					fc.boolean(),
					async (id, depth, alone) => {
						// 10 000 levels are 20 kB of `[` and `]`, far below any body size limit.
						const plan: BodyPlan = { kind: 'deep', depth, shape: 'array', inBatch: !alone };
						const auth: AuthPlan = { method: 'none', forgery: null, variant: 0 };
						const { run } = await deliverPlanned(
							caseOf(id),
							bodyContext(caseOf(id)),
							plan,
							auth,
							{},
						);
						expect(run.status).toBe(200);
					},
				),
			);
		},
		TIMEOUT_MS,
	);
});

describe('fuzzing every trigger with prototype keys', () => {
	const contexts = new Map(
		CASES.map((providerCase) => [providerCase.id, bodyContext(providerCase)]),
	);
	const plansOf = new Map(CASES.map((providerCase) => [providerCase.id, bodyPlans(providerCase)]));

	it(
		'leaves Object.prototype and the other built-in prototypes untouched by __proto__, constructor and prototype keys',
		async () => {
			const pollutingPlan = fc.record({
				kind: fc.constant('envelope' as const),
				fixture: fc.nat(),
				mutations: fc.array(
					fc.record({
						kind: fc.constant('prototypeKey' as const),
						at: fc.nat(),
						key: fc.constantFrom(...PROTOTYPE_KEYS),
						payload: fc.nat(),
					}),
					{ minLength: 1, maxLength: 6 },
				),
				pretty: fc.constant(false),
				bytes: fc.constant([]),
			}) as fc.Arbitrary<BodyPlan>;
			await assertProperty(
				fc.asyncProperty(
					fc
						.constantFrom(...PROVIDER_IDS)
						.chain((id) =>
							fc.tuple(fc.constant(id), fc.oneof(pollutingPlan, plansOf.get(id)!), output),
						),
					async ([id, plan, chosenOutput]) => {
						const auth: AuthPlan = { method: 'none', forgery: null, variant: 0 };
						await deliverPlanned(
							caseOf(id),
							contexts.get(id)!,
							plan,
							auth,
							{},
							undefined,
							chosenOutput,
						);
						expect(({} as Record<string, unknown>)[POLLUTION_FLAG]).toBeUndefined();
					},
				),
			);
			// Also covers every delivery the tests above made, since they ran in this module first.
			for (const [name, prototype] of Object.entries(PROTOTYPES)) {
				expect([name, Reflect.ownKeys(prototype).map(String).sort()]).toEqual([
					name,
					prototypeKeysBefore[name],
				]);
			}
			for (const value of [{}, [], () => undefined, '']) {
				expect((value as unknown as Record<string, unknown>)[POLLUTION_FLAG]).toBeUndefined();
			}
		},
		TIMEOUT_MS,
	);

	it('logged nothing during the whole run that holds personal data or a secret', () => {
		const everything = logged.join('\n');
		for (const marker of [PERSONAL_DATA, ...SECRETS]) expect(everything).not.toContain(marker);
	});
});
