import { createHash } from 'node:crypto';

import type { DeliveryRetries } from '../providerDefinition';

/**
 * One event, one execution. Per trigger (workflow + node), per event key, the state of the
 * execution that carries the event: in flight, succeeded or failed. A delivery repeating only
 * succeeded events starts nothing; a failed event runs again; a repeat of an event still in
 * flight waits a little for its outcome and otherwise starts nothing and is answered 503.
 *
 * Claims live in this process's memory, not in workflow static data: n8n loads and saves a
 * webhook's static data whole for every delivery (last writer wins), so claims kept there
 * would race each other and overwrite the registration's data. They are exact wherever one
 * process receives all of a trigger's deliveries (docs/acknowledgement.md).
 */

export type ClaimState = 'inFlight' | 'succeeded' | 'failed';

export interface ClaimLimits {
	/** How long a succeeded event is remembered: the provider's retry window. */
	rememberMs: number;
	/** How long an execution may stay in flight before its event counts as failed (it died). */
	leaseMs: number;
	/** The deliveries of one event after which the provider sends it no more, where documented as a count. */
	maxDeliveries?: number;
	/** Events remembered per trigger; the oldest are forgotten first. */
	capacity: number;
}

interface Claim {
	state: ClaimState;
	/** When the claim lapses: in flight, the lease; succeeded, the end of the retry window. */
	untilMs: number;
	/** Deliveries of the event seen. */
	seen: number;
	/** Deliveries waiting for this in-flight claim to settle. */
	waiters?: Array<() => void>;
}

/** What to do with a delivery's events. */
export type ClaimDecision =
	/** Run these events (by index in the delivery), now claimed in flight; the rest have succeeded. */
	| { kind: 'run'; indexes: number[] }
	/** Every event has succeeded already: answer as the first time, start nothing. */
	| { kind: 'skip' }
	/** Some event is in flight in another execution: wait for it, then decide again. */
	| { kind: 'wait'; settled: Promise<void> }
	/** Some event is still in flight: start nothing, and ask for the delivery again later. */
	| { kind: 'inFlight' };

/** Events remembered per trigger at most: about 17 MB (docs/acknowledgement.md, "Memory"). */
export const MAX_REMEMBERED_EVENTS = 100_000;

/** An execution in flight longer than this is taken for dead: its event runs on the next delivery. */
export const IN_FLIGHT_LEASE_MS = 5 * 60_000;

/**
 * How long a repeat of an event in flight waits for that execution's outcome before it is
 * answered 503: half the 10 s answer deadline of Timely.ai and Dotdigital.
 */
export const inFlightWait = { ms: 5_000 };

/** How long a succeeded event is remembered when its provider documents no retries. */
export const UNDOCUMENTED_RETRY_WINDOW_MS = 60 * 60_000;

/** Deliveries waiting on one in-flight event at most; the others are answered at once. */
const MAX_WAITERS_PER_EVENT = 64;

/** Longer event ids are remembered by their hash. */
const MAX_KEY_LENGTH = 64;

/**
 * How long a provider may send one event again, from its definition: its retry schedule and
 * answer deadline, or the time it documents retrying for. A provider that documents only a
 * count (Partoo) or no retries gets a fixed window, and the count bounds the former too.
 */
export function retryWindowMs(retries: DeliveryRetries): number {
	const deadlineMs = (retries.answerDeadlineSeconds ?? 0) * 1000;
	if (retries.retriesOn === 'none') return UNDOCUMENTED_RETRY_WINDOW_MS;
	if (retries.schedule) {
		const waits = retries.schedule.reduce((sum, seconds) => sum + seconds, 0) * 1000;
		return waits + (retries.schedule.length + 1) * deadlineMs;
	}
	if (retries.retriesForSeconds) return retries.retriesForSeconds * 1000 + deadlineMs;
	return 24 * 60 * 60_000;
}

export function claimLimitsFor(retries: DeliveryRetries): ClaimLimits {
	return {
		rememberMs: retryWindowMs(retries),
		leaseMs: IN_FLIGHT_LEASE_MS,
		maxDeliveries:
			retries.retriesOn !== 'none' && retries.maxRetries !== undefined
				? retries.maxRetries + 1
				: undefined,
		capacity: MAX_REMEMBERED_EVENTS,
	};
}

/**
 * The key an event is remembered by: its id, hashed when long. With `content` (a trigger
 * whose deliveries are not authenticated) the envelope's hash is part of it, so a forged
 * delivery reusing a real event's id cannot make the trigger skip the real one.
 */
export function eventKey(eventId: string, content?: string): string {
	const key = content === undefined ? eventId : `${eventId}\u0000${content}`;
	return key.length <= MAX_KEY_LENGTH ? key : createHash('sha256').update(key).digest('base64');
}

/** The claims of one trigger. Every method is synchronous: deciding and claiming cannot interleave. */
export class EventClaims {
	private readonly claims = new Map<string, Claim>();

	constructor(private readonly limits: ClaimLimits) {}

	get size(): number {
		return this.claims.size;
	}

	stateOf(key: string, nowMs = Date.now()): ClaimState | undefined {
		return this.current(key, nowMs)?.state;
	}

