/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- end-to-end suite: starts a real n8n; not part of the published package */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { deflateSync, gzipSync } from 'node:zlib';

import { PROVIDER_IDS, providerById, type ProviderId } from '../../lib/providerRegistry';
import {
	dotdigitalBatch,
	expectedEventOf,
	fixtureFiles,
	forgedHeaders,
	newSecrets,
	onlyProviderCanSign,
	scriptAuthentication,
	signedHeaders,
	type DeliverySecrets,
} from '../../scripts/runtime/deliveries';
import {
	N8nApi,
	newOwner,
	nodeOutput,
	waitForWebhook,
	type ExecutionDetail,
} from '../../scripts/runtime/n8nApi';
import { sleep, type N8nProcess } from '../../scripts/runtime/n8nServer';
import {
	createTriggerCredentials,
	EXAMPLE_DATA_TABLE,
	exampleWorkflow,
	TRIGGER_NODE_NAME,
	triggerNodeType,
	triggerWorkflow,
	webhookNodeWorkflow,
	type BuiltWorkflow,
} from '../../scripts/runtime/workflows';
import { printLogTailIfFailed, removeWorkDir, startPackagedN8n } from './packagedN8n';

/**
 * Runs the packed package inside a real n8n (the pinned version, or N8N_VERSION), installed
 * the way a user's n8n installs a community package, and talks to it over HTTP only.
 */

const SETUP_TIMEOUT_MS = 20 * 60_000;
/** n8n 1.x has no data tables: the example that keeps its rows in one is checked on 2.x only. */
const HAS_DATA_TABLES = !(process.env.N8N_VERSION ?? '').startsWith('1.');
const counts = {
	posted: 0,
	accepted: 0,
	executionsFound: 0,
	forgedRejected: 0,
	filteredIgnored: 0,
	batchItems: 0,
	writesAtStandIn: 0,
};

let workDir: string;
let server: N8nProcess | undefined;
let api: N8nApi;
let secrets: DeliverySecrets;
let credentialIdOf: Record<ProviderId, Record<string, string>>;
let standIn: StandIn;

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

/** What n8n's HTTP Request nodes send instead of to Slack or a user's system: recorded, answered 200. */
interface StandIn {
	url: string;
	requests: Array<{ path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }>;
	close(): Promise<void>;
}

