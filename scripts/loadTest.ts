/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- `npm run test:load`; not part of the published package */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';

import type { CanonicalEvent } from '../lib/canonicalEvent';
import { PROVIDER_IDS, providerById, type ProviderId } from '../lib/providerRegistry';
import type { AuthenticationMethod } from '../lib/providerDefinition';
import {
	contentEventId,
	eventIdField,
	expectedEventOf,
	fixtureFiles,
	forgedHeaders,
	newSecrets,
	onlyProviderCanSign,
	signedHeaders,
	type DeliverySecrets,
} from './runtime/deliveries';
import {
	proofFailures,
	proofSettings,
	proofTable,
	runAcknowledgementProof,
} from './runtime/acknowledgementProof';
import { sendAll, type Request } from './runtime/loadGenerator';
import { N8nApi, newOwner, nodeOutput } from './runtime/n8nApi';
import { ensureN8nRuntime } from './runtime/n8nRuntime';
import {
	freePort,
	installPackage,
	packPackage,
	startN8n,
	stopAll,
	tail,
} from './runtime/n8nServer';
import { createTriggerCredentials, TRIGGER_NODE_NAME, triggerWorkflow } from './runtime/workflows';

/**
 * Load without loss: many signed deliveries at high concurrency, mixing every provider,
 * exact duplicates (provider retries) and forged ones, against a real n8n. Every accepted
 * event must have exactly one execution carrying its eventId (its duplicates are answered as
 * it was and start none: Skip Repeated Events), whose item is the fixture's hand-written
 * expected event (with the delivery's own eventId and raw); forged ones none.
 * Then issue 18's acknowledgement proof on the same n8n (scripts/runtime/acknowledgementProof.ts).
 */
const DELIVERIES = Number(process.env.LOAD_DELIVERIES) || 20_000;
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY) || 64;
const TIME_LIMIT_SECONDS = Number(process.env.LOAD_TIME_LIMIT_SECONDS) || 45 * 60;
const DUPLICATE_SHARE = 0.05;
const FORGED_SHARE = 0.05;

type Kind = 'genuine' | 'duplicate' | 'forged';

interface PlannedDelivery {
	provider: ProviderId;
	kind: Kind;
	workflow: string;
	/** Marks the envelope (and so the item's `raw`) as this delivery's. */
	marker: string;
	expected: CanonicalEvent;
	request: Request;
}

