/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- `npm run bench`; not part of the published package */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

import { PROVIDER_IDS, type ProviderId } from '../lib/providerRegistry';
import type { DeliveryAuthentication } from '../lib/deliveryAuthentication';
import { processDelivery, type DeliverySettings } from '../lib/deliveryPipeline';
import { compileEventSelection } from '../lib/eventSelection';
import { contentHash } from '../lib/eventNormalization';
import {
	claimLimitsFor,
	EventClaims,
	eventKey,
	MAX_REMEMBERED_EVENTS,
} from '../lib/n8n/eventClaims';
import { providerById } from '../lib/providerRegistry';
import {
	dotdigitalBatch,
	fixtureFiles,
	newSecrets,
	onlyProviderCanSign,
	SCRIPT_AUTH_HEADER,
	SCRIPT_BASIC_AUTH_USER,
	scriptAuthentication,
	signedHeaders,
	type DeliverySecrets,
} from './runtime/deliveries';
import {
	generateLoad,
	type LoadOptions,
	type LoadResult,
	type Request,
} from './runtime/loadGenerator';
import { N8nApi, newOwner } from './runtime/n8nApi';
import { ensureN8nRuntime, REPO_ROOT } from './runtime/n8nRuntime';
import { freePort, installPackage, packPackage, sleep, startN8n } from './runtime/n8nServer';
import {
	createTriggerCredentials,
	triggerWorkflow,
	webhookNodeWorkflow,
	type BuiltWorkflow,
} from './runtime/workflows';

const ROUNDS = Number(process.env.BENCH_ROUNDS) || 3;

const timelyMessage = JSON.parse(
	fixtureFiles('timelyai')
		.find(({ name }) => name === 'message-received')!
		.bytes.toString('utf8'),
) as Record<string, unknown>;
let freshEvents = 0;

/** Timely.ai's documented message.received with an event id of its own. */
function freshTimelyEvent(): Buffer {
	return Buffer.from(
		JSON.stringify({ ...timelyMessage, event_id: `evt_bench_${process.pid}_${++freshEvents}` }),
	);
}

/**
 * What remembering an event costs: 100,000 events claimed and succeeded in one trigger's
 * claims, ids made as JSON.parse makes them (strings of their own), heap before and after.
 */
function benchClaimMemory(): Row[] {
	const gc = (globalThis as { gc?: () => void }).gc;
	const shapes: Array<[string, (index: number) => string]> = [
		[
			'Dotdigital eventId (a UUID)',
			(i) => `4b1d6f7c-2a0e-4c8e-9d1f-${String(i).padStart(12, '0')}`,
		],
		['K-LINK (content hash, 32 hex)', (i) => contentHash({ bench: i })],
	];
	return shapes.map(([label, idOf]) => {
		gc?.();
		gc?.();
		const before = process.memoryUsage().heapUsed;
		const size = rememberEvents(idOf, () => {
			gc?.();
			gc?.();
		});
		const bytes = (size.heapUsed - before) / size.events;
		return {
			measure: `Claims: memory per remembered event, ${label}, at ${MAX_REMEMBERED_EVENTS.toLocaleString('en')} events`,
			result: `${Math.round(bytes)} bytes (${fmt((bytes * size.events) / 2 ** 20)} MB for the trigger${gc ? '' : '; without --expose-gc'})`,
			goal: '(measured)',
			met: null,
			value: bytes,
		};
	});
}

/** Fills one trigger's claims and reads the heap while they are still held. */
function rememberEvents(
	idOf: (index: number) => string,
	collect: () => void,
): { events: number; heapUsed: number } {
	const claims = new EventClaims(claimLimitsFor(providerById('dotdigital')!.deliveryRetries));
	for (let index = 0; index < MAX_REMEMBERED_EVENTS; index++) {
		const key = eventKey(JSON.parse(`"${idOf(index)}"`) as string);
		claims.decide([key]);
		claims.settle([key], 'succeeded');
	}
	collect();
	return { events: claims.size, heapUsed: process.memoryUsage().heapUsed };
}
const SECONDS = Number(process.env.BENCH_SECONDS) || 10;
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS) || 10;

interface Row {
	measure: string;
	result: string;
	goal: string;
	met: boolean | null;
	value: number;
	goalValue?: number;
}

// ---------------------------------------------------------------------------------------
// The engine alone: a delivery through `processDelivery` against `JSON.parse` of its bytes.
// ---------------------------------------------------------------------------------------

function timePerRun(run: () => void, minMs: number): number {
	let iterations = 0;
	const started = process.hrtime.bigint();
	let elapsedMs = 0;
	while (elapsedMs < minMs) {
		run();
		iterations++;
		elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
	}
	return elapsedMs / iterations;
}

