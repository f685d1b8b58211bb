/* eslint-disable @n8n/community-nodes/no-restricted-globals -- development script (end-to-end, load and queue suites); not part of the published package */
import type { DeliveryRetries, ProviderDefinition } from '../../lib/providerDefinition';
import { PROVIDER_IDS, providerById, type ProviderId } from '../../lib/providerRegistry';
import { signedHeaders, type DeliverySecrets } from './deliveries';

/**
 * What a provider does with a delivery until it stops: how long it waits for an answer, which
 * answers it sends again, after which waits, and what happens after the last one. Real
 * (provider) milliseconds; the simulator divides the waits, never the answer deadline.
 */
export interface RetryPolicy {
	/** How long the provider waits for an answer before it counts the attempt as failed. */
	answerDeadlineMs: number;
	/** The wait before each resend, in order; after the last resend fails, the provider stops. */
	retryDelaysMs: readonly number[];
	/** Whether an answer is sent again: an HTTP status, or NO_ANSWER (deadline passed, connection dropped). */
	retries(status: number): boolean;
	/** What the provider does with an event whose last resend failed (an answer it does not resend is dropped). */
	afterLastAttempt: 'dropped' | 'dead-letter queue';
	/** The provider's page that documents it. */
	source: string;
	/** What is not documented and is assumed here. */
	assumed: string;
}

/** An attempt that got no HTTP answer in time: the deadline passed or the connection dropped. */
export const NO_ANSWER = 0;

const SECOND = 1000;

const is2xx = (status: number) => status >= 200 && status < 300;

/** Waits doubling from `first`, `count` of them. */
function doubling(first: number, count: number): number[] {
	return Array.from({ length: count }, (_, index) => first * 2 ** index);
}

/** Waits doubling from `first` for as long as their sum stays within `total`. */
function doublingWithin(first: number, total: number): number[] {
	const delays: number[] = [];
	for (let delay = first, sum = first; sum <= total; delay *= 2, sum += delay) delays.push(delay);
	return delays;
}

/** Where a provider documents no answer deadline: the one Timely.ai and Dotdigital document. */
const ASSUMED_DEADLINE_SECONDS = 10;
/** Where a provider documents retries but not when the first comes. */
const ASSUMED_FIRST_RETRY_SECONDS = 10;

/**
 * A provider's policy from its definition's `deliveryRetries`, with what it leaves open filled
 * in and said: a 10 s deadline, waits that double, and for K-LINK and StaryaAI (no documented
 * retries) the worst case, one attempt.
 */
export function retryPolicy(provider: ProviderDefinition): RetryPolicy {
	const documented = provider.deliveryRetries;
	const assumed: string[] = [];
	const deadlineSeconds =
		documented.answerDeadlineSeconds ??
		(assumed.push(`a ${ASSUMED_DEADLINE_SECONDS} s answer deadline`), ASSUMED_DEADLINE_SECONDS);
	let delaySeconds: readonly number[] = [];
	if (documented.retriesOn === 'none') {
		assumed.push('no resend at all');
	} else if (documented.schedule) {
		delaySeconds = documented.schedule;
	} else {
		const first =
			documented.firstRetrySeconds ??
			(assumed.push(`a first resend ${ASSUMED_FIRST_RETRY_SECONDS} s later`),
			ASSUMED_FIRST_RETRY_SECONDS);
		assumed.push('waits that double');
		delaySeconds = documented.retriesForSeconds
			? doublingWithin(first, documented.retriesForSeconds)
			: doubling(first, documented.maxRetries ?? 0);
	}
	if (documented.retriesOn === '5xx') assumed.push('no answer in time counts as a 5xx');
	const retries: Record<DeliveryRetries['retriesOn'], (status: number) => boolean> = {
		none: () => false,
		'5xx': (status) => status === NO_ANSWER || status >= 500,
		non2xx: (status) => !is2xx(status) && !documented.neverRetried?.includes(status),
	};
	return {
		answerDeadlineMs: deadlineSeconds * SECOND,
		retryDelaysMs: delaySeconds.map((seconds) => seconds * SECOND),
		retries: retries[documented.retriesOn],
		afterLastAttempt: /dead-letter/.test(documented.afterGivingUp ?? '')
			? 'dead-letter queue'
			: 'dropped',
		source: documented.source,
		assumed: assumed.join('; '),
	};
}