	/**
	 * Decides for a delivery's events and, when they are to run, claims them in flight at once.
	 * Copies of one event within a delivery run together, in the one execution.
	 */
	decide(keys: readonly string[], nowMs = Date.now()): ClaimDecision {
		const runKeys = new Set<string>();
		const waitingOn: Claim[] = [];
		for (const key of new Set(keys)) {
			const claim = this.current(key, nowMs);
			if (claim?.state === 'succeeded') continue;
			if (claim?.state !== 'inFlight') runKeys.add(key);
			else if ((claim.waiters?.length ?? 0) >= MAX_WAITERS_PER_EVENT) return { kind: 'inFlight' };
			else waitingOn.push(claim);
		}
		if (waitingOn.length > 0) {
			const settled = Promise.all(
				waitingOn.map(
					(claim) => new Promise<void>((resolve) => (claim.waiters ??= []).push(resolve)),
				),
			).then(() => undefined);
			return { kind: 'wait', settled };
		}
		for (const key of new Set(keys)) this.seen(key);
		if (runKeys.size === 0) return { kind: 'skip' };
		for (const key of runKeys) this.put(key, 'inFlight', nowMs + this.limits.leaseMs, nowMs);
		const indexes: number[] = [];
		for (const [index, key] of keys.entries()) if (runKeys.has(key)) indexes.push(index);
		return { kind: 'run', indexes };
	}

	/** The outcome of the execution that carried these events (claimed by `decide`). */
	settle(keys: readonly string[], state: 'succeeded' | 'failed', nowMs = Date.now()): void {
		for (const key of new Set(keys)) {
			const claim = this.claims.get(key);
			if (claim?.state !== 'inFlight') continue;
			const waiters = claim.waiters;
			if (state === 'failed' || !this.deliveredForTheLastTime(claim))
				this.put(key, state, nowMs + this.limits.rememberMs, nowMs);
			else this.claims.delete(key);
			for (const wake of waiters ?? []) wake();
		}
	}

	/** The claim for a key, if it has not lapsed; a lapsed lease wakes its waiters (the execution died). */
	private current(key: string, nowMs: number): Claim | undefined {
		const claim = this.claims.get(key);
		if (!claim || claim.untilMs > nowMs) return claim;
		if (claim.state === 'inFlight') {
			claim.state = 'failed';
			for (const wake of claim.waiters ?? []) wake();
			claim.waiters = undefined;
			return claim;
		}
		this.claims.delete(key);
		return undefined;
	}

	private seen(key: string): void {
		const claim = this.claims.get(key);
		if (!claim) return;
		claim.seen++;
		if (claim.state === 'succeeded' && this.deliveredForTheLastTime(claim)) this.claims.delete(key);
	}

	/** Whether the provider, by its documented count, will not send this event again. */
	private deliveredForTheLastTime(claim: Claim): boolean {
		return this.limits.maxDeliveries !== undefined && claim.seen >= this.limits.maxDeliveries;
	}

	/**
	 * (Re)inserts a claim at the end of the map, which keeps the map roughly in order of
	 * lapsing: the oldest are swept from the front, and forgotten first past the capacity.
	 */
	private put(key: string, state: ClaimState, untilMs: number, nowMs: number): void {
		const previous = this.claims.get(key);
		this.claims.delete(key);
		this.claims.set(key, { state, untilMs, seen: previous?.seen ?? 1, waiters: undefined });
		this.sweep(nowMs);
	}

	private sweep(nowMs: number): void {
		for (const [key, claim] of this.claims) {
			const over = this.claims.size > this.limits.capacity;
			if (!over && claim.untilMs > nowMs) break;
			for (const wake of claim.waiters ?? []) wake();
			this.claims.delete(key);
		}
	}
}

const claimsByTrigger = new Map<string, EventClaims>();

/**
 * Decides for a delivery, waiting at most `waitMs` for events in flight elsewhere to settle
 * (and deciding again each time one does).
 */
export async function claimWithin(
	claims: EventClaims,
	keys: readonly string[],
	waitMs: number,
): Promise<Exclude<ClaimDecision, { kind: 'wait' }>> {
	let decision = claims.decide(keys);
	if (decision.kind !== 'wait') return decision;
	// A deadline only for the deliveries that wait: most decide at once, on the hot path.
	const deadline = AbortSignal.timeout(Math.max(1, waitMs));
	const timedOut = new Promise<void>((resolve) =>
		deadline.addEventListener('abort', () => resolve(), { once: true }),
	);
	for (;;) {
		await Promise.race([decision.settled, timedOut]);
		decision = claims.decide(keys);
		if (decision.kind !== 'wait') return decision;
		if (deadline.aborted) return { kind: 'inFlight' };
	}
}

/** The claims of a trigger in this process, made on its first delivery. */
export function claimsOfTrigger(triggerKey: string, limits: () => ClaimLimits): EventClaims {
	let claims = claimsByTrigger.get(triggerKey);
	if (!claims) {
		claims = new EventClaims(limits());
		claimsByTrigger.set(triggerKey, claims);
	}
	return claims;
}