function signedAuthentication(
	provider: ProviderId,
	secrets: DeliverySecrets,
): {
	authentication: DeliveryAuthentication;
	headersFor: (body: Buffer) => Record<string, string>;
} {
	const definition = providerById(provider)!;
	if (onlyProviderCanSign(provider)) {
		const { publicKey, privateKey } = generateKeyPairSync('ed25519');
		return {
			authentication: {
				kind: 'ed25519Signature',
				header: definition.ed25519SignatureHeader!,
				publicKey,
			},
			headersFor: (body) => ({
				[definition.ed25519SignatureHeader!.toLowerCase()]: sign(null, body, privateKey).toString(
					'base64',
				),
			}),
		};
	}
	const secret = secrets[provider];
	const authentication: Record<string, DeliveryAuthentication> = {
		signature: { kind: 'hmacSignature', scheme: definition.hmacSignature!, secret },
		basicAuth: { kind: 'basicAuth', user: SCRIPT_BASIC_AUTH_USER, password: secret },
		headerAuth: { kind: 'headerToken', headerName: SCRIPT_AUTH_HEADER, token: secret },
	};
	return {
		authentication: authentication[scriptAuthentication(provider)],
		headersFor: (body) => signedHeaders(provider, body, secrets),
	};
}

function benchEngine(): { rows: Row[]; json: Record<string, unknown> } {
	const secrets = newSecrets();
	const rows: Row[] = [];
	const json: Record<string, unknown> = {};
	let totalEvents = 0;
	let totalMs = 0;
	for (const provider of PROVIDER_IDS) {
		const definition = providerById(provider)!;
		const bodies = fixtureFiles(provider).map(({ bytes }) => bytes);
		const unverified: DeliverySettings = {
			authentication: { kind: 'none' },
			selection: compileEventSelection(['*']),
		};
		const { authentication, headersFor } = signedAuthentication(provider, secrets);
		const verified: DeliverySettings = { authentication, selection: unverified.selection };
		const signedDeliveries = bodies.map((rawBody) => ({ rawBody, headers: headersFor(rawBody) }));

		const parse = () => bodies.forEach((bytes) => JSON.parse(bytes.toString('utf8')));
		const normalize = () =>
			bodies.forEach((rawBody) =>
				processDelivery(definition, { rawBody, headers: {} }, unverified),
			);
		const verifyAndNormalize = () =>
			signedDeliveries.forEach((delivery) => processDelivery(definition, delivery, verified));
		for (let warm = 0; warm < 2000; warm++) {
			parse();
			normalize();
			verifyAndNormalize();
		}

		const samples = { parse: [] as number[], normalize: [] as number[], verified: [] as number[] };
		for (let round = 0; round < 5; round++) {
			samples.parse.push(timePerRun(parse, 200));
			samples.normalize.push(timePerRun(normalize, 200));
			samples.verified.push(timePerRun(verifyAndNormalize, 200));
		}
		const parseMs = median(samples.parse);
		const normalizeMs = median(samples.normalize);
		const verifiedMs = median(samples.verified);
		totalEvents += bodies.length;
		totalMs += normalizeMs;
		const ratio = normalizeMs / parseMs;
		json[provider] = {
			fixtures: bodies.length,
			jsonParseMicroseconds: (parseMs * 1000) / bodies.length,
			normalizeMicroseconds: (normalizeMs * 1000) / bodies.length,
			verifyAndNormalizeMicroseconds: (verifiedMs * 1000) / bodies.length,
			normalizeOverParse: ratio,
			verifyAndNormalizeOverParse: verifiedMs / parseMs,
		};
		rows.push({
			measure: `Engine: normalize ÷ JSON.parse, ${definition.displayName} (${bodies.length} fixtures)`,
			result: `${ratio.toFixed(2)}× (${fmt((normalizeMs * 1000) / bodies.length)} µs vs ${fmt((parseMs * 1000) / bodies.length)} µs; with ${authentication.kind === 'hmacSignature' ? 'HMAC' : authentication.kind === 'ed25519Signature' ? 'Ed25519' : 'token'} check ${(verifiedMs / parseMs).toFixed(2)}×)`,
			goal: '≤ 3',
			met: ratio <= 3,
			value: ratio,
			goalValue: 3,
		});
	}
	const eventsPerSecond = (totalEvents / totalMs) * 1000;
	json.eventsPerSecondPerCore = eventsPerSecond;
	rows.push({
		measure: 'Engine: events/s per core (all fixtures, no signature)',
		result: `${Math.round(eventsPerSecond).toLocaleString('en')}`,
		goal: '≥ 100,000',
		met: eventsPerSecond >= 100_000,
		value: eventsPerSecond,
		goalValue: 100_000,
	});
	return { rows, json };
}

// ---------------------------------------------------------------------------------------
// A real n8n: our trigger against n8n's own Webhook node, same instance, A/B alternating.
// ---------------------------------------------------------------------------------------

