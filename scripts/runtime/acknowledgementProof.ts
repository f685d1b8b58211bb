/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- development script (load and queue suites); not part of the published package */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { ProviderId } from '../../lib/providerRegistry';
import {
	contentEventId,
	demoFixture,
	eventIdField,
	expectedEventOf,
	type DeliverySecrets,
} from './deliveries';
import type { ExecutionDetail, N8nApi } from './n8nApi';
import { sleep } from './n8nServer';
import {
	NO_ANSWER,
	RETRY_POLICIES,
	simulatedWaitsMs,
	simulateProviders,
	summarise,
	type EventRecord,
	type ProviderEvent,
} from './retrySimulator';
import {
	createTriggerCredentials,
	removeDuplicatesOnEventId,
	TRIGGER_NODE_NAME,
	triggerWorkflow,
} from './workflows';

/**
 * Issue 18's proof: the same events, through the providers' own retries (retrySimulator.ts),
 * to one workflow per provider and Acknowledge choice (proofWorkflow), writing to a sink
 * that fails and slows some writes. Counted per choice: events that never reached the
 * sink, and writes of one event beyond its first.
 */

export const ACKNOWLEDGE_CHOICES = ['onReceipt', 'whenWorkflowFinishes'] as const;
export type AcknowledgeChoice = (typeof ACKNOWLEDGE_CHOICES)[number];

/** The providers that document retries; the proof's events are spread over them. */
export const RETRYING_PROVIDERS: ProviderId[] = ['partoo', 'timelyai', 'dotdigital'];

export interface SinkFaults {
	/** Share of calls answered 503 (nothing written). */
	failShare: number;
	/** Share of calls held `holdMs` before the write and its 200 (a write slower than the providers' deadline). */
	slowShare: number;
	holdMs: number;
}

export const ISSUE_FAULTS: SinkFaults = { failShare: 0.2, slowShare: 0.02, holdMs: 12_000 };

export interface Sink {
	/** Base URL: a workflow writes with `POST <url>/<choice>` and looks an event up with `GET <url>/<choice>/<eventId>`. */
	url: string;
	/** Writes (POSTs answered 200) per eventId, per choice. */
	writes: Record<AcknowledgeChoice, Map<string, number>>;
	/** Writes tried per choice, and how many of them were failed or slowed (look-ups are always answered). */
	injected: Record<AcknowledgeChoice, { calls: number; failed: number; slow: number }>;
	/** Calls still held. */
	pending(): number;
	close(): Promise<void>;
}

/** Deterministic in [0, 1) for a seed (mulberry32), so a run's faults can be repeated. */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * The system the workflows write to, standing in for a CRM: it fails and slows writes at
 * random, counts what it stored, and answers whether it holds an event.
 */
