/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- end-to-end suite: starts a real n8n; not part of the published package */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';

import { PROVIDER_IDS, type ProviderId } from '../../lib/canonicalEvent';
import { normalizeEnvelopes } from '../../lib/deliveryPipeline';
import { recogniseEnvelope } from '../../lib/eventNormalization';
import { providerById } from '../../lib/providerRegistry';
import {
	canonicalEventOf,
	dotdigitalBatch,
	fixtureFiles,
	newSecrets,
	signedHeaders,
	triggerCredentials,
	type DeliverySecrets,
} from '../../scripts/runtime/deliveries';
import { N8nApi, newOwner, nodeOutput, type ExecutionDetail } from '../../scripts/runtime/n8nApi';
import { ensureN8nRuntime } from '../../scripts/runtime/n8nRuntime';
import {
	freePort,
	installPackage,
	packPackage,
	startN8n,
	tail,
	type N8nProcess,
} from '../../scripts/runtime/n8nServer';
import {
	TRIGGER_NODE_NAME,
	triggerWorkflow,
	webhookNodeWorkflow,
	type BuiltWorkflow,
} from '../../scripts/runtime/workflows';

/**
 * Runs the packed package inside a real n8n (the pinned version, or N8N_VERSION), installed
 * the way a user's n8n installs a community package, and talks to it over HTTP only.
 */

const SETUP_TIMEOUT_MS = 20 * 60_000;
const counts = {
	posted: 0,
	accepted: 0,
	executionsFound: 0,
	forgedRejected: 0,
	filteredIgnored: 0,
	batchItems: 0,
};

let workDir: string;
let server: N8nProcess | undefined;
let api: N8nApi;
let secrets: DeliverySecrets;

interface DeployedWorkflow {
	id: string;
	url: string;
}
const deployed: Record<string, DeployedWorkflow> = {};

async function deploy(key: string, built: BuiltWorkflow, waitForTrigger = true): Promise<void> {
	const { id, url } = await api.deploy(built, { waitForTrigger });
	deployed[key] = { id, url };
}

interface Answer {
	status: number;
	body: { status?: string; emitted?: number; received?: number; reason?: string };
}

async function post(
	url: string,
	body: Buffer | string,
	headers: Record<string, string>,
): Promise<Answer> {
	counts.posted++;
	const response = await fetch(url, { method: 'POST', headers, body });
	const text = await response.text();
	let parsed: Answer['body'] = {};
	try {
		parsed = JSON.parse(text) as Answer['body'];
	} catch {
		parsed = { reason: text };
	}
	return { status: response.status, body: parsed };
}

function triggerItems(executions: ExecutionDetail[]): Array<Record<string, unknown>> {
	return executions.flatMap((execution) => nodeOutput(execution, TRIGGER_NODE_NAME));
}

const byEventIdAndName = (a: Record<string, unknown>, b: Record<string, unknown>) =>
	`${a.eventId}|${a.providerEvent}|${JSON.stringify(a.raw)}`.localeCompare(
		`${b.eventId}|${b.providerEvent}|${JSON.stringify(b.raw)}`,
	);