async function benchN8n(setting: {
	label: string;
	env: Record<string, string>;
	full: boolean;
}): Promise<{ rows: Row[]; json: Record<string, unknown> }> {
	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);
	const workDir = mkdtempSync(join(tmpdir(), 'n8n-bench-'));
	const userFolder = join(workDir, 'user');
	await installPackage(userFolder, await packPackage(workDir));
	const n8n = await startN8n(runtime, {
		userFolder,
		port: await freePort(),
		logFile: join(workDir, 'n8n.log'),
		env: setting.env,
	});
	try {
		const api = await N8nApi.setUp(n8n.baseUrl, newOwner());
		const secrets = newSecrets();
		const credential = async (provider: ProviderId) =>
			await createTriggerCredentials(api, provider, secrets, provider);
		const timely = await credential('timelyai');
		const dotdigital = await credential('dotdigital');
		const deploy = async (built: BuiltWorkflow, waitForTrigger = true) =>
			await api.deploy(built, { waitForTrigger });
		const dropUnlessSent = {
			name: 'Filter',
			type: 'n8n-nodes-base.filter',
			typeVersion: 2.2,
			parameters: {
				conditions: {
					combinator: 'and',
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [
						{
							id: 'event',
							leftValue: '={{ $json.body.event }}',
							rightValue: 'message.sent',
							operator: { type: 'string', operation: 'equals' },
						},
					],
				},
				options: {},
			},
		};
		const ourTrigger = await deploy(
			triggerWorkflow({ provider: 'timelyai', name: 'bench trigger', credentialIds: timely }),
		);
		const ourUnsignedTrigger = await deploy(
			triggerWorkflow({
				provider: 'timelyai',
				name: 'bench trigger, no signature check',
				credentialIds: timely,
				authentication: 'none',
			}),
		);
		const ourWithoutClaims = await deploy(
			triggerWorkflow({
				provider: 'timelyai',
				name: 'bench trigger, Skip Repeated Events off',
				credentialIds: timely,
				skipRepeatedEvents: false,
			}),
		);
		const webhookNode = await deploy(webhookNodeWorkflow('bench Webhook node', []), false);
		const webhookNodeV1 = await deploy(
			webhookNodeWorkflow('bench Webhook node v1', [], undefined, 1),
			false,
		);
		// The fair anchor for a trigger holding a credential: n8n's Webhook node checking a header.
		const headerAuthCredential = await api.createCredential(
			'httpHeaderAuth',
			'bench Webhook Header Auth',
			{ name: SCRIPT_AUTH_HEADER, value: secrets.timelyai },
		);
		const webhookHeaderAuth = await deploy(
			webhookNodeWorkflow('bench Webhook node, Header Auth', [], headerAuthCredential),
			false,
		);
		const ourOnFinish = await deploy(
			triggerWorkflow({
				provider: 'timelyai',
				name: 'bench trigger, acknowledged when the workflow finishes',
				credentialIds: timely,
				acknowledge: 'whenWorkflowFinishes',
			}),
		);
		const ourFilteredTrigger = await deploy(
			triggerWorkflow({
				provider: 'timelyai',
				name: 'bench trigger, event not selected',
				credentialIds: timely,
				events: ['message.sent'],
			}),
		);
		const webhookAndFilter = await deploy(
			webhookNodeWorkflow('bench Webhook + Filter', [dropUnlessSent]),
			false,
		);
		const ourDotdigital = await deploy(
			triggerWorkflow({
				provider: 'dotdigital',
				name: 'bench dotdigital',
				credentialIds: dotdigital,
			}),
		);

		const received = fixtureFiles('timelyai').find(
			({ name }) => name === 'message-received',
		)!.bytes;
		// A new event per request, as a provider sends them: the trigger runs each event once.
		const timelyRequest = (path: string) => (): Request => {
			const body = freshTimelyEvent();
			return { path, body, headers: signedHeaders('timelyai', body, secrets) };
		};
		// The same event again and again: every request after the first repeats a succeeded event.
		const repeatedRequest = (path: string): Request[] => [
			{ path, body: received, headers: signedHeaders('timelyai', received, secrets) },
		];
		const singles = fixtureFiles('dotdigital').map(({ bytes }) => ({
			path: ourDotdigital.path,
			body: bytes,
			headers: signedHeaders('dotdigital', bytes, secrets),
		}));
		const batchBody = Buffer.from(JSON.stringify(dotdigitalBatch(500)));
		const batch: Request[] = [
			{
				path: ourDotdigital.path,
				body: batchBody,
				headers: signedHeaders('dotdigital', batchBody, secrets),
			},
		];

		const load = async (
			requests: LoadOptions['requests'],
			seconds = SECONDS,
		): Promise<Measured> => {
			const cpuBefore = processCpuMs(n8n.pid);
			const result = await generateLoad({
				baseUrl: n8n.baseUrl,
				requests,
				connections: CONNECTIONS,
				durationSeconds: seconds,
			});
			return { ...result, n8nCpuMs: processCpuMs(n8n.pid) - cpuBefore };
		};
		console.log(`  warming up…`);
		await generateLoad({
			baseUrl: n8n.baseUrl,
			requests: (index) =>
				timelyRequest(
					[ourTrigger, ourUnsignedTrigger, webhookNode, ourWithoutClaims][index % 4].path,
				)(),
			connections: CONNECTIONS,
			durationSeconds: 5,
		});

		const accepted = await alternate(
			'accepted',
			() => load(timelyRequest(ourTrigger.path)),
			() => load(timelyRequest(webhookNode.path)),
		);
		// n8n reads a version-1 webhook node's options.binaryData through an expression for every
		// delivery, as it does for ours (docs/benchmarks.md, "Expression isolates").
		const againstV1 = await alternate(
			'accepted, our trigger vs Webhook node v1',
			() => load(timelyRequest(ourTrigger.path)),
			() => load(timelyRequest(webhookNodeV1.path)),
		);
		const claimsOnOff = await alternate(
			'Skip Repeated Events on vs off',
			() => load(timelyRequest(ourTrigger.path)),
			() => load(timelyRequest(ourWithoutClaims.path)),
		);
		const repeated = await alternate(
			'repeats of a succeeded event vs new events',
			() => load(repeatedRequest(ourTrigger.path)),
			() => load(timelyRequest(ourTrigger.path)),
		);

		// Twice the rounds at half the length: the two sides differ by little, and switching more
		// often evens out what other processes on the machine do meanwhile. n8n's Webhook node with
		// and without Header Auth in the same rounds: what holding a credential costs in n8n itself.
		const withHeader = (path: string) => (): Request => ({
			path,
			body: freshTimelyEvent(),
			headers: { 'content-type': 'application/json', [SCRIPT_AUTH_HEADER]: secrets.timelyai },
		});
		const [signed, unsigned, webhookWithHeaderAuth, webhookWithout] = await alternateAll(
			'signature checked vs None; Webhook node Header Auth vs None',
			[
				() => load(timelyRequest(ourTrigger.path), SECONDS / 2),
				() => load(timelyRequest(ourUnsignedTrigger.path), SECONDS / 2),
				() => load(withHeader(webhookHeaderAuth.path), SECONDS / 2),
				() => load(timelyRequest(webhookNode.path), SECONDS / 2),
			],
			ROUNDS * 2,
		);
		const signedOverUnsigned = { a: signed, b: unsigned };
		const headerAuthOverNone = { a: webhookWithHeaderAuth, b: webhookWithout };
		const acknowledged = setting.full
			? await alternate(
					'When the Workflow Finishes vs On Receipt',
					() => load(timelyRequest(ourOnFinish.path)),
					() => load(timelyRequest(ourTrigger.path)),
				)
			: undefined;
		const waiting = await waitingMemory(n8n.baseUrl, n8n.pid, api, timely, [64, 256]);
		const skipped = Promise.resolve({ a: emptyResult(), b: emptyResult() });
		const filtered = await alternate(
			'filtered out',
			() => load(timelyRequest(ourFilteredTrigger.path)),
			() => load(timelyRequest(webhookAndFilter.path)),
		);
		const batches = setting.full
			? await alternate(
					'batch vs singles',
					() => load(batch),
					() => load(singles),
					// Hundreds of times the goal: one round tells as much as three.
					1,
				)
			: await skipped;

		const ourFilteredExecutions = (await api.executions(ourFilteredTrigger.id)).length;
		const filterExecutions = (await api.executions(webhookAndFilter.id)).length;
		const throughputRatio = accepted.a.perSecond / accepted.b.perSecond;
		const filteredRatio = filtered.a.perSecond / filtered.b.perSecond;
		const batchEventsPerSecond = batches.a.perSecond * 500;
		const batchRatio = batchEventsPerSecond / batches.b.perSecond;
		const signatureRatio = signedOverUnsigned.a.perSecond / signedOverUnsigned.b.perSecond;
		const headerAuthRatio = headerAuthOverNone.a.perSecond / headerAuthOverNone.b.perSecond;
		const json = {
			setting: setting.label,
			env: setting.env,
			n8nVersion: runtime.n8nVersion,
			connections: CONNECTIONS,
			rounds: ROUNDS,
			secondsPerRound: SECONDS,
			accepted,
			againstV1,
			claimsOnOff,
			repeated,
			signedOverUnsigned,
			headerAuthOverNone,
			acknowledged,
			waiting,
			filtered,
			batches,
			ourFilteredExecutions,
			filterExecutions,
		};
		const rows: Row[] = [
			{
				measure: 'n8n: accepted deliveries/s, our trigger ÷ Webhook node',
				result: `${throughputRatio.toFixed(2)}× (${fmt(accepted.a.perSecond)} vs ${fmt(accepted.b.perSecond)} req/s)`,
				goal: '≥ 0.95',
				met: throughputRatio >= 0.95,
				value: throughputRatio,
				goalValue: 0.95,
			},
			{
				measure: 'n8n: latency p50 / p99, our trigger ÷ Webhook node',
				result: `${(accepted.a.latencyP50 / accepted.b.latencyP50).toFixed(2)}× / ${(accepted.a.latencyP99 / accepted.b.latencyP99).toFixed(2)}× (${accepted.a.latencyP50} / ${accepted.a.latencyP99} ms vs ${accepted.b.latencyP50} / ${accepted.b.latencyP99} ms)`,
				goal: '(lower is better)',
				met: null,
				value: accepted.a.latencyP50 / accepted.b.latencyP50,
			},
			{
				measure: 'n8n: accepted deliveries/s, our trigger ÷ Webhook node v1',
				result: `${(againstV1.a.perSecond / againstV1.b.perSecond).toFixed(2)}× (${fmt(againstV1.a.perSecond)} vs ${fmt(againstV1.b.perSecond)} req/s)`,
				goal: '≥ 1.0',
				met: againstV1.a.perSecond / againstV1.b.perSecond >= 1,
				value: againstV1.a.perSecond / againstV1.b.perSecond,
				goalValue: 1,
			},
			{
				measure: 'n8n: accepted deliveries/s, Skip Repeated Events on ÷ off (new events)',
				result: `${(claimsOnOff.a.perSecond / claimsOnOff.b.perSecond).toFixed(2)}× (${fmt(claimsOnOff.a.perSecond)} vs ${fmt(claimsOnOff.b.perSecond)} req/s; p50 / p99 ${claimsOnOff.a.latencyP50} / ${claimsOnOff.a.latencyP99} ms vs ${claimsOnOff.b.latencyP50} / ${claimsOnOff.b.latencyP99} ms)`,
				goal: '≥ 0.95',
				met: claimsOnOff.a.perSecond / claimsOnOff.b.perSecond >= 0.95,
				value: claimsOnOff.a.perSecond / claimsOnOff.b.perSecond,
				goalValue: 0.95,
			},
			{
				measure: 'n8n: answer time p50, a repeat of a succeeded event ÷ a new event',
				result: `${(repeated.a.latencyP50 / Math.max(0.5, repeated.b.latencyP50)).toFixed(2)}× (p50 / p99 ${repeated.a.latencyP50} / ${repeated.a.latencyP99} ms vs ${repeated.b.latencyP50} / ${repeated.b.latencyP99} ms; ${fmt(repeated.a.perSecond)} vs ${fmt(repeated.b.perSecond)} req/s, no execution for a repeat)`,
				goal: '≤ 0.5',
				met: repeated.a.latencyP50 / Math.max(0.5, repeated.b.latencyP50) <= 0.5,
				value: repeated.a.latencyP50 / Math.max(0.5, repeated.b.latencyP50),
				goalValue: 0.5,
			},
			{
				measure: 'n8n: our trigger, signature checked ÷ Authentication None',
				result: `${signatureRatio.toFixed(2)}× (${fmt(signedOverUnsigned.a.perSecond)} vs ${fmt(signedOverUnsigned.b.perSecond)} req/s; n8n CPU per delivery ${fmt(cpuPerDelivery(signedOverUnsigned.a))} vs ${fmt(cpuPerDelivery(signedOverUnsigned.b))} ms)`,
				goal: '≥ 0.95',
				met: signatureRatio >= 0.95,
				value: signatureRatio,
				goalValue: 0.95,
			},
			{
				measure: 'n8n: Webhook node, Header Auth ÷ Authentication None (same rounds)',
				result: `${headerAuthRatio.toFixed(2)}× (${fmt(headerAuthOverNone.a.perSecond)} vs ${fmt(headerAuthOverNone.b.perSecond)} req/s; n8n CPU per delivery ${fmt(cpuPerDelivery(headerAuthOverNone.a))} vs ${fmt(cpuPerDelivery(headerAuthOverNone.b))} ms)`,
				goal: '(anchor)',
				met: null,
				value: headerAuthRatio,
			},
			{
				measure: 'n8n: our signature check ÷ Webhook node Header Auth, each against its None',
				result: `${(signatureRatio / headerAuthRatio).toFixed(2)}×`,
				goal: '≥ 0.95',
				met: signatureRatio / headerAuthRatio >= 0.95,
				value: signatureRatio / headerAuthRatio,
				goalValue: 0.95,
			},
			...(acknowledged
				? [
						{
							measure:
								'n8n: accepted deliveries/s, When the Workflow Finishes ÷ On Receipt (trigger only)',
							result: `${(acknowledged.a.perSecond / acknowledged.b.perSecond).toFixed(2)}× (${fmt(acknowledged.a.perSecond)} vs ${fmt(acknowledged.b.perSecond)} req/s)`,
							goal: '(cost of waiting)',
							met: null,
							value: acknowledged.a.perSecond / acknowledged.b.perSecond,
						},
						{
							measure:
								'n8n: latency p50 / p99, When the Workflow Finishes vs On Receipt (trigger only)',
							result: `${acknowledged.a.latencyP50} / ${acknowledged.a.latencyP99} ms vs ${acknowledged.b.latencyP50} / ${acknowledged.b.latencyP99} ms`,
							goal: '(lower is better)',
							met: null,
							value: acknowledged.a.latencyP50 / acknowledged.b.latencyP50,
						},
					]
				: []),
			...waiting.map(({ connections, waited, perDeliveryKb, beforeMb, heldMb }) => ({
				measure: `n8n: memory one delivery holds while it waits for its workflow, ${connections} at once`,
				result: `${fmt(perDeliveryKb)} KB (n8n's resident memory ${fmt(beforeMb)} → ${fmt(heldMb)} MB with ${waited} of ${connections} waiting)`,
				goal: '(measured)',
				met: null,
				value: perDeliveryKb,
			})),
			{
				measure: 'n8n: filtered-out deliveries/s, our trigger ÷ Webhook + Filter',
				result: `${filteredRatio.toFixed(2)}× (${fmt(filtered.a.perSecond)} vs ${fmt(filtered.b.perSecond)} req/s)`,
				goal: '≥ 1.5',
				met: filteredRatio >= 1.5,
				value: filteredRatio,
				goalValue: 1.5,
			},
			{
				measure: 'n8n: executions stored for filtered-out deliveries',
				result: `${ourFilteredExecutions} of ${filtered.a.status2xx} vs ${filterExecutions} of ${filtered.b.status2xx}`,
				goal: '0 vs one per delivery',
				met: ourFilteredExecutions === 0 && filterExecutions >= filtered.b.status2xx,
				value: ourFilteredExecutions,
			},
			{
				measure: 'n8n: Dotdigital events/s, batches of 500 ÷ single POSTs',
				result: `${batchRatio.toFixed(1)}× (${fmt(batchEventsPerSecond)} vs ${fmt(batches.b.perSecond)} events/s)`,
				goal: '≥ 10',
				met: batchRatio >= 10,
				value: batchRatio,
				goalValue: 10,
			},
		];
		const kept = setting.full
			? rows
			: rows.filter((row) => !row.measure.includes('batches of 500'));
		return {
			rows: kept.map((row) => ({
				...row,
				measure: row.measure.replace(/^n8n: /, `n8n (${setting.label}): `),
			})),
			json,
		};
	} finally {
		await n8n.stop();
		rmSync(workDir, { recursive: true, force: true });
	}
}