export async function startSink(faults: SinkFaults, seed = 18): Promise<Sink> {
	const random = seededRandom(seed);
	const fresh = () => ({ calls: 0, failed: 0, slow: 0 });
	const writes = { onReceipt: new Map(), whenWorkflowFinishes: new Map() } as Sink['writes'];
	const injected = { onReceipt: fresh(), whenWorkflowFinishes: fresh() } as Sink['injected'];
	let held = 0;
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const [, choice, lookedUp] = (request.url ?? '').split('/') as [
				string,
				AcknowledgeChoice,
				string | undefined,
			];
			const written = writes[choice];
			if (!written) return void response.writeHead(404).end();
			const eventId =
				request.method === 'GET'
					? decodeURIComponent(lookedUp ?? '')
					: (JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { eventId?: string })
							.eventId;
			if (!eventId) return void response.writeHead(400).end();
			if (request.method === 'GET')
				return void response.writeHead(written.has(eventId) ? 200 : 404).end();
			injected[choice].calls++;
			const answer = () => {
				written.set(eventId, (written.get(eventId) ?? 0) + 1);
				response.writeHead(200, { 'content-type': 'application/json' }).end('{"written":true}');
			};
			const roll = random();
			if (roll < faults.failShare) {
				injected[choice].failed++;
				response.writeHead(503).end();
			} else if (roll < faults.failShare + faults.slowShare) {
				injected[choice].slow++;
				held++;
				setTimeout(() => ((held -= 1), answer()), faults.holdMs);
			} else {
				answer();
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		writes,
		injected,
		pending: () => held,
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/**
 * Trigger → Skip Written Events (n8n's Remove Duplicates on `eventId`, across executions) →
 * Look Up (is the event in the sink already?) → only if not: Write (HTTP Request to the sink,
 * n8n's Retry On Fail: two tries); then Confirm Written: every event of the delivery is looked
 * up in the sink. A failed write or an event not found → Forget Event IDs → Fail Execution, so
 * the execution succeeds (and the provider gets its 2xx) only once every event it carries is
 * stored.
 *
 * Why more than Remove Duplicates → Write: n8n 2.41's Remove Duplicates records an eventId
 * when it lets it through, before the write, and can only forget its whole history. A resend
 * that arrives while the first execution still runs (slower than the provider's deadline)
 * is discarded and would be acknowledged, and the event lost if that first write then fails;
 * a resend after a failed write would be discarded too. Forgetting on failure and confirming
 * before succeeding close both; the price is writes repeated after a forget.
 *
 * Why the look-up and the second try: without them a failure is as likely on every resend,
 * and a provider's resends run out. A Dotdigital batch of 5 then fails two attempts in three
 * (any of its 5 writes failing fails it) and can fail all 15 of its attempts; a single event
 * fails all 6 of Partoo's about once in 9,000. That is the provider giving up on a workflow
 * that keeps failing, not an acknowledgement lost; with them a resend writes only what is
 * missing and a write fails 1 time in 25, as a workflow writing to a flaky system is built.
 */
export function proofWorkflow(
	provider: ProviderId,
	acknowledge: AcknowledgeChoice,
	credentialIds: Record<string, string>,
	sinkUrl: string,
) {
	const history = { scope: 'workflow' };
	const httpRequest = (name: string, parameters: Record<string, unknown>) => ({
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		onError: 'continueErrorOutput',
		parameters: { ...parameters, options: { timeout: 60_000 } },
	});
	const lookUp = (name: string, eventId: string) =>
		httpRequest(name, {
			method: 'GET',
			url: `=${sinkUrl}/${acknowledge}/{{ encodeURIComponent(${eventId}) }}`,
		});
	const built = triggerWorkflow({
		provider,
		name: `acknowledgement proof ${provider} ${acknowledge}`,
		credentialIds,
		acknowledge,
		then: [
			removeDuplicatesOnEventId('Skip Written Events', history),
			lookUp('Look Up', '$json.eventId'),
		],
	});
	const { workflow } = built;
	const at = (x: number, y: number) => ({ id: randomUUID(), position: [x, y] });
	// Look Up answers 404 for an event the sink does not hold: its error output.
	const skipped = "$('Skip Written Events').item.json";
	workflow.nodes.push(
		{
			...at(660, 100),
			...httpRequest('Write', {
				method: 'POST',
				url: `${sinkUrl}/${acknowledge}`,
				sendBody: true,
				contentType: 'json',
				bodyParameters: {
					parameters: [
						{ name: 'eventId', value: `={{ ${skipped}.eventId }}` },
						{ name: 'provider', value: `={{ ${skipped}.provider }}` },
					],
				},
			}),
			retryOnFail: true,
			maxTries: 2,
			waitBetweenTries: 1000,
		},
		{ ...at(440, 300), ...lookUp('Confirm Written', '$json.eventId') },
		{
			...at(880, 150),
			name: 'Forget Event IDs',
			type: 'n8n-nodes-base.removeDuplicates',
			typeVersion: 2,
			parameters: {
				operation: 'clearDeduplicationHistory',
				mode: 'cleanDatabase',
				options: history,
			},
		},
		{
			...at(1100, 150),
			name: 'Fail Execution',
			type: 'n8n-nodes-base.stopAndError',
			typeVersion: 1,
			parameters: { errorMessage: 'An event is not stored; the provider resends it' },
		},
	);
	const to = (node: string) => [{ node, type: 'main', index: 0 }];
	const connections = workflow.connections as Record<string, { main: unknown[][] }>;
	// The trigger's first branch (topmost) runs first: Skip → Look Up → Write; then Confirm Written.
	connections.Trigger.main[0].push(...to('Confirm Written'));
	connections['Look Up'] = { main: [[], to('Write')] };
	connections.Write = { main: [[], to('Forget Event IDs')] };
	connections['Confirm Written'] = { main: [[], to('Forget Event IDs')] };
	connections['Forget Event IDs'] = { main: [to('Fail Execution')] };
	return built;
}

/** `count` events per choice, spread over the retrying providers, each with its own eventId. */
function proofEvents(
	urls: Record<AcknowledgeChoice, Record<string, string>>,
	count: number,
): Array<ProviderEvent & { choice: AcknowledgeChoice }> {
	const events: Array<ProviderEvent & { choice: AcknowledgeChoice }> = [];
	const templates = Object.fromEntries(
		RETRYING_PROVIDERS.map((provider) => [provider, expectedEventOf(demoFixture(provider))]),
	);
	for (let index = 0; index < count; index++) {
		for (const choice of ACKNOWLEDGE_CHOICES) {
			const provider = RETRYING_PROVIDERS[index % RETRYING_PROVIDERS.length];
			const template = templates[provider];
			const idField = eventIdField(template);
			const tag = `ack-${choice}-${index}`;
			const envelope: Record<string, unknown> = {
				...(template.raw as Record<string, unknown>),
				ackProofEvent: tag,
			};
			if (idField) envelope[idField] = tag;
			events.push({
				provider,
				eventId: idField ? tag : contentEventId(JSON.stringify(envelope)),
				envelope,
				url: urls[choice][provider],
				choice,
			});
		}
	}
	return events;
}

export interface ProofOptions {
	api: N8nApi;
	/** Where the triggers are served (the webhook process in queue mode). */
	webhookBase: string;
	secrets: DeliverySecrets;
	eventsPerChoice: number;
	speedUp: number;
	longestWaitMs: number;
	concurrency: number;
	dotdigitalBatchSize: number;
	faults?: SinkFaults;
	/** Steps run when the simulator has had this many answers (a worker killed, the webhook process restarted). */
	disruptions?: Array<{ afterAnswers: number; run: () => Promise<void> }>;
	/** Until when to wait for executions and held writes after the simulator is done. */
	settleTimeoutMs?: number;
	log: (line: string) => void;
}

export interface ChoiceOutcome {
	events: number;
	/** Events the provider counted as delivered (it got a 2xx). */
	acknowledged: number;
	/** Events the provider stopped sending without a 2xx (its retries ran out). */
	givenUp: number;
	attempts: number;
	answers: Record<string, number>;
	reachedSink: number;
	/** Events that never reached the sink. */
	lost: number;
	/** Of those, the provider had been told they were delivered. */
	lostAfter2xx: number;
	/** Writes of an event beyond its first. */
	duplicateWrites: number;
	/** Each duplicated event's answers, e.g. "no answer (10.0 s) → 200", with how many events had them. */
	duplicatesBy: Record<string, number>;
	injected: { calls: number; failed: number; slow: number };
	executions: Record<string, number>;
	/** Why executions did not succeed: n8n's error message, with how many. */
	errors: Record<string, number>;
	/** Each lost event: what the provider was answered, when, and the executions that carried it. */
	lostHistories: string[];
}

export interface ProofResult {
	outcomes: Record<AcknowledgeChoice, ChoiceOutcome>;
	requests: number;
	seconds: number;
}

/** The eventIds an execution's trigger emitted. */
function triggerEventIds(execution: ExecutionDetail): string[] {
	const output = execution.data?.resultData?.runData?.[TRIGGER_NODE_NAME]?.[0]?.data?.main?.[0];
	return (output ?? []).map(({ json }) => String(json.eventId));
}

/** A lost event's attempts (answer, sent at, seconds to answer) and its executions (nodes run, items out per output). */
function lostHistory(record: EventRecord, executions: ExecutionDetail[]): string {
	const attempts = record.answers
		.map(
			(answer) =>
				`${answerLabel(answer)} (sent at ${(answer.sentAtMs / 1000).toFixed(1)} s, ${(answer.latencyMs / 1000).toFixed(1)} s)`,
		)
		.join(' → ');
	const runs = executions.map((execution) => {
		const nodes = Object.entries(execution.data?.resultData?.runData ?? {})
			.filter(([name]) => name !== TRIGGER_NODE_NAME)
			.map(([name, runs]) => {
				const outputs = runs[0]?.data?.main ?? [];
				return `${name} ${outputs.map((items) => items?.length ?? 0).join('/')}`;
			});
		return `#${execution.id} ${execution.status} ${execution.startedAt ?? '?'}–${execution.stoppedAt ?? '?'} [${nodes.join(', ')}]`;
	});
	return `${record.provider} ${record.eventId}: ${attempts}; executions: ${runs.join('; ') || 'none'}`;
}

/** An attempt's answer as a provider saw it, for the duplicates' explanation. */
function answerLabel({ status, latencyMs }: EventRecord['answers'][number]): string {
	if (status !== NO_ANSWER) return String(status);
	return latencyMs >= RETRY_POLICIES.timelyai.answerDeadlineMs - 100
		? 'no answer in 10 s'
		: 'connection dropped';
}

export async function runAcknowledgementProof(options: ProofOptions): Promise<ProofResult> {
	const { api, log } = options;
	const sink = await startSink(options.faults ?? ISSUE_FAULTS);
	try {
		const urls = { onReceipt: {}, whenWorkflowFinishes: {} } as Record<
			AcknowledgeChoice,
			Record<string, string>
		>;
		const workflowIds = { onReceipt: [], whenWorkflowFinishes: [] } as Record<
			AcknowledgeChoice,
			string[]
		>;
		for (const provider of RETRYING_PROVIDERS) {
			const credentialIds = await createTriggerCredentials(
				api,
				provider,
				options.secrets,
				`${provider} acknowledgement proof`,
			);
			for (const choice of ACKNOWLEDGE_CHOICES) {
				const deployed = await api.deploy(
					proofWorkflow(provider, choice, credentialIds, sink.url),
					{
						webhookBase: options.webhookBase,
					},
				);
				urls[choice][provider] = deployed.url;
				workflowIds[choice].push(deployed.id);
			}
		}

		const events = proofEvents(urls, options.eventsPerChoice);
		const disruptions = [...(options.disruptions ?? [])].sort(
			(a, b) => a.afterAnswers - b.afterAnswers,
		);
		const running: Array<Promise<void>> = [];
		log(
			`Acknowledgement proof: ${events.length} events (${options.eventsPerChoice} per choice, Dotdigital in batches of ${options.dotdigitalBatchSize}) through the providers' retries (waits ÷${options.speedUp}, at most ${options.longestWaitMs / 1000} s), sink failing ${(100 * (options.faults ?? ISSUE_FAULTS).failShare).toFixed(0)} % and slowing ${(100 * (options.faults ?? ISSUE_FAULTS).slowShare).toFixed(0)} % of writes…`,
		);
		for (const provider of RETRYING_PROVIDERS) {
			const waits = simulatedWaitsMs(
				RETRY_POLICIES[provider],
				options.speedUp,
				options.longestWaitMs,
			);
			const span = waits.reduce((sum, wait) => sum + wait, 0) / 1000;
			log(
				`  ${provider}: ${waits.length + 1} attempts, resends over ${span.toFixed(0)} s (an outage shorter than that is retried through)`,
			);
		}
		const report = await simulateProviders(events, {
			secrets: options.secrets,
			speedUp: options.speedUp,
			longestWaitMs: options.longestWaitMs,
			concurrency: options.concurrency,
			dotdigitalBatchSize: options.dotdigitalBatchSize,
			onAnswer: (answered) => {
				if (answered % 500 === 0) log(`  ${answered} answers`);
				while (disruptions.length && answered >= disruptions[0].afterAnswers)
					running.push(disruptions.shift()!.run());
			},
		});
		await Promise.all(running);
		log(
			`  simulator done: ${report.requests} requests in ${report.seconds.toFixed(0)} s; waiting for executions and held writes…`,
		);

		// Executions a killed worker held can stay "running" or "new" for good: stop waiting
		// once nothing has changed for a minute.
		const executions = {} as Record<AcknowledgeChoice, Record<string, number>>;
		const deadline = Date.now() + (options.settleTimeoutMs ?? 5 * 60_000);
		let lastCounts = '';
		let unchangedSince = Date.now();
		for (;;) {
			for (const choice of ACKNOWLEDGE_CHOICES) {
				executions[choice] = {};
				for (const id of workflowIds[choice])
					for (const { status } of await api.executions(id))
						executions[choice][status] = (executions[choice][status] ?? 0) + 1;
			}
			const counts = JSON.stringify(executions);
			if (counts !== lastCounts) [lastCounts, unchangedSince] = [counts, Date.now()];
			const unsettled = ACKNOWLEDGE_CHOICES.some((choice) =>
				['new', 'running', 'waiting'].some((status) => executions[choice][status]),
			);
			const stuck = Date.now() - unchangedSince > 60_000;
			if ((sink.pending() === 0 && (!unsettled || stuck)) || Date.now() > deadline) break;
			await sleep(2000);
		}

		const errors = {} as Record<AcknowledgeChoice, Record<string, number>>;
		const executionsOf = new Map<string, ExecutionDetail[]>();
		for (const choice of ACKNOWLEDGE_CHOICES) {
			errors[choice] = {};
			for (const id of workflowIds[choice])
				for (const execution of await api.executions(id, true)) {
					for (const eventId of triggerEventIds(execution))
						executionsOf.set(eventId, [...(executionsOf.get(eventId) ?? []), execution]);
					if (execution.status === 'success') continue;
					const error = (execution.data?.resultData as { error?: { message?: string } })?.error;
					const message = `${execution.status}: ${error?.message ?? '(no error recorded)'}`;
					errors[choice][message] = (errors[choice][message] ?? 0) + 1;
				}
		}

		const outcomes = {} as Record<AcknowledgeChoice, ChoiceOutcome>;
		for (const choice of ACKNOWLEDGE_CHOICES) {
			const ids = new Set(
				events.filter((event) => event.choice === choice).map(({ eventId }) => eventId),
			);
			const records = report.events.filter(({ eventId }) => ids.has(eventId));
			const summary = summarise({ ...report, events: records });
			const writes = sink.writes[choice];
			const lostRecords = records.filter(({ eventId }) => !writes.has(eventId));
			const duplicatesBy: Record<string, number> = {};
			let duplicateWrites = 0;
			for (const record of records) {
				const times = writes.get(record.eventId) ?? 0;
				if (times < 2) continue;
				duplicateWrites += times - 1;
				const key = `${record.provider}: ${record.answers.map(answerLabel).join(' → ')} (${times} writes)`;
				duplicatesBy[key] = (duplicatesBy[key] ?? 0) + 1;
			}
			const lostHistories = lostRecords.map((record) =>
				lostHistory(record, executionsOf.get(record.eventId) ?? []),
			);
			outcomes[choice] = {
				events: records.length,
				acknowledged: summary.delivered,
				givenUp: summary.notDelivered,
				attempts: summary.attempts,
				answers: summary.answers,
				reachedSink: records.length - lostRecords.length,
				lost: lostRecords.length,
				lostAfter2xx: lostRecords.filter(({ outcome }) => outcome === 'delivered').length,
				duplicateWrites,
				duplicatesBy,
				injected: sink.injected[choice],
				executions: executions[choice],
				errors: errors[choice],
				lostHistories,
			};
		}
		return { outcomes, requests: report.requests, seconds: report.seconds };
	} finally {
		await sink.close();
	}
}

/** The proof's size and pace from the environment: ACK_PROOF_EVENTS per Acknowledge choice (0 skips it). */
export function proofSettings(): Pick<
	ProofOptions,
	'eventsPerChoice' | 'speedUp' | 'longestWaitMs' | 'concurrency' | 'dotdigitalBatchSize'
> {
	const number = (name: string, fallback: number) =>
		process.env[name] === undefined ? fallback : Number(process.env[name]);
	return {
		eventsPerChoice: number('ACK_PROOF_EVENTS', 1000),
		speedUp: number('ACK_PROOF_SPEEDUP', 2),
		longestWaitMs: number('ACK_PROOF_LONGEST_WAIT_SECONDS', 60) * 1000,
		concurrency: number('ACK_PROOF_CONCURRENCY', 8),
		dotdigitalBatchSize: number('ACK_PROOF_BATCH', 5),
	};
}

/** What the proof requires: nothing lost when acknowledged on finish, and faults that did bite on receipt. */
export function proofFailures(result: ProofResult): string[] {
	const finish = result.outcomes.whenWorkflowFinishes;
	const receipt = result.outcomes.onReceipt;
	return [
		finish.lost > 0 &&
			`When the Workflow Finishes: ${finish.lost} events never reached the sink (${finish.lostAfter2xx} of them answered 2xx)`,
		receipt.injected.failed > 0 &&
			receipt.lost === 0 &&
			'On Receipt: no event lost although writes failed (were the faults injected?)',
	].filter((failure): failure is string => typeof failure === 'string');
}

/** The proof's table (Markdown), one row per choice, and each kind of duplicate write. */
export function proofTable(result: ProofResult): string {
	const lines = [
		'| Acknowledge | events | answered 2xx | provider gave up | attempts | writes failed (503) / slowed past 10 s | never reached the sink | duplicate writes | executions |',
		'|---|---|---|---|---|---|---|---|---|',
	];
	for (const choice of ACKNOWLEDGE_CHOICES) {
		const o = result.outcomes[choice];
		const executions = Object.entries(o.executions)
			.map(([status, count]) => `${count} ${status}`)
			.join(', ');
		lines.push(
			`| ${choice} | ${o.events} | ${o.acknowledged} | ${o.givenUp} | ${o.attempts} | ${o.injected.failed} / ${o.injected.slow} of ${o.injected.calls} writes | **${o.lost}** | ${o.duplicateWrites} | ${executions} |`,
		);
	}
	for (const choice of ACKNOWLEDGE_CHOICES) {
		for (const [message, count] of Object.entries(result.outcomes[choice].errors))
			lines.push(`- executions not successful, ${choice}: ${count} × ${message}`);
		for (const [answers, events] of Object.entries(result.outcomes[choice].duplicatesBy))
			lines.push(`- duplicate, ${choice}: ${events} × ${answers}`);
		if (choice === 'whenWorkflowFinishes')
			for (const history of result.outcomes[choice].lostHistories)
				lines.push(`- lost, ${choice}: ${history}`);
	}
	lines.push(
		`(${result.requests} requests from the simulated providers in ${result.seconds.toFixed(0)} s)`,
	);
	return lines.join('\n');
}