async function startStandIn(): Promise<StandIn> {
	const requests: StandIn['requests'] = [];
	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8');
			requests.push({
				path: decodeURIComponent(request.url ?? ''),
				headers: request.headers,
				body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
			});
			response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		requests,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** One provider delivery: a documented payload, or one changed by hand to cover a case no fixture shows. */
interface Delivery {
	label: string;
	provider: ProviderId;
	bytes: Buffer;
}

/** A change to a payload: a label, and new values by dotted path (`data.sent_by_type`). */
interface PayloadChange {
	label: string;
	set: Record<string, unknown>;
}

function delivery(provider: ProviderId, fixtureName: string, change?: PayloadChange): Delivery {
	const fixture = fixtureFiles(provider).find(({ name }) => name === fixtureName)!;
	if (!change) return { label: `${provider}/${fixtureName}`, provider, bytes: fixture.bytes };
	const envelope = JSON.parse(fixture.bytes.toString('utf8')) as Record<string, unknown>;
	for (const [path, value] of Object.entries(change.set)) {
		const keys = path.split('.');
		const parent = keys
			.slice(0, -1)
			.reduce((record, key) => record[key] as Record<string, unknown>, envelope);
		parent[keys[keys.length - 1]] = value;
	}
	return {
		label: `${provider}/${fixtureName} ${change.label}`,
		provider,
		bytes: Buffer.from(JSON.stringify(envelope)),
	};
}

/** The delivery an item came from: its `raw` is the envelope the provider sent, untouched. */
function deliveryOfItem(deliveries: Delivery[], item: Record<string, unknown>): string {
	const match = deliveries.find((candidate) =>
		isDeepStrictEqual(JSON.parse(candidate.bytes.toString('utf8')), item.raw),
	);
	return match ? match.label : `unknown delivery ${String(item.eventId)}`;
}

interface DeployedExample {
	id: string;
	urls: Record<string, string>;
}
const examples: Record<string, DeployedExample> = {};

/**
 * An example file imported as a user would, with the e2e credentials. The trigger of a provider
 * that signs with its own key takes unsigned deliveries (only it can sign them); HTTP Request nodes post to the stand-in;
 * the HubSpot node is disabled, so n8n passes the items that reach it through unchanged.
 */
async function deployExample(file: string, credentialIdsByType: Record<string, string>) {
	const { workflow, triggerPaths } = exampleWorkflow(file, credentialIdsByType);
	const unsignedTriggers = PROVIDER_IDS.filter(onlyProviderCanSign).map(triggerNodeType);
	for (const node of workflow.nodes) {
		if (unsignedTriggers.includes(node.type)) node.parameters.authentication = 'none';
		if (node.type === 'n8n-nodes-base.httpRequest')
			node.parameters.url = `${standIn.url}/${file}/${node.name}`;
		if (node.type === 'n8n-nodes-base.hubspot') node.disabled = true;
	}
	const id = await api.createWorkflow(workflow);
	await api.activateWorkflow(id);
	const urls: Record<string, string> = {};
	for (const [name, path] of Object.entries(triggerPaths)) {
		urls[name] = `${api.baseUrl}/webhook/${path}`;
		await waitForWebhook(urls[name]);
	}
	examples[file] = { id, urls };
}

/** Posts each delivery, correctly signed, to the example trigger of its provider. */
async function postToExample(
	example: DeployedExample,
	deliveries: Array<Delivery & { trigger: string }>,
): Promise<void> {
	for (const { trigger, provider, bytes, label } of deliveries) {
		const answer = await post(
			example.urls[trigger],
			bytes,
			signedHeaders(provider, bytes, secrets),
		);
		expect({ label, status: answer.status, answer: answer.body.status }).toEqual({
			label,
			status: 200,
			answer: 'accepted',
		});
		counts.accepted++;
	}
}

/** For each item a trigger emitted in these executions: its delivery, and which of the given nodes it reached. */
async function branchesReached(
	example: DeployedExample,
	executions: ExecutionDetail[],
	deliveries: Delivery[],
	branchNodes: string[],
): Promise<Record<string, string[]>> {
	const reached: Record<string, string[]> = {};
	for (const { id } of executions) {
		const execution = await api.execution(id);
		const items = Object.keys(example.urls).flatMap((trigger) => nodeOutput(execution, trigger));
		for (const item of items) {
			reached[deliveryOfItem(deliveries, item)] = branchNodes.filter(
				(node) => nodeOutput(execution, node).length > 0,
			);
		}
	}
	return reached;
}

const equalsAny = (field: string, values: string[]) => ({
	options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 3 },
	conditions: values.map((value) => ({
		leftValue: `={{ $json.${field} }}`,
		rightValue: value,
		operator: { type: 'string', operation: 'equals' },
	})),
	combinator: 'or',
});

/** n8n's own Switch (typeVersion 3.4, n8n 2.41) on the sender type Event Fields adds. */
const SENDER_TYPE_SWITCH = {
	rules: {
		values: [
			{ outputKey: 'AI', values: ['ai'] },
			{ outputKey: 'Human', values: ['agent', 'automation'] },
			{ outputKey: 'Contact', values: ['contact'] },
		].map(({ outputKey, values }) => ({
			conditions: equalsAny('senderType', values),
			renameOutput: true,
			outputKey,
		})),
	},
	options: { fallbackOutput: 'extra', renameFallbackOutput: 'Fallback' },
};