/** A load run and the CPU time n8n's process spent during it. */
interface Measured extends LoadResult {
	n8nCpuMs: number;
}

interface AB {
	a: Measured;
	b: Measured;
}

/**
 * CPU time (user + system) a process has used, from Linux's /proc; NaN elsewhere. Unlike
 * throughput, it hardly moves when other processes load the machine.
 */
function processCpuMs(pid: number): number {
	try {
		const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
		const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
		// utime and stime, in clock ticks (USER_HZ, 100 per second on Linux).
		return (Number(fields[11]) + Number(fields[12])) * 10;
	} catch {
		return NaN;
	}
}

function cpuPerDelivery(result: Measured): number {
	return result.n8nCpuMs / result.status2xx;
}

/** Runs A and B in alternating rounds (A B, B A, A B…) and sums each side. */
async function alternate(
	label: string,
	a: () => Promise<Measured>,
	b: () => Promise<Measured>,
	rounds = ROUNDS,
): Promise<AB> {
	const [resultA, resultB] = await alternateAll(label, [a, b], rounds);
	return { a: resultA, b: resultB };
}

/** Runs every side once per round, in turn forwards and backwards, and sums each side. */
async function alternateAll(
	label: string,
	sides: Array<() => Promise<Measured>>,
	rounds: number,
): Promise<Measured[]> {
	const results: Measured[][] = sides.map(() => []);
	for (let round = 0; round < rounds; round++) {
		const order = sides.map((_, index) => (round % 2 === 0 ? index : sides.length - 1 - index));
		for (const index of order) results[index].push(await sides[index]());
		const perSide = results.map((runs, index) => `${'ABCD'[index]} ${fmt(runs[round].perSecond)}`);
		console.log(`  ${label}, round ${round + 1}/${rounds}: ${perSide.join(', ')} req/s`);
	}
	return results.map(combine);
}