/** Each provider's policy, from its definition (lib/providers/<id>/index.ts, `deliveryRetries`). */
export const RETRY_POLICIES = Object.fromEntries(
	PROVIDER_IDS.map((id) => [id, retryPolicy(providerById(id)!)]),
) as Record<ProviderId, RetryPolicy>;

/** A policy's resend waits as the simulator sleeps them: divided by `speedUp`, none over `longestWaitMs`. */
export function simulatedWaitsMs(
	policy: RetryPolicy,
	speedUp: number,
	longestWaitMs = Infinity,
): number[] {
	return policy.retryDelaysMs.map((ms) => Math.min(ms / speedUp, longestWaitMs));
}

/** One event a provider has to deliver: its id, its envelope exactly as sent, and the webhook URL it goes to. */
export interface ProviderEvent {
	provider: ProviderId;
	eventId: string;
	envelope: Record<string, unknown>;
	url: string;
}

export interface AttemptAnswer {
	/** HTTP status, or NO_ANSWER. */
	status: number;
	/** Milliseconds from sending to the answer (or to giving up waiting). */
	latencyMs: number;
	/** When it was sent: milliseconds since the simulation started. */
	sentAtMs: number;
}

export interface EventRecord {
	provider: ProviderId;
	eventId: string;
	/** The answers to every attempt that carried this event, in order. */
	answers: AttemptAnswer[];
	/** Whether its delivery was sent as two simultaneous copies. */
	copied?: boolean;
	/** Delivered: an attempt got a 2xx. Otherwise what the provider did when it stopped. */
	outcome: 'delivered' | 'dropped' | 'dead-letter queue';
}

export interface SimulatorOptions {
	secrets: DeliverySecrets;
	/** Resend waits are divided by this; the answer deadline is not. */
	speedUp: number;
	/**
	 * No wait, once divided, is longer than this: Dotdigital's 24 h of doubling waits would
	 * otherwise keep a run going for hours. Order and count of the resends stay the provider's.
	 */
	longestWaitMs?: number;
	/** At most this many requests in flight at once (all providers together). */
	concurrency: number;
	/** Events per Dotdigital delivery to one URL (its `batch: true`, `maxBatchSize`); 1 sends single objects. */
	dotdigitalBatchSize?: number;
	/** Replaces a provider's policy (tests: a short answer deadline). */
	policies?: Partial<Record<ProviderId, RetryPolicy>>;
	/** Called after each answer, e.g. to stop a process mid-burst. */
	onAnswer?: (answered: number) => void;
	/**
	 * Share of deliveries sent twice at the same instant (a provider's or a proxy's duplicate),
	 * each copy then resent on its own; chosen by a seeded draw, so a run can be repeated.
	 */
	duplicateShare?: number;
}

export interface SimulationReport {
	events: EventRecord[];
	/** Deliveries sent as two simultaneous copies. */
	duplicated: number;
	/** HTTP requests sent, first attempts and resends. */
	requests: number;
	seconds: number;
}

interface ProviderDelivery {
	provider: ProviderId;
	url: string;
	events: EventRecord[];
	body: Buffer;
}

/** Groups events into the deliveries their provider sends: Dotdigital in batches per URL, the others one by one. */
function deliveriesOf(events: ProviderEvent[], dotdigitalBatchSize: number): ProviderDelivery[] {
	const deliveries: ProviderDelivery[] = [];
	const batches = new Map<string, ProviderEvent[]>();
	const record = ({ provider, eventId }: ProviderEvent): EventRecord => ({
		provider,
		eventId,
		answers: [],
		outcome: 'dropped',
	});
	const flush = (url: string) => {
		const batch = batches.get(url) ?? [];
		batches.delete(url);
		if (batch.length === 0) return;
		deliveries.push({
			provider: 'dotdigital',
			url,
			events: batch.map(record),
			body: Buffer.from(JSON.stringify(batch.map(({ envelope }) => envelope))),
		});
	};
	for (const event of events) {
		if (event.provider === 'dotdigital' && dotdigitalBatchSize > 1) {
			const batch = batches.get(event.url) ?? [];
			batches.set(event.url, [...batch, event]);
			if (batch.length + 1 === dotdigitalBatchSize) flush(event.url);
		} else {
			deliveries.push({
				provider: event.provider,
				url: event.url,
				events: [record(event)],
				body: Buffer.from(JSON.stringify(event.envelope)),
			});
		}
	}
	for (const url of [...batches.keys()]) flush(url);
	return deliveries;
}