async function main(): Promise<void> {
	const deadline = setTimeout(() => {
		console.error(`test:load exceeded its ${TIME_LIMIT_SECONDS} s limit`);
		void stopAll().finally(() => process.exit(1));
	}, TIME_LIMIT_SECONDS * 1000);

	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);
	const workDir = mkdtempSync(join(tmpdir(), 'n8n-load-'));
	const userFolder = join(workDir, 'user');
	await installPackage(userFolder, await packPackage(workDir));
	// N8N_EXPRESSION_ENGINE=legacy takes away n8n's per-delivery isolate (README, Benchmarks).
	const engine = process.env.N8N_EXPRESSION_ENGINE;
	const n8n = await startN8n(runtime, {
		userFolder,
		port: await freePort(),
		logFile: join(workDir, 'n8n.log'),
		env: engine ? { N8N_EXPRESSION_ENGINE: engine } : {},
	});
	let failures: string[] = [];
	try {
		const api = await N8nApi.setUp(n8n.baseUrl, newOwner());
		const secrets = newSecrets();
		const workflows = new Map<string, { id: string; path: string }>();
		for (const provider of PROVIDER_IDS) {
			const credentialIds = await createTriggerCredentials(api, provider, secrets, provider);
			// A provider that signs with its own key: genuine deliveries go to a trigger without
			// authentication, forged ones to a trigger checking its signature.
			const variants: Record<string, AuthenticationMethod | undefined> = onlyProviderCanSign(
				provider,
			)
				? { accepting: undefined, signed: providerById(provider)!.authentication.default }
				: { accepting: undefined };
			for (const [variant, authentication] of Object.entries(variants)) {
				const built = triggerWorkflow({
					provider,
					name: `load ${provider} ${variant}`,
					credentialIds,
					authentication,
				});
				const { id, path } = await api.deploy(built);
				workflows.set(`${provider}:${variant}`, { id, path });
			}
		}

		const plan = planDeliveries(secrets, workflows);
		const kinds = count(plan.map(({ kind }) => kind));
		console.log(
			`Posting ${plan.length} deliveries (${kinds.genuine ?? 0} genuine, ${kinds.duplicate ?? 0} duplicates, ${kinds.forged ?? 0} forged) at concurrency ${CONCURRENCY}…`,
		);
		const started = Date.now();
		const answers = await sendAll(
			n8n.baseUrl,
			plan.map(({ request }) => request),
			CONCURRENCY,
			(done) => {
				if (done % 1000 === 0)
					console.log(
						`  ${done} answered, ${Math.round(done / ((Date.now() - started) / 1000))} req/s`,
					);
			},
		);
		const seconds = (Date.now() - started) / 1000;
		const statuses = count(answers.map(({ status }) => String(status)));
		console.log(
			`  done in ${seconds.toFixed(1)} s (${Math.round(plan.length / seconds)} req/s); answers by status: ${JSON.stringify(statuses)}`,
		);

		const accepted = plan.filter(
			(delivery, index) =>
				answers[index].status === 200 && answers[index].body.includes('"accepted"'),
		);
		const acceptedForged = accepted.filter(({ kind }) => kind === 'forged');
		const rejectedGenuine = plan.filter(
			(delivery, index) => delivery.kind !== 'forged' && answers[index].status !== 200,
		);
		const serverErrors = answers.filter(({ status }) => status >= 500).length;
		const networkErrors = answers.filter(({ status }) => status === 0).length;

		console.log('Waiting for every execution to finish and reading their output…');
		// One execution per accepted event: a duplicate is answered as its original and starts none.
		const acceptedEvents = [
			...new Map(accepted.map((delivery) => [delivery.expected.eventId, delivery])).values(),
		];
		const expectedIds = count(acceptedEvents.map(({ expected }) => expected.eventId));
		const foundIds: string[] = [];
		const expectedByMarker = new Map(accepted.map(({ marker, expected }) => [marker, expected]));
		let unlikeExpected = 0;
		let executions = 0;
		let unfinished = 0;
		for (const [key, { id }] of workflows) {
			const expected = acceptedEvents.filter(({ workflow }) => workflow === key).length;
			const settled = await api.settledExecutions(id, expected, 10 * 60_000);
			executions += settled.length;
			unfinished += settled.filter(({ status }) => status !== 'success').length;
			for (const execution of await api.executions(id, true)) {
				for (const item of nodeOutput(execution, TRIGGER_NODE_NAME)) {
					foundIds.push(String(item.eventId));
					const marker = String((item.raw as { loadTestDelivery?: unknown })?.loadTestDelivery);
					if (!isDeepStrictEqual(item, expectedByMarker.get(marker))) unlikeExpected++;
				}
			}
		}
		const found = count(foundIds);
		const missing = Object.entries(expectedIds).filter(
			([eventId, times]) => (found[eventId] ?? 0) < times,
		).length;
		const extra = Object.entries(found).filter(
			([eventId, times]) => (expectedIds[eventId] ?? 0) < times,
		).length;
		const forgedIds = new Set(
			plan.filter(({ kind }) => kind === 'forged').map(({ expected }) => expected.eventId),
		);
		const forgedExecutions = foundIds.filter(
			(eventId) => forgedIds.has(eventId) && !expectedIds[eventId],
		).length;

		console.log(`
Load test against a real n8n ${runtime.n8nVersion} (SQLite, expression engine ${engine ?? 'default'}), ${CONCURRENCY} concurrent connections:
  deliveries posted:            ${plan.length} in ${seconds.toFixed(1)} s (${Math.round(plan.length / seconds)} req/s)
  accepted (200 "accepted"):    ${accepted.length} deliveries of ${acceptedEvents.length} events (${accepted.filter(({ kind }) => kind === 'duplicate').length} duplicates)
  rejected 401 (forged):        ${statuses['401'] ?? 0} of ${kinds.forged ?? 0} forged
  5xx answers / network errors: ${serverErrors} / ${networkErrors}
  executions found:             ${executions} (not successful: ${unfinished})
  eventIds accounted for:       ${Object.keys(expectedIds).length - missing} of ${Object.keys(expectedIds).length} (missing ${missing}, unexpected ${extra})
  items unlike expected event:  ${unlikeExpected} of ${foundIds.length}
  forged executions:            ${forgedExecutions}`);

		failures = [
			executions !== acceptedEvents.length &&
				`executions (${executions}) != accepted events (${acceptedEvents.length})`,
			serverErrors > 0 && `${serverErrors} answers were 5xx`,
			networkErrors > 0 && `${networkErrors} requests got no answer`,
			rejectedGenuine.length > 0 &&
				`${rejectedGenuine.length} genuine deliveries were not accepted`,
			acceptedForged.length > 0 && `${acceptedForged.length} forged deliveries were accepted`,
			forgedExecutions > 0 && `${forgedExecutions} executions carry a forged delivery's eventId`,
			missing > 0 && `${missing} accepted eventIds have no execution`,
			extra > 0 && `${extra} eventIds have more than one execution`,
			unfinished > 0 && `${unfinished} executions did not finish successfully`,
			unlikeExpected > 0 &&
				`${unlikeExpected} items differ from their fixture's hand-written expected event`,
		].filter((failure): failure is string => typeof failure === 'string');

		const settings = proofSettings();
		if (settings.eventsPerChoice > 0) {
			const proof = await runAcknowledgementProof({
				...settings,
				api,
				webhookBase: n8n.baseUrl,
				secrets,
				log: (line) => console.log(line),
			});
			console.log(`\nAcknowledgement proof, regular mode:\n${proofTable(proof)}`);
			failures.push(...proofFailures(proof));
		}
	} catch (error) {
		failures = [(error as Error).message];
		console.error(`n8n log tail:\n${tail(n8n.logFile)}`);
	} finally {
		clearTimeout(deadline);
		await n8n.stop();
		rmSync(workDir, { recursive: true, force: true });
	}
	if (failures.length > 0) {
		console.error(`\ntest:load FAILED:\n  - ${failures.join('\n  - ')}`);
		process.exit(1);
	}
	console.log('\ntest:load passed: nothing lost, nothing forged got in.');
}