/** n8n's resident memory (VmRSS), from Linux's /proc; NaN elsewhere. */
function residentMb(pid: number): number {
	try {
		const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return Number(kb) / 1024;
	} catch {
		return NaN;
	}
}

/**
 * What one delivery costs n8n while it waits: a trigger acknowledging when the workflow finishes,
 * whose workflow writes to a local system that holds every call. `count` deliveries at once;
 * n8n's resident memory once all of them wait, against just before; then the system answers.
 */
async function waitingMemory(
	baseUrl: string,
	pid: number,
	api: N8nApi,
	credentialIds: Record<string, string>,
	counts: number[],
): Promise<
	Array<{
		connections: number;
		waited: number;
		perDeliveryKb: number;
		beforeMb: number;
		heldMb: number;
	}>
> {
	const held: ServerResponse[] = [];
	const holder = createServer((request, response) => {
		request.resume();
		held.push(response);
	});
	await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
	const release = () => {
		for (const response of held.splice(0)) response.writeHead(200).end('{}');
	};
	try {
		const { path } = await api.deploy(
			triggerWorkflow({
				provider: 'timelyai',
				name: 'bench trigger, waiting for its workflow',
				credentialIds,
				// No credential read: what is measured is the wait, not the check.
				authentication: 'none',
				acknowledge: 'whenWorkflowFinishes',
				then: [
					{
						name: 'Write',
						type: 'n8n-nodes-base.httpRequest',
						typeVersion: 4.2,
						parameters: {
							method: 'POST',
							url: `http://127.0.0.1:${(holder.address() as AddressInfo).port}/`,
							options: { timeout: 120_000 },
						},
					},
				],
			}),
		);
		const results = [];
		for (const count of counts) {
			await sleep(2000);
			const beforeMb = residentMb(pid);
			const answers = Array.from({ length: count }, async () => {
				const response = await fetch(`${baseUrl}${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: freshTimelyEvent(),
					signal: AbortSignal.timeout(180_000),
				});
				return response.status;
			});
			for (const deadline = Date.now() + 120_000; held.length < count && Date.now() < deadline; )
				await sleep(200);
			await sleep(1000);
			const heldMb = residentMb(pid);
			const waited = held.length;
			release();
			const statuses = await Promise.all(answers);
			console.log(
				`  ${count} deliveries waiting (${waited} held by the system): resident ${fmt(beforeMb)} → ${fmt(heldMb)} MB; answers ${JSON.stringify(countByStatus(statuses))}`,
			);
			results.push({
				connections: count,
				waited,
				perDeliveryKb: ((heldMb - beforeMb) * 1024) / waited,
				beforeMb,
				heldMb,
			});
		}
		return results;
	} finally {
		release();
		holder.closeAllConnections();
		holder.close();
	}
}

function countByStatus(statuses: number[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
	return counts;
}

function emptyResult(): Measured {
	return {
		n8nCpuMs: 0,
		requests: 0,
		seconds: 1,
		perSecond: 0,
		status2xx: 0,
		non2xx: 0,
		errors: 0,
		timeouts: 0,
		latencyP50: 0,
		latencyP99: 0,
	};
}

function combine(results: Measured[]): Measured {
	const sum = (pick: (result: Measured) => number) =>
		results.reduce((total, result) => total + pick(result), 0);
	const seconds = sum((result) => result.seconds);
	return {
		n8nCpuMs: sum((result) => result.n8nCpuMs),
		requests: sum((result) => result.requests),
		seconds,
		perSecond: sum((result) => result.status2xx) / seconds,
		status2xx: sum((result) => result.status2xx),
		non2xx: sum((result) => result.non2xx),
		errors: sum((result) => result.errors),
		timeouts: sum((result) => result.timeouts),
		latencyP50: median(results.map((result) => result.latencyP50)),
		latencyP99: median(results.map((result) => result.latencyP99)),
	};
}

// ---------------------------------------------------------------------------------------

function median(values: number[]): number {
	const sorted = [...values].sort((x, y) => x - y);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function fmt(value: number): string {
	return value >= 100 ? Math.round(value).toLocaleString('en') : value.toFixed(value >= 10 ? 1 : 2);
}

function table(rows: Row[]): string {
	const lines = ['| Measure | Result | Goal | Met |', '|---|---|---|---|'];
	for (const row of rows)
		lines.push(
			`| ${row.measure} | ${row.result} | ${row.goal} | ${row.met === null ? '–' : row.met ? 'yes' : '**no**'} |`,
		);
	return lines.join('\n');
}

/** A horizontal bar per ratio that has a goal, the goal marked on each bar. */
function chart(rows: Row[], title: string): string {
	const ratios = rows.filter(
		(row) => row.goalValue !== undefined && !row.measure.includes('events/s per core'),
	);
	const width = 1000;
	const rowHeight = 34;
	const left = 520;
	const height = 60 + ratios.length * rowHeight;
	// Logarithmic: the ratios span from below 1 to several hundred.
	const low = Math.log10(0.1);
	const high = Math.log10(
		Math.max(...ratios.map((row) => Math.max(row.value, row.goalValue ?? 0))) * 2,
	);
	const x = (value: number) =>
		left + ((Math.log10(Math.max(value, 0.1)) - low) / (high - low)) * (width - left - 150);
	const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
	const bars = ratios.map((row, index) => {
		const y = 45 + index * rowHeight;
		const goodWhenBelow = row.goal.startsWith('≤');
		const colour = row.met ? '#2e7d32' : '#c62828';
		return [
			`<text x="${left - 8}" y="${y + 15}" text-anchor="end" font-size="12">${escape(row.measure.replace(/^Engine: /, '').replace('N8N_EXPRESSION_ENGINE=legacy', 'legacy expression engine'))}</text>`,
			`<rect x="${left}" y="${y}" width="${x(row.value) - left}" height="20" fill="${colour}"/>`,
			`<line x1="${x(row.goalValue!)}" y1="${y - 3}" x2="${x(row.goalValue!)}" y2="${y + 23}" stroke="#000" stroke-dasharray="3,2"/>`,
			`<text x="${x(row.value) + 5}" y="${y + 15}" font-size="12">${row.value.toFixed(2)}× (goal ${goodWhenBelow ? '≤' : '≥'} ${row.goalValue})</text>`,
		].join('');
	});
	const note = `<text x="10" y="${height - 8}" font-size="11" fill="#555">Bars: measured ratio (log scale), green where the goal (dashed line) is met.</text>`;
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height + 16}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="10" y="22" font-size="14" font-weight="bold">${escape(title)}</text>${bars.join('')}${note}</svg>\n`;
}

async function main(): Promise<void> {
	if (process.env.BENCH_CHART_ONLY === '1') {
		const latest = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'latest.json'), 'utf8')) as {
			date: string;
			machine: string;
			rows: Row[];
		};
		writeFileSync(
			join(REPO_ROOT, 'bench', 'latest.svg'),
			chart(latest.rows, `npm run bench, ${latest.date.slice(0, 10)}, ${latest.machine}`),
		);
		return;
	}
	const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}`;
	console.log(`Benchmark on ${machine}`);
	console.log('Engine (lib/) against JSON.parse…');
	const engine = benchEngine();
	engine.rows.push(...benchClaimMemory());
	if (process.env.BENCH_ENGINE_ONLY === '1') {
		console.log(`\n${table(engine.rows)}`);
		return;
	}
	const settings: Array<{ label: string; env: Record<string, string>; full: boolean }> = [
		{ label: 'defaults', env: {}, full: true },
		// n8n 2.x's default expression engine (vm) takes an isolate for every delivery to any trigger
		// but its own Webhook node (README, Benchmarks); the legacy engine shows our side without it.
		{
			label: 'N8N_EXPRESSION_ENGINE=legacy',
			env: { N8N_EXPRESSION_ENGINE: 'legacy' },
			full: false,
		},
		// An isolate only when an expression is evaluated: our trigger ÷ Webhook node (v2) is the row to read.
		{
			label: 'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true',
			env: { N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true' },
			full: false,
		},
	];
	const n8nRuns: Array<{ rows: Row[]; json: Record<string, unknown> }> = [];
	for (const setting of settings) {
		console.log(
			`Real n8n (${setting.label}): ${ROUNDS} alternating rounds of ${SECONDS} s, ${CONNECTIONS} connections…`,
		);
		n8nRuns.push(await benchN8n(setting));
	}
	const n8n = { rows: n8nRuns.flatMap((run) => run.rows), json: n8nRuns.map((run) => run.json) };
	const rows = [...engine.rows, ...n8n.rows];
	const date = new Date().toISOString();
	const benchDir = join(REPO_ROOT, 'bench');
	mkdirSync(benchDir, { recursive: true });
	writeFileSync(
		join(benchDir, 'latest.json'),
		JSON.stringify({ date, machine, rows, engine: engine.json, n8n: n8n.json }, null, 2) + '\n',
	);
	writeFileSync(
		join(benchDir, 'latest.svg'),
		chart(rows, `npm run bench, ${date.slice(0, 10)}, ${machine}`),
	);
	console.log(`\n${table(rows)}\n\nWritten: bench/latest.json, bench/latest.svg`);
}

main().catch((error: Error) => {
	console.error(`bench failed: ${error.message}`);
	process.exit(1);
});