/** Deterministic in [0, 1) for a seed (mulberry32), so a run's draws can be repeated. */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Sends events as their providers do: signed, Dotdigital in batches, each delivery resent on
 * the provider's schedule (waits divided by `speedUp`, the answer deadline real) until it is
 * answered 2xx or the provider stops. Resolves when every delivery has ended.
 */
export async function simulateProviders(
	events: ProviderEvent[],
	options: SimulatorOptions,
): Promise<SimulationReport> {
	const started = performance.now();
	const deliveries = deliveriesOf(events, options.dotdigitalBatchSize ?? 1);
	const draw = seededRandom(25);
	const copies = deliveries.filter(() => draw() < (options.duplicateShare ?? 0));
	for (const copy of copies) for (const event of copy.events) event.copied = true;
	let inFlight = 0;
	let requests = 0;
	const waiting: Array<() => void> = [];
	const acquire = async () => {
		if (inFlight < options.concurrency) {
			inFlight++;
			return;
		}
		await new Promise<void>((resolve) => waiting.push(resolve));
	};
	const release = () => {
		const next = waiting.shift();
		if (next) next();
		else inFlight--;
	};

	const attempt = async (
		delivery: ProviderDelivery,
		policy: RetryPolicy,
	): Promise<AttemptAnswer> => {
		await acquire();
		const sent = performance.now();
		try {
			const headers = signedHeaders(delivery.provider, delivery.body, options.secrets, {
				timestamp: Math.floor(Date.now() / 1000),
			});
			const response = await fetch(delivery.url, {
				method: 'POST',
				headers,
				body: delivery.body,
				signal: AbortSignal.timeout(policy.answerDeadlineMs),
			});
			await response.arrayBuffer();
			const latencyMs = performance.now() - sent;
			return { status: response.status, latencyMs, sentAtMs: sent - started };
		} catch {
			return { status: NO_ANSWER, latencyMs: performance.now() - sent, sentAtMs: sent - started };
		} finally {
			requests++;
			release();
			options.onAnswer?.(requests);
		}
	};

	const deliver = async (delivery: ProviderDelivery) => {
		const policy = options.policies?.[delivery.provider] ?? RETRY_POLICIES[delivery.provider];
		const waits = simulatedWaitsMs(policy, options.speedUp, options.longestWaitMs);
		for (let resend = 0; ; resend++) {
			const answer = await attempt(delivery, policy);
			for (const event of delivery.events) event.answers.push(answer);
			// With two copies of a delivery, one copy's 2xx is the event delivered.
			const end = (outcome: EventRecord['outcome']) => {
				for (const event of delivery.events)
					if (event.outcome !== 'delivered' || outcome === 'delivered') event.outcome = outcome;
			};
			if (is2xx(answer.status)) return end('delivered');
			if (!policy.retries(answer.status)) return end('dropped');
			if (resend >= waits.length) return end(policy.afterLastAttempt);
			await sleep(waits[resend]);
		}
	};

	await Promise.all([...deliveries, ...copies].map(deliver));
	return {
		events: deliveries.flatMap(({ events: records }) => records),
		duplicated: copies.length,
		requests,
		seconds: (performance.now() - started) / 1000,
	};
}

/** Events by outcome, attempts and answers, for a report line. */
export function summarise(report: SimulationReport): {
	events: number;
	delivered: number;
	notDelivered: number;
	attempts: number;
	resent: number;
	answers: Record<string, number>;
} {
	const answers: Record<string, number> = {};
	let attempts = 0;
	for (const event of report.events) {
		attempts += event.answers.length;
		for (const { status } of event.answers) {
			const key = status === NO_ANSWER ? 'no answer' : String(status);
			answers[key] = (answers[key] ?? 0) + 1;
		}
	}
	const delivered = report.events.filter(({ outcome }) => outcome === 'delivered').length;
	return {
		events: report.events.length,
		delivered,
		notDelivered: report.events.length - delivered,
		attempts,
		resent: report.events.filter(({ answers: list }) => list.length > 1).length,
		answers,
	};
}
