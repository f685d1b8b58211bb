/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- development script (load and queue suites); not part of the published package */
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
	seededRandom,
	simulatedWaitsMs,
	simulateProviders,
	summarise,
	type EventRecord,
	type ProviderEvent,
} from './retrySimulator';
import { createTriggerCredentials, TRIGGER_NODE_NAME, triggerWorkflow } from './workflows';

/**
 * The acknowledgement proof: the same events, through the providers' own retries
 * (retrySimulator.ts, some deliveries sent as two simultaneous copies), to one workflow per
 * provider and Acknowledge choice, Trigger → Write (proofWorkflow), writing to a sink that
 * fails, slows and hangs some writes. Counted per choice: events that never reached the sink,
 * executions per succeeded event (the trigger's Skip Repeated Events), deliveries that started
 * no execution, and writes of one event beyond its first, each explained.
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
	/** Share of calls never answered (nothing written): the workflow's HTTP Request times out. */
	hungShare: number;
}

/** 503 on 20 % of writes, 30 % held past the providers' 10 s deadline, 1 % never answered. */
export const ISSUE_FAULTS: SinkFaults = {
	failShare: 0.2,
	slowShare: 0.3,
	holdMs: 12_000,
	hungShare: 0.01,
};

/** How long the proof's Write waits for the sink: a hung write fails the execution then. */
export const WRITE_TIMEOUT_MS = 30_000;

export interface Sink {
	/** Base URL: a workflow writes with `POST <url>/<choice>` and looks an event up with `GET <url>/<choice>/<eventId>`. */
	url: string;
	/** Writes (POSTs answered 200) per eventId, per choice. */
	writes: Record<AcknowledgeChoice, Map<string, number>>;
	/** Writes tried per choice, and how many of them were failed, slowed or hung. */
	injected: Record<AcknowledgeChoice, Injected>;
	/** Calls still held (hung calls are not). */
	pending(): number;
	close(): Promise<void>;
}

type Injected = { calls: number; failed: number; slow: number; hung: number };

/**
 * The system the workflows write to, standing in for a CRM: it fails and slows writes at
 * random, counts what it stored, and answers whether it holds an event.
 */