/**
 * Each genuine delivery is a fixture made unique (a marker field, and its own event id where
 * the provider sends one), signed like the provider signs it. Its expected item is the
 * fixture's hand-written expected event; only eventId (set here, or the documented hash of
 * the changed envelope) and raw (the changed envelope) differ.
 */
function planDeliveries(
	secrets: DeliverySecrets,
	workflows: Map<string, { id: string; path: string }>,
): PlannedDelivery[] {
	const fixtures = Object.fromEntries(
		PROVIDER_IDS.map((provider) => [provider, fixtureFiles(provider).map(expectedEventOf)]),
	) as Record<ProviderId, CanonicalEvent[]>;
	const plan: PlannedDelivery[] = [];
	for (let index = 0; index < DELIVERIES; index++) {
		const provider = PROVIDER_IDS[index % PROVIDER_IDS.length];
		const roll = pseudoRandom(index);
		if (roll < DUPLICATE_SHARE && plan.length > 0) {
			const original = plan[Math.floor(pseudoRandom(index + 0.5) * plan.length)];
			if (original.kind === 'genuine') {
				plan.push({ ...original, kind: 'duplicate' });
				continue;
			}
		}
		const forged = roll > 1 - FORGED_SHARE;
		const fixtureEvent = fixtures[provider][index % fixtures[provider].length];
		const marker = `${index}-${randomBytes(4).toString('hex')}`;
		const envelope: Record<string, unknown> = {
			...(fixtureEvent.raw as Record<string, unknown>),
			loadTestDelivery: marker,
		};
		// A provider's own event id where it sends one; otherwise the eventId is the envelope's hash.
		const idField = eventIdField(fixtureEvent);
		if (idField) envelope[idField] = `load-${index}`;
		const json = JSON.stringify(envelope);
		const body = Buffer.from(json);
		const eventId = idField ? `load-${index}` : contentEventId(json);
		const workflow = `${provider}:${forged && workflows.has(`${provider}:signed`) ? 'signed' : 'accepting'}`;
		const headers = forged ? forgedHeaders(provider, body) : signedHeaders(provider, body, secrets);
		plan.push({
			provider,
			kind: forged ? 'forged' : 'genuine',
			workflow,
			marker,
			expected: { ...fixtureEvent, eventId, raw: envelope },
			request: { path: workflows.get(workflow)!.path, headers, body },
		});
	}
	return plan;
}

/** Deterministic in [0, 1), so a run can be repeated delivery for delivery. */
function pseudoRandom(seed: number): number {
	const x = Math.sin(seed * 12.9898 + 78.233) * 43758.5453;
	return x - Math.floor(x);
}

function count(values: string[]): Record<string, number> {
	const counts: Record<string, number> = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}

main().catch(async (error: Error) => {
	console.error(`test:load failed: ${error.message}`);
	await stopAll();
	process.exit(1);
});