beforeAll(async () => {
	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);
	workDir = mkdtempSync(join(tmpdir(), 'n8n-e2e-'));
	const userFolder = join(workDir, 'user');
	await installPackage(userFolder, await packPackage(workDir));
	server = await startN8n(runtime, {
		userFolder,
		port: await freePort(),
		logFile: join(workDir, 'n8n.log'),
	});
	api = await N8nApi.setUp(server.baseUrl, newOwner());

	secrets = newSecrets();
	const credentials = triggerCredentials(secrets);
	const credentialIds = {} as Record<ProviderId, string>;
	for (const provider of PROVIDER_IDS) {
		const { type, data } = credentials[provider];
		credentialIds[provider] = await api.createCredential(type, `${provider} e2e`, data);
	}

	for (const provider of PROVIDER_IDS) {
		const credentialId = credentialIds[provider];
		// Only Partoo holds Partoo's private key: its accepting workflow trusts the network instead.
		const acceptingAuthentication = provider === 'partoo' ? 'none' : undefined;
		await deploy(
			`${provider}:all`,
			triggerWorkflow({
				provider,
				name: `e2e ${provider} all events`,
				credentialId,
				authentication: acceptingAuthentication,
			}),
		);
		await deploy(
			`${provider}:signed`,
			triggerWorkflow({ provider, name: `e2e ${provider} signed`, credentialId }),
		);
		const firstEvent = recogniseEnvelope(
			providerById(provider)!,
			JSON.parse(fixtureFiles(provider)[0].bytes.toString('utf8')),
		).recognised.providerEvent;
		await deploy(
			`${provider}:filtered`,
			triggerWorkflow({
				provider,
				name: `e2e ${provider} only ${firstEvent}`,
				credentialId,
				events: [firstEvent],
				authentication: acceptingAuthentication,
			}),
		);
	}
	await deploy(
		'klink:encoded',
		triggerWorkflow({
			provider: 'klink',
			name: 'e2e klink encoded',
			credentialId: credentialIds.klink,
		}),
	);
	await deploy(
		'dotdigital:batch',
		triggerWorkflow({
			provider: 'dotdigital',
			name: 'e2e dotdigital batch',
			credentialId: credentialIds.dotdigital,
		}),
	);
	await deploy(
		'helper:fields',
		triggerWorkflow({
			provider: 'timelyai',
			name: 'e2e Event Fields',
			credentialId: credentialIds.timelyai,
			then: [
				{
					name: 'Event Fields',
					type: 'n8n-nodes-messaging-triggers.eventFields',
					parameters: {
						fields: ['event', 'senderType', 'channel', 'errorCode', 'errorMessage', 'contactPhone'],
					},
				},
			],
		}),
	);
	await deploy(
		'helper:router',
		triggerWorkflow({
			provider: 'timelyai',
			name: 'e2e Event Router',
			credentialId: credentialIds.timelyai,
			then: [
				{
					name: 'Event Router',
					type: 'n8n-nodes-messaging-triggers.eventRouter',
					parameters: {
						rules: {
							rule: [
								{ field: 'senderType', condition: 'equals', value: 'ai', outputName: 'AI' },
								{
									field: 'senderType',
									condition: 'oneOf',
									value: 'agent, automation',
									outputName: 'Human',
								},
								{
									field: 'senderType',
									condition: 'equals',
									value: 'contact',
									outputName: 'Contact',
								},
							],
						},
					},
				},
			],
		}),
	);
	await deploy(
		'helper:normalizer',
		webhookNodeWorkflow('e2e Event Normalizer', [
			{
				name: 'Normalize',
				type: 'n8n-nodes-messaging-triggers.eventNormalizer',
				parameters: { provider: 'auto' },
			},
		]),
		false,
	);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	if (server) await server.stop();
	process.stdout.write(
		`\nEnd-to-end against a real n8n ${process.env.N8N_VERSION ?? '(pinned)'}: ` +
			`${counts.posted} deliveries posted, ${counts.accepted} accepted, ${counts.executionsFound} executions found, ` +
			`${counts.forgedRejected} forged/tampered/replayed rejected with 401, ${counts.filteredIgnored} filtered out with no execution, ` +
			`batch of ${counts.batchItems} items in one execution.\n`,
	);
	if (workDir && process.env.E2E_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
}, 60_000);

afterEach(() => {
	const state = expect.getState();
	if (server && state.assertionCalls > state.numPassingAsserts)
		process.stdout.write(`\nn8n log tail:\n${tail(server.logFile)}\n`);
});