export async function startSink(faults: SinkFaults, seed = 18): Promise<Sink> {
	const random = seededRandom(seed);
	const fresh = (): Injected => ({ calls: 0, failed: 0, slow: 0, hung: 0 });
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
			} else if (roll < faults.failShare + faults.slowShare + faults.hungShare) {
				injected[choice].hung++;
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
 * Trigger → Write: what a user builds once the trigger runs each event once. Write is an HTTP
 * Request to the sink per item, failing the execution when the sink fails or does not answer
 * in WRITE_TIMEOUT_MS; the provider then resends and the trigger runs the event again.
 */
export function proofWorkflow(
	provider: ProviderId,
	acknowledge: AcknowledgeChoice,
	credentialIds: Record<string, string>,
	sinkUrl: string,
) {
	return triggerWorkflow({
		provider,
		name: `acknowledgement proof ${provider} ${acknowledge}`,
		credentialIds,
		acknowledge,
		then: [
			{
				name: 'Write',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				parameters: {
					method: 'POST',
					url: `${sinkUrl}/${acknowledge}`,
					sendBody: true,
					contentType: 'json',
					bodyParameters: {
						parameters: [
							{ name: 'eventId', value: '={{ $json.eventId }}' },
							{ name: 'provider', value: '={{ $json.provider }}' },
						],
					},
					options: { timeout: WRITE_TIMEOUT_MS },
				},
			},
		],
	});
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
	/** Share of deliveries sent as two simultaneous copies (default 5 %). */
	duplicateShare?: number;
	/**
	 * When a restarted webhook process was back (Date.now()), filled in by a disruption: the
	 * claims of the process that stopped are gone, and an event sent before may run again after.
	 */
	restarts?: number[];
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
	/** Each duplicated event's executions and answers, e.g. "error → success; 500 → 200", with how many events had them. */
	duplicatesBy: Record<string, number>;
	injected: Injected;
	/** Events that some execution carried to success, and how many successful executions carried them. */
	succeededEvents: number;
	successfulExecutions: number;
	/** Succeeded events carried by more than one successful execution; of them, those across a webhook process restart. */
	ranTwice: number;
	ranTwiceAcrossRestart: number;
	/** Each such event, for the report. */
	ranTwiceHistories: string[];
	/** Deliveries (first attempts, resends and copies) that started no execution: the trigger's claims, mostly. */
	startedNothing: number;
	/** Events whose delivery was sent as two simultaneous copies. */
	duplicated: number;
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

const startedAt = (execution: ExecutionDetail) => Date.parse(execution.startedAt ?? '') || 0;
const startOrder = (executions: ExecutionDetail[]) =>
	[...executions].sort((a, b) => startedAt(a) - startedAt(b));

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
		const simulationStartedAt = Date.now();
		const report = await simulateProviders(events, {
			duplicateShare: options.duplicateShare ?? 0.05,
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
		const executionCount = { onReceipt: 0, whenWorkflowFinishes: 0 };
		for (const choice of ACKNOWLEDGE_CHOICES) {
			errors[choice] = {};
			for (const id of workflowIds[choice])
				for (const execution of await api.executions(id, true)) {
					executionCount[choice]++;
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
				const runs = startOrder(executionsOf.get(record.eventId) ?? []).map(({ status }) => status);
				const key = `${record.provider}: executions ${runs.join(' → ') || 'none'}; answers ${record.answers.map(answerLabel).join(' → ')} (${times} writes)`;
				duplicatesBy[key] = (duplicatesBy[key] ?? 0) + 1;
			}
			let succeededEvents = 0;
			let successfulExecutions = 0;
			let ranTwiceAcrossRestart = 0;
			const ranTwiceHistories: string[] = [];
			for (const record of records) {
				const carried = executionsOf.get(record.eventId) ?? [];
				const successes = startOrder(carried.filter(({ status }) => status === 'success'));
				if (successes.length === 0) continue;
				succeededEvents++;
				successfulExecutions += successes.length;
				if (successes.length < 2) continue;
				// Sent before and after a restart: the claims of the earlier attempts died with the process
				// (an execution queued before it may start after it, so the attempts tell, not the starts).
				const sentAt = record.answers.map(({ sentAtMs }) => simulationStartedAt + sentAtMs);
				const acrossRestart = (options.restarts ?? []).some(
					(restart) => sentAt.some((at) => at < restart) && sentAt.some((at) => at > restart),
				);
				if (acrossRestart) ranTwiceAcrossRestart++;
				ranTwiceHistories.push(
					`${acrossRestart ? 'across the webhook process restart: ' : ''}${lostHistory(record, carried)}`,
				);
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
				succeededEvents,
				successfulExecutions,
				ranTwice: ranTwiceHistories.length,
				ranTwiceAcrossRestart,
				ranTwiceHistories,
				// One answer object per HTTP request, shared by the events of a batch.
				startedNothing:
					new Set(records.flatMap(({ answers }) => answers)).size - executionCount[choice],
				duplicated: records.filter(({ copied }) => copied).length,
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
	| 'eventsPerChoice'
	| 'speedUp'
	| 'longestWaitMs'
	| 'concurrency'
	| 'dotdigitalBatchSize'
	| 'duplicateShare'
> {
	const number = (name: string, fallback: number) =>
		process.env[name] === undefined ? fallback : Number(process.env[name]);
	return {
		eventsPerChoice: number('ACK_PROOF_EVENTS', 1000),
		speedUp: number('ACK_PROOF_SPEEDUP', 2),
		longestWaitMs: number('ACK_PROOF_LONGEST_WAIT_SECONDS', 60) * 1000,
		concurrency: number('ACK_PROOF_CONCURRENCY', 16),
		dotdigitalBatchSize: number('ACK_PROOF_BATCH', 5),
		duplicateShare: number('ACK_PROOF_DUPLICATES', 0.05),
	};
}

/**
 * What the proof requires: nothing lost when acknowledged on finish; no succeeded event run
 * twice but across a webhook process restart (its claims are gone); faults that did bite on
 * receipt.
 */
export function proofFailures(result: ProofResult): string[] {
	const finish = result.outcomes.whenWorkflowFinishes;
	const receipt = result.outcomes.onReceipt;
	const ranTwice = ACKNOWLEDGE_CHOICES.map((choice) => {
		const o = result.outcomes[choice];
		const unexplained = o.ranTwice - o.ranTwiceAcrossRestart;
		return unexplained > 0 && `${choice}: ${unexplained} succeeded events ran more than once`;
	});
	return [
		finish.lost > 0 &&
			`When the Workflow Finishes: ${finish.lost} events never reached the sink (${finish.lostAfter2xx} of them answered 2xx)`,
		...ranTwice,
		receipt.injected.failed > 0 &&
			receipt.lost === 0 &&
			'On Receipt: no event lost although writes failed (were the faults injected?)',
	].filter((failure): failure is string => typeof failure === 'string');
}

/** The proof's table (Markdown), one row per choice, and each kind of duplicate write. */
export function proofTable(result: ProofResult): string {
	const lines = [
		'| Acknowledge | events (sent twice at once) | answered 2xx | provider gave up | deliveries | writes failed (503) / slowed past 10 s / hung | never reached the sink | executions per succeeded event | ran twice (across a restart) | deliveries that started no execution | duplicate writes | executions |',
		'|---|---|---|---|---|---|---|---|---|---|---|---|',
	];
	for (const choice of ACKNOWLEDGE_CHOICES) {
		const o = result.outcomes[choice];
		const executions = Object.entries(o.executions)
			.map(([status, count]) => `${count} ${status}`)
			.join(', ');
		const perEvent = o.succeededEvents ? o.successfulExecutions / o.succeededEvents : 0;
		lines.push(
			`| ${choice} | ${o.events} (${o.duplicated}) | ${o.acknowledged} | ${o.givenUp} | ${o.startedNothing + Object.values(o.executions).reduce((sum, n) => sum + n, 0)} | ${o.injected.failed} / ${o.injected.slow} / ${o.injected.hung} of ${o.injected.calls} writes | **${o.lost}** | **${perEvent.toFixed(3)}** (${o.successfulExecutions} for ${o.succeededEvents}) | ${o.ranTwice} (${o.ranTwiceAcrossRestart}) | ${o.startedNothing} | ${o.duplicateWrites} | ${executions} |`,
		);
	}
	for (const choice of ACKNOWLEDGE_CHOICES) {
		const o = result.outcomes[choice];
		for (const [message, count] of Object.entries(o.errors))
			lines.push(`- executions not successful, ${choice}: ${count} × ${message}`);
		for (const [answers, events] of Object.entries(o.duplicatesBy))
			lines.push(`- duplicate write, ${choice}: ${events} × ${answers}`);
		for (const history of o.ranTwiceHistories) lines.push(`- ran twice, ${choice}: ${history}`);
		if (choice === 'whenWorkflowFinishes')
			for (const history of o.lostHistories) lines.push(`- lost, ${choice}: ${history}`);
	}
	lines.push(
		`(${result.requests} requests from the simulated providers in ${result.seconds.toFixed(0)} s)`,
	);
	return lines.join('\n');
}