beforeAll(async () => {
	({ server, workDir } = await startPackagedN8n('n8n-e2e-'));
	api = await N8nApi.setUp(server.baseUrl, newOwner());

	secrets = newSecrets();
	const credentialIds = {} as Record<ProviderId, Record<string, string>>;
	credentialIdOf = credentialIds;
	for (const provider of PROVIDER_IDS)
		credentialIds[provider] = await createTriggerCredentials(
			api,
			provider,
			secrets,
			`${provider} e2e`,
		);

	for (const provider of PROVIDER_IDS) {
		const credentialIdsOfProvider = credentialIds[provider];
		// The scripts' authentication: None for a provider that signs with its own key (only it holds the key).
		await deploy(
			`${provider}:all`,
			triggerWorkflow({
				provider,
				name: `e2e ${provider} all events`,
				credentialIds: credentialIdsOfProvider,
			}),
		);
		await deploy(
			`${provider}:signed`,
			triggerWorkflow({
				provider,
				name: `e2e ${provider} signed`,
				credentialIds: credentialIdsOfProvider,
				authentication: providerById(provider)!.authentication.default,
			}),
		);
		const firstEvent = expectedEventOf(fixtureFiles(provider)[0]).providerEvent;
		await deploy(
			`${provider}:filtered`,
			triggerWorkflow({
				provider,
				name: `e2e ${provider} only ${firstEvent}`,
				credentialIds: credentialIdsOfProvider,
				events: [firstEvent],
			}),
		);
	}
	await deploy(
		'klink:encoded',
		triggerWorkflow({
			provider: 'klink',
			name: 'e2e klink encoded',
			credentialIds: credentialIds.klink,
		}),
	);
	await deploy(
		'dotdigital:batch',
		triggerWorkflow({
			provider: 'dotdigital',
			name: 'e2e dotdigital batch',
			credentialIds: credentialIds.dotdigital,
		}),
	);
	await deploy(
		'helper:fields',
		triggerWorkflow({
			provider: 'timelyai',
			name: 'e2e Event Fields',
			credentialIds: credentialIds.timelyai,
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
		'helper:switch',
		triggerWorkflow({
			provider: 'timelyai',
			name: 'e2e Event Fields + Switch',
			credentialIds: credentialIds.timelyai,
			then: [
				{
					name: 'Event Fields',
					type: 'n8n-nodes-messaging-triggers.eventFields',
					parameters: { fields: ['senderType'] },
				},
				{
					name: 'Switch',
					type: 'n8n-nodes-base.switch',
					typeVersion: 3.4,
					parameters: SENDER_TYPE_SWITCH,
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

	standIn = await startStandIn();
	if (HAS_DATA_TABLES)
		await api.createDataTable(EXAMPLE_DATA_TABLE.name, EXAMPLE_DATA_TABLE.columns);
	const credentialIdsByType: Record<string, string> = {
		hubspotAppToken: await api.createCredential('hubspotAppToken', 'HubSpot stand-in', {
			appToken: 'stand-in-not-used',
		}),
	};
	for (const provider of PROVIDER_IDS) Object.assign(credentialIdsByType, credentialIds[provider]);
	for (const file of [
		'inbound-to-crm.json',
		'failed-message-alert.json',
		...(HAS_DATA_TABLES ? ['ai-vs-human-counts.json'] : []),
		'dedupe-retries.json',
	])
		await deployExample(file, credentialIdsByType);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	if (server) await server.stop();
	if (standIn) await standIn.close();
	process.stdout.write(
		`\nEnd-to-end against a real n8n ${process.env.N8N_VERSION ?? '(pinned)'}: ` +
			`${counts.posted} deliveries posted, ${counts.accepted} accepted, ${counts.executionsFound} executions found, ` +
			`${counts.forgedRejected} forged/tampered/replayed rejected with 401, ${counts.filteredIgnored} filtered out with no execution, ` +
			`batch of ${counts.batchItems} items in one execution, ${counts.writesAtStandIn} writes received by the HTTP stand-in.\n`,
	);
	removeWorkDir(workDir);
}, 60_000);

afterEach(() => printLogTailIfFailed(server));

describe('in a real n8n, over HTTP', () => {
	it('answers 401 to forged, tampered, unsigned and replayed deliveries and starts no execution', async () => {
		const attempts: Array<{ key: string; body: Buffer; headers: Record<string, string> }> = [];
		const jsonOnly = { 'content-type': 'application/json' };
		for (const provider of PROVIDER_IDS) {
			const key = `${provider}:signed`;
			for (const fixture of fixtureFiles(provider).slice(0, 2)) {
				attempts.push({ key, body: fixture.bytes, headers: jsonOnly });
				attempts.push({
					key,
					body: fixture.bytes,
					headers: forgedHeaders(provider, fixture.bytes),
				});
				// Only a signature the scripts can make covers the body: Basic or Header auth cannot catch tampering.
				if (scriptAuthentication(provider) !== 'signature') continue;
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
					timestamp: tenMinutesAgo,
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
		'%s: every documented payload, correctly signed, starts one execution whose output is its hand-written expected event',
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
				.map((fixture) => expectedEventOf(fixture) as unknown as Record<string, unknown>)
				.sort(byEventIdAndName);
			expect(actual).toEqual(expected);
		},
	);

	it.each(PROVIDER_IDS.map((provider) => [provider]))(
		'%s: events that are not selected are answered 200 "ignored" and start nothing',
		async (provider) => {
			const fixtures = fixtureFiles(provider);
			const selected = expectedEventOf(fixtures[0]).providerEvent;
			let expectedExecutions = 0;
			for (const fixture of fixtures) {
				const isSelected = expectedEventOf(fixture).providerEvent === selected;
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
		// Two events: a repeat of one event would start no second execution.
		const [gzipped, deflated] = fixtureFiles('klink');
		const url = deployed['klink:encoded'].url;
		for (const [encoding, encode, fixture] of [
			['gzip', gzipSync, gzipped],
			['deflate', deflateSync, deflated],
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
		expect(items).toHaveLength(2);
		expect(items).toEqual(
			expect.arrayContaining([expectedEventOf(gzipped), expectedEventOf(deflated)]),
		);
		counts.accepted += 2;
		counts.forgedRejected += 2;
		counts.executionsFound += 2;
	});

	it('turns a 500-event Dotdigital batch into one execution with 500 items, in order', async () => {
		const envelopes = dotdigitalBatch(500);
		const batch = Buffer.from(JSON.stringify(envelopes));
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
		// dotdigitalBatch cycles through the fixtures, giving each copy the eventId batch-<index>.
		const fixtures = fixtureFiles('dotdigital');
		expect(items).toEqual(
			envelopes.map((envelope, index) => ({
				...expectedEventOf(fixtures[index % fixtures.length]),
				eventId: `batch-${index}`,
				raw: envelope,
			})),
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
		const expected = expectedEventOf(fixture);
		expect(item).toMatchObject({
			event: 'message.failed',
			channel: expected.channel,
			errorCode: '131026',
			errorMessage: expected.error?.message,
			senderType: expected.sender?.type ?? null,
		});
		counts.executionsFound += 1;
	});

	it('Event Fields + Switch sends each Timely.ai message to the output of its sender type', async () => {
		// Timely.ai's sent_by_type "agent" is its AI agent, "attendant" a human (providers.md): no fixture shows an attendant.
		const byAttendant = {
			label: 'by an attendant',
			set: { event_id: 'evt_01HX4B3M2PGTS6YADOV8Q1XDG', 'data.sent_by_type': 'attendant' },
		};
		const deliveries = [
			...fixtureFiles('timelyai').map((fixture) => delivery('timelyai', fixture.name)),
			delivery('timelyai', 'message-sent', byAttendant),
		];
		const expected: Record<string, string> = {
			'timelyai/message-delivered': 'Fallback',
			'timelyai/message-failed': 'Fallback',
			// The intro page's envelope: a message from the contact, who is named in data.contact.
			'timelyai/message-intro-received': 'Contact',
			'timelyai/message-read': 'Fallback',
			'timelyai/message-received': 'Contact',
			'timelyai/message-sent': 'AI',
			'timelyai/message-sent by an attendant': 'Human',
		};
		for (const { bytes } of deliveries) {
			const answer = await post(
				deployed['helper:switch'].url,
				bytes,
				signedHeaders('timelyai', bytes, secrets),
			);
			expect(answer.status).toBe(200);
		}
		const executions = await api.settledExecutions(deployed['helper:switch'].id, deliveries.length);
		expect(executions).toHaveLength(deliveries.length);
		const outputNames = ['AI', 'Human', 'Contact', 'Fallback'];
		const routed: Record<string, string> = {};
		for (const { id } of executions) {
			const execution = await api.execution(id);
			outputNames.forEach((name, output) => {
				for (const item of nodeOutput(execution, 'Switch', output))
					routed[deliveryOfItem(deliveries, item)] = name;
			});
		}
		expect(routed).toEqual(expected);
		counts.executionsFound += executions.length;
	});

	describe('the example workflows, imported as they ship, route as before', () => {
		it('inbound-to-crm: contacts with an e-mail reach HubSpot, other contacts No E-mail, replies by the team or AI the ignored branch', async () => {
			const example = examples['inbound-to-crm.json'];
			const fromTheConsumer = {
				label: 'from the consumer',
				set: { 'payload.message.sender_type': 'Consumer' },
			};
			const deliveries = [
				{ trigger: 'K-LINK Trigger', ...delivery('klink', 'message-inbound') },
				{ trigger: 'Partoo Trigger', ...delivery('partoo', 'message-created') },
				{ trigger: 'Partoo Trigger', ...delivery('partoo', 'message-created', fromTheConsumer) },
				{ trigger: 'Timely.ai Trigger', ...delivery('timelyai', 'message-received') },
				{ trigger: 'Dotdigital CPaaS Trigger', ...delivery('dotdigital', 'message-inbound-1-sms') },
				{ trigger: 'StaryaAI Trigger', ...delivery('staryaai', 'chat-message-created-user') },
				{ trigger: 'StaryaAI Trigger', ...delivery('staryaai', 'chat-message-created-agent') },
			];
			const hubSpot = 'HubSpot: Create or Update Contact';
			const noEmail = 'No E-mail: Not Sent to HubSpot';
			const ignored = 'Replies by Team or AI (Ignored)';
			await postToExample(example, deliveries);
			const executions = await api.settledExecutions(example.id, deliveries.length);
			expect(executions.map(({ status }) => status)).toEqual(deliveries.map(() => 'success'));
			expect(
				await branchesReached(example, executions, deliveries, [hubSpot, noEmail, ignored]),
			).toEqual({
				'klink/message-inbound': [noEmail],
				'partoo/message-created': [ignored],
				'partoo/message-created from the consumer': [hubSpot],
				'timelyai/message-received': [noEmail],
				'dotdigital/message-inbound-1-sms': [noEmail],
				'staryaai/chat-message-created-user': [noEmail],
				'staryaai/chat-message-created-agent': [ignored],
			});
			counts.executionsFound += executions.length;
		});

		it('failed-message-alert: each failure, and only failures, posts one alert with its error code', async () => {
			const example = examples['failed-message-alert.json'];
			const asFailed = {
				label: 'with status failed',
				set: { 'data.status': 'failed' },
			};
			const deliveries = [
				{ trigger: 'Timely.ai Trigger', ...delivery('timelyai', 'message-failed') },
				{ trigger: 'Dotdigital CPaaS Trigger', ...delivery('dotdigital', 'message-failed-2-sms') },
				{
					trigger: 'Dotdigital CPaaS Trigger',
					...delivery('dotdigital', 'message-failed-5-fbMessenger'),
				},
				{ trigger: 'StaryaAI Trigger', ...delivery('staryaai', 'chat-message-status-updated') },
				{
					trigger: 'StaryaAI Trigger',
					...delivery('staryaai', 'chat-message-status-updated', asFailed),
				},
			];
			const alert = 'Alert in Slack';
			await postToExample(example, deliveries);
			const executions = await api.settledExecutions(example.id, deliveries.length);
			expect(executions.map(({ status }) => status)).toEqual(deliveries.map(() => 'success'));
			expect(await branchesReached(example, executions, deliveries, [alert])).toEqual({
				'timelyai/message-failed': [alert],
				'dotdigital/message-failed-2-sms': [alert],
				'dotdigital/message-failed-5-fbMessenger': [alert],
				'staryaai/chat-message-status-updated': [],
				'staryaai/chat-message-status-updated with status failed': [alert],
			});
			const alerts = standIn.requests
				.filter(({ path }) => path === `/failed-message-alert.json/${alert}`)
				.map(({ body }) => String(body.text));
			expect(alerts).toHaveLength(4);
			expect(alerts).toContain(
				'Message msg_01HX4B3M to cont_456 failed on whatsapp (timelyai): 131026 Message undeliverable — number not registered on WhatsApp',
			);
			counts.writesAtStandIn += alerts.length;
			counts.executionsFound += executions.length;
		});

		(HAS_DATA_TABLES ? it : it.skip)(
			"ai-vs-human-counts: messages sent by AI or an agent are stored, a contact's are not",
			async () => {
				const example = examples['ai-vs-human-counts.json'];
				const deliveries = [
					{ trigger: 'K-LINK Trigger', ...delivery('klink', 'message-outbound') },
					{ trigger: 'Partoo Trigger', ...delivery('partoo', 'message-created') },
					{ trigger: 'Timely.ai Trigger', ...delivery('timelyai', 'message-sent') },
					{ trigger: 'StaryaAI Trigger', ...delivery('staryaai', 'chat-message-created-agent') },
					{ trigger: 'StaryaAI Trigger', ...delivery('staryaai', 'chat-message-created-user') },
				];
				const store = 'Store Sent Message';
				await postToExample(example, deliveries);
				const executions = await api.settledExecutions(example.id, deliveries.length);
				expect(executions.map(({ status }) => status)).toEqual(deliveries.map(() => 'success'));
				expect(await branchesReached(example, executions, deliveries, [store])).toEqual({
					'klink/message-outbound': [store],
					'partoo/message-created': [store],
					'timelyai/message-sent': [store],
					'staryaai/chat-message-created-agent': [store],
					'staryaai/chat-message-created-user': [],
				});
				counts.executionsFound += executions.length;
			},
		);
	});

	it('dedupe-retries: the same delivery posted twice runs and writes once; another event ID runs again', async () => {
		const example = examples['dedupe-retries.json'];
		const anotherEvent = {
			label: 'with another event ID',
			set: { event_id: 'evt_01HX4A1K9MFQR4YZDNV7P9WCF' },
		};
		const timely = { trigger: 'Timely.ai Trigger', ...delivery('timelyai', 'message-received') };
		const dotdigital = {
			trigger: 'Dotdigital CPaaS Trigger',
			...delivery('dotdigital', 'message-inbound-1-sms'),
		};
		const partoo = { trigger: 'Partoo Trigger', ...delivery('partoo', 'message-created') };
		const sequence = [
			timely,
			timely,
			{ trigger: 'Timely.ai Trigger', ...delivery('timelyai', 'message-received', anotherEvent) },
			dotdigital,
			dotdigital,
			partoo,
			partoo,
		];
		// The triggers answer when the workflow finishes: each repeat comes after its event succeeded,
		// is answered 200 "accepted" as the first time, and starts no execution.
		await postToExample(example, sequence);
		const executions = await api.settledExecutions(example.id, 4);
		await sleep(2000);
		expect((await api.executions(example.id)).map(({ status }) => status)).toEqual([
			'success',
			'success',
			'success',
			'success',
		]);

		const writes = standIn.requests.filter(
			({ path }) => path === '/dedupe-retries.json/Save Message',
		);
		expect(writes.map(({ body }) => [body.provider, body.eventId])).toEqual([
			['timelyai', 'evt_01HX4A1K9MFQR4YZDNV7P9WCE'],
			['timelyai', 'evt_01HX4A1K9MFQR4YZDNV7P9WCF'],
			['dotdigital', '0028ebc3-c0e9-4924-9b44-9135c7990f57'],
			['partoo', expectedEventOf(fixtureFiles('partoo')[0]).eventId],
		]);
		for (const { headers, body } of writes) expect(headers['idempotency-key']).toBe(body.eventId);
		counts.writesAtStandIn += writes.length;
		counts.executionsFound += executions.length;
	});

	it("Normalize Messaging Event turns n8n's Webhook node output into the hand-written expected events", async () => {
		const fixtures = fixtureFiles('dotdigital').slice(0, 3);
		const envelopes = fixtures.map(
			(fixture) => JSON.parse(fixture.bytes.toString('utf8')) as unknown,
		);
		const answer = await post(deployed['helper:normalizer'].url, JSON.stringify(envelopes), {
			'content-type': 'application/json',
		});
		expect(answer.status).toBe(200);
		const [execution] = await api.settledExecutions(deployed['helper:normalizer'].id, 1);
		const items = nodeOutput(await api.execution(execution.id), 'Normalize');
		expect(items).toEqual(fixtures.map(expectedEventOf));
		counts.executionsFound += 1;
	});
});

/** The lines of n8n's log written since `mark` (a length of the log file). */
function logSince(mark: number): string {
	return readFileSync(server!.logFile, 'utf8').slice(mark);
}
const logLength = () => readFileSync(server!.logFile, 'utf8').length;

describe('in a real n8n, one hostile request at a time', () => {
	const contactCreate = () =>
		JSON.parse(
			fixtureFiles('klink')
				.find(({ name }) => name === 'contact-create')!
				.bytes.toString('utf8'),
		) as { event: string; data: Record<string, unknown> };

	it('emits the good events of a batch beside one with 300,000 malformed list entries and one nested 10,000 levels deep', async () => {
		const good = contactCreate();
		const malformed = Array.from({ length: 300_000 }, () => 7);
		const hostile = {
			...good,
			data: { ...good.data, tags: malformed, contactEmails: malformed, contactPhones: malformed },
		};
		const deep = JSON.stringify({ ...good, data: { ...good.data, customFields: 'DEEP' } }).replace(
			'"DEEP"',
			`${'['.repeat(10_000)}1${']'.repeat(10_000)}`,
		);
		const body = Buffer.from(`[${JSON.stringify(good)},${JSON.stringify(hostile)},${deep}]`);
		const answer = await post(
			deployed['klink:signed'].url,
			body,
			signedHeaders('klink', body, secrets),
		);
		expect(answer).toEqual({
			status: 200,
			body: { status: 'accepted', received: 3, emitted: 3 },
		});
		const executions = await api.settledExecutions(deployed['klink:signed'].id, 1);
		expect(executions.map(({ status }) => status)).toEqual(['success']);
		const [first, second, third] = nodeOutput(
			await api.execution(executions[0].id),
			TRIGGER_NODE_NAME,
		);
		expect(first).toMatchObject({
			event: 'contact.created',
			contact: { name: 'John', email: 'john@klink.cloud', phone: '06838387278' },
			tags: ['VVIP'],
			problems: [],
		});
		expect(second).toMatchObject({ event: 'contact.created', tags: [] });
		expect((second.problems as string[]).at(-1)).toBe('…and 40 more problems');
		expect(third).toMatchObject({
			event: 'contact.created',
			contact: { name: 'John', email: 'john@klink.cloud' },
			tags: ['VVIP'],
			problems: [`…0]${'[0]'.repeat(39)}: nested deeper than 100 levels; removed`],
		});
		counts.executionsFound += 1;
	});

	it("answers 413 above 2,000 events and 401 without saying why, starting nothing; the reasons are in n8n's log", async () => {
		const mark = logLength();
		const before = (await api.settledExecutions(deployed['klink:signed'].id, 0, 0)).length;
		const tooMany = Buffer.from(JSON.stringify(Array.from({ length: 2001 }, () => ({}))));
		expect(
			await post(deployed['klink:signed'].url, tooMany, signedHeaders('klink', tooMany, secrets)),
		).toEqual({
			status: 413,
			body: {
				status: 'rejected',
				reason: 'the delivery holds 2001 events; this trigger takes at most 2000 per delivery',
			},
		});
		const forged = Buffer.from(JSON.stringify(contactCreate()));
		expect(
			await post(deployed['klink:signed'].url, forged, {
				'content-type': 'application/json',
				'x-signature': 'ab'.repeat(32),
			}),
		).toEqual({
			status: 401,
			body: { status: 'rejected', reason: 'the delivery is not authenticated' },
		});
		expect(await api.settledExecutions(deployed['klink:signed'].id, before, 3000)).toHaveLength(
			before,
		);
		const log = logSince(mark);
		expect(log).toContain(
			'K-LINK delivery refused with 413: the delivery holds 2001 events; this trigger takes at most 2000 per delivery',
		);
		expect(log).toContain('K-LINK delivery refused with 401: x-signature does not match the body');
		expect(log).not.toContain('john@klink.cloud');
		counts.forgedRejected++;
	});

	it('checks signatures over the exact bytes of a workflow created through the API with "options": {}', async () => {
		const mark = logLength();
		const built = triggerWorkflow({
			provider: 'klink',
			name: 'e2e klink options {}',
			credentialIds: credentialIdOf.klink,
		});
		(built.workflow.nodes[0].parameters as Record<string, unknown>).options = {};
		const { url } = await api.deploy(built, { waitForTrigger: true });

		// Pretty-printed: n8n's parse and a re-serialization would change these bytes.
		const pretty = Buffer.from(JSON.stringify(contactCreate(), null, 3));
		expect(await post(url, pretty, signedHeaders('klink', pretty, secrets))).toEqual({
			status: 200,
			body: { status: 'accepted', received: 1, emitted: 1 },
		});
		const compact = Buffer.from(JSON.stringify(contactCreate()));
		expect((await post(url, compact, signedHeaders('klink', pretty, secrets))).status).toBe(401);
		// n8n 2.41.1 parses the body before the trigger runs when the stored parameters drop
		// options.binaryData, and answers a body that is not JSON with its own 422: the trigger
		// cannot answer it, and says so in the log when the workflow is activated.
		const notJson = Buffer.from('name=John');
		expect((await post(url, notJson, signedHeaders('klink', notJson, secrets))).status).toBe(422);
		expect(logSince(mark)).toContain(
			'The stored parameters of "Trigger" set "options" without "binaryData": true.',
		);
	});
});