describe('in a real n8n, over HTTP', () => {
	it('answers 401 to forged, tampered, unsigned and replayed deliveries and starts no execution', async () => {
		const wrong: DeliverySecrets = newSecrets();
		wrong.staryaaiHeaderName = secrets.staryaaiHeaderName;
		const attempts: Array<{ key: string; body: Buffer; headers: Record<string, string> }> = [];
		const jsonOnly = { 'content-type': 'application/json' };
		for (const provider of PROVIDER_IDS) {
			const key = `${provider}:signed`;
			for (const fixture of fixtureFiles(provider).slice(0, 2)) {
				attempts.push({ key, body: fixture.bytes, headers: jsonOnly });
				if (provider === 'partoo') {
					attempts.push({
						key,
						body: fixture.bytes,
						headers: { ...jsonOnly, 'x-partoo-signature-v1': randomBytes(64).toString('base64') },
					});
					continue;
				}
				attempts.push({
					key,
					body: fixture.bytes,
					headers: signedHeaders(provider, fixture.bytes, wrong),
				});
				// A header token does not cover the body (StaryaAI does not sign), so only signatures can catch tampering.
				if (provider === 'staryaai') continue;
				const tampered = Buffer.from(
					fixture.bytes
						.toString('utf8')
						.replace(/"([^"]+)"\s*:\s*"([^"]*)"/, '"$1": "$2 (changed)"'),
				);
				attempts.push({
					key,
					body: tampered,
					headers: signedHeaders(provider, fixture.bytes, secrets),
				});
			}
		}
		for (const fixture of fixtureFiles('timelyai')) {
			const tenMinutesAgo = Math.floor(Date.now() / 1000) - 600;
			attempts.push({
				key: 'timelyai:signed',
				body: fixture.bytes,
				headers: signedHeaders('timelyai', fixture.bytes, secrets, {
					timelyTimestamp: tenMinutesAgo,
				}),
			});
		}

		for (const attempt of attempts) {
			const answer = await post(deployed[attempt.key].url, attempt.body, attempt.headers);
			expect({ key: attempt.key, status: answer.status, answer: answer.body.status }).toEqual({
				key: attempt.key,
				status: 401,
				answer: 'rejected',
			});
			counts.forgedRejected++;
		}
		for (const provider of PROVIDER_IDS) {
			expect(await api.settledExecutions(deployed[`${provider}:signed`].id, 0, 3000)).toHaveLength(
				0,
			);
		}
	});

	it.each(PROVIDER_IDS.map((provider) => [provider]))(
		'%s: every documented payload, correctly signed, starts one execution whose output is the canonical event',
		async (provider) => {
			const fixtures = fixtureFiles(provider);
			for (const fixture of fixtures) {
				const answer = await post(
					deployed[`${provider}:all`].url,
					fixture.bytes,
					signedHeaders(provider, fixture.bytes, secrets),
				);
				expect({ fixture: fixture.name, status: answer.status, body: answer.body }).toEqual({
					fixture: fixture.name,
					status: 200,
					body: { status: 'accepted', received: 1, emitted: 1 },
				});
				counts.accepted++;
			}
			const executions = await api.settledExecutions(
				deployed[`${provider}:all`].id,
				fixtures.length,
			);
			expect(executions).toHaveLength(fixtures.length);
			expect(executions.map(({ status }) => status)).toEqual(fixtures.map(() => 'success'));
			counts.executionsFound += executions.length;

			const details = await Promise.all(executions.map(({ id }) => api.execution(id)));
			const actual = triggerItems(details).sort(byEventIdAndName);
			const expected = fixtures
				.map((fixture) => canonicalEventOf(fixture) as unknown as Record<string, unknown>)
				.sort(byEventIdAndName);
			expect(actual).toEqual(expected);
		},
	);

	it.each(PROVIDER_IDS.map((provider) => [provider]))(
		'%s: events that are not selected are answered 200 "ignored" and start nothing',
		async (provider) => {
			const definition = providerById(provider)!;
			const fixtures = fixtureFiles(provider);
			const selected = recogniseEnvelope(definition, JSON.parse(fixtures[0].bytes.toString('utf8')))
				.recognised.providerEvent;
			let expectedExecutions = 0;
			for (const fixture of fixtures) {
				const isSelected =
					recogniseEnvelope(definition, JSON.parse(fixture.bytes.toString('utf8'))).recognised
						.providerEvent === selected;
				const answer = await post(
					deployed[`${provider}:filtered`].url,
					fixture.bytes,
					signedHeaders(provider, fixture.bytes, secrets),
				);
				expect({
					fixture: fixture.name,
					status: answer.status,
					answer: answer.body.status,
				}).toEqual({
					fixture: fixture.name,
					status: 200,
					answer: isSelected ? 'accepted' : 'ignored',
				});
				if (isSelected) expectedExecutions++;
				else counts.filteredIgnored++;
			}
			const executions = await api.settledExecutions(
				deployed[`${provider}:filtered`].id,
				expectedExecutions,
			);
			expect(executions).toHaveLength(expectedExecutions);
			const items = triggerItems(await Promise.all(executions.map(({ id }) => api.execution(id))));
			expect(items.map((item) => item.providerEvent)).toEqual(items.map(() => selected));
		},
	);

	it('decodes a gzip or deflate body before the trigger sees it: the signature covers the decoded JSON', async () => {
		const fixture = fixtureFiles('klink')[0];
		const url = deployed['klink:encoded'].url;
		for (const [encoding, encode] of [
			['gzip', gzipSync],
			['deflate', deflateSync],
		] as const) {
			const encoded = encode(fixture.bytes);
			const signedOverJson = await post(url, encoded, {
				...signedHeaders('klink', fixture.bytes, secrets),
				'content-encoding': encoding,
			});
			expect({ encoding, ...signedOverJson }).toEqual({
				encoding,
				status: 200,
				body: { status: 'accepted', received: 1, emitted: 1 },
			});
			const signedOverEncodedBytes = await post(url, encoded, {
				...signedHeaders('klink', encoded, secrets),
				'content-encoding': encoding,
			});
			expect({ encoding, status: signedOverEncodedBytes.status }).toEqual({
				encoding,
				status: 401,
			});
		}
		const executions = await api.settledExecutions(deployed['klink:encoded'].id, 2);
		expect(executions).toHaveLength(2);
		const items = triggerItems(await Promise.all(executions.map(({ id }) => api.execution(id))));
		expect(items).toEqual([canonicalEventOf(fixture), canonicalEventOf(fixture)]);
		counts.accepted += 2;
		counts.forgedRejected += 2;
		counts.executionsFound += 2;
	});

	it('turns a 500-event Dotdigital batch into one execution with 500 items, in order', async () => {
		const batch = Buffer.from(JSON.stringify(dotdigitalBatch(500)));
		const answer = await post(
			deployed['dotdigital:batch'].url,
			batch,
			signedHeaders('dotdigital', batch, secrets),
		);
		expect(answer).toEqual({
			status: 200,
			body: { status: 'accepted', received: 500, emitted: 500 },
		});

		const executions = await api.settledExecutions(deployed['dotdigital:batch'].id, 1);
		expect(executions).toHaveLength(1);
		const items = nodeOutput(await api.execution(executions[0].id), TRIGGER_NODE_NAME);
		expect(items.map((item) => item.eventId)).toEqual(
			Array.from({ length: 500 }, (_, index) => `batch-${index}`),
		);
		counts.batchItems = items.length;
		counts.executionsFound += 1;
	});

	it('Event Fields adds the error code, sender and channel of a failed Timely.ai message', async () => {
		const fixture = fixtureFiles('timelyai').find(({ name }) => name === 'message-failed')!;
		const answer = await post(
			deployed['helper:fields'].url,
			fixture.bytes,
			signedHeaders('timelyai', fixture.bytes, secrets),
		);
		expect(answer.status).toBe(200);
		const [execution] = await api.settledExecutions(deployed['helper:fields'].id, 1);
		const [item] = nodeOutput(await api.execution(execution.id), 'Event Fields');
		const expected = canonicalEventOf(fixture);
		expect(item).toMatchObject({
			event: 'message.failed',
			channel: expected.channel,
			errorCode: '131026',
			errorMessage: expected.error?.message,
			senderType: expected.sender?.type ?? null,
		});
		counts.executionsFound += 1;
	});

	it('Event Router sends each Timely.ai message to the output of its sender type', async () => {
		const fixtures = fixtureFiles('timelyai').filter(
			({ name }) => name === 'message-sent' || name === 'message-received',
		);
		for (const fixture of fixtures) {
			expect(
				(
					await post(
						deployed['helper:router'].url,
						fixture.bytes,
						signedHeaders('timelyai', fixture.bytes, secrets),
					)
				).status,
			).toBe(200);
		}
		const executions = await api.settledExecutions(deployed['helper:router'].id, fixtures.length);
		expect(executions).toHaveLength(fixtures.length);
		const outputNames = ['AI', 'Human', 'Contact', 'Fallback'];
		const routed: Record<string, string[]> = {};
		for (const { id } of executions) {
			const execution = await api.execution(id);
			outputNames.forEach((name, output) => {
				for (const item of nodeOutput(execution, 'Event Router', output))
					(routed[name] ??= []).push(String(item.providerEvent));
			});
		}
		const expected: Record<string, string[]> = {};
		for (const fixture of fixtures) {
			const senderType = canonicalEventOf(fixture).sender?.type;
			const name =
				senderType === 'ai'
					? 'AI'
					: senderType === 'agent' || senderType === 'automation'
						? 'Human'
						: senderType === 'contact'
							? 'Contact'
							: 'Fallback';
			(expected[name] ??= []).push(canonicalEventOf(fixture).providerEvent);
		}
		for (const list of Object.values(routed)) list.sort();
		for (const list of Object.values(expected)) list.sort();
		expect(routed).toEqual(expected);
		counts.executionsFound += executions.length;
	});

	it("Normalize Messaging Event turns n8n's Webhook node output into the same canonical events", async () => {
		const envelopes = fixtureFiles('dotdigital')
			.slice(0, 3)
			.map((fixture) => JSON.parse(fixture.bytes.toString('utf8')) as unknown);
		const answer = await post(deployed['helper:normalizer'].url, JSON.stringify(envelopes), {
			'content-type': 'application/json',
		});
		expect(answer.status).toBe(200);
		const [execution] = await api.settledExecutions(deployed['helper:normalizer'].id, 1);
		const items = nodeOutput(await api.execution(execution.id), 'Normalize');
		expect(items).toEqual(
			JSON.parse(JSON.stringify(normalizeEnvelopes(providerById('dotdigital')!, envelopes))),
		);
		counts.executionsFound += 1;
	});
});
