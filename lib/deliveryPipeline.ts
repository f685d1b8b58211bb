import type { CanonicalEvent } from './canonicalEvent';
import {
	authenticateDelivery,
	uncheckableReason,
	type DeliveryAuthentication,
	type IncomingDelivery,
} from './deliveryAuthentication';
import type { EventSelection } from './eventSelection';
import {
	boundNesting,
	DEFAULT_MAX_EVENTS_PER_DELIVERY,
	envelopeShape,
	UNREADABLE_MARKER,
} from './deliveryLimits';
import { recogniseEnvelope, toCanonicalEvent, unnormalizedEvent } from './eventNormalization';
import type { MessagingProvider } from './messagingProvider';

export interface DeliverySettings {
	authentication: DeliveryAuthentication;
	selection: EventSelection;
	/** More envelopes than this in one delivery are refused with 413 before any is read. */
	maxEventsPerDelivery?: number;
}

/**
 * What to answer and what to emit for one HTTP delivery. A refusal's `reason` is for the
 * workflow's owner (n8n's log); what the caller is told is `answer`.
 */
export type DeliveryOutcome =
	| { kind: 'unauthenticated'; status: 401; reason: string }
	/** The trigger cannot check deliveries now (its credential, its setup): ours to fix, so retryable. */
	| { kind: 'uncheckable'; status: 503; reason: string }
	| { kind: 'malformed'; status: 400; reason: string }
	| { kind: 'tooManyEvents'; status: 413; received: number; reason: string }
	| { kind: 'ignored'; status: 200; received: number; reason: string }
	| { kind: 'accepted'; status: 200; received: number; events: CanonicalEvent[] };

export type ParsedBody = { ok: true; envelopes: unknown[] } | { ok: false; reason: string };

/**
 * Reads a delivery body as one envelope or an array of envelopes (batching). Only a body
 * that is not JSON at all is refused; the reason never quotes the body.
 */
export function parseDeliveryBody(rawBody: Buffer): ParsedBody {
	if (rawBody.length === 0)
		return { ok: false, reason: 'the request body is empty; expected JSON' };
	let parsed: unknown;
	try {
		parsed = JSON.parse(rawBody.toString('utf8').replace(/^\uFEFF/, ''));
	} catch {
		return { ok: false, reason: `the request body (${rawBody.length} bytes) is not valid JSON` };
	}
	return { ok: true, envelopes: Array.isArray(parsed) ? parsed : [parsed] };
}

/**
 * The whole engine for one delivery: authenticate (or 503 when it cannot) → parse → count → recognise → filter →
 * normalize. Never throws; every outcome carries the HTTP status to answer with, and one
 * envelope that cannot be normalized never costs the others.
 */
export function processDelivery(
	provider: MessagingProvider,
	delivery: IncomingDelivery,
	settings: DeliverySettings,
	nowMs: number = Date.now(),
): DeliveryOutcome {
	const uncheckable = uncheckableReason(settings.authentication);
	if (uncheckable !== null) return { kind: 'uncheckable', status: 503, reason: uncheckable };
	const authentication = authenticateDelivery(delivery, settings.authentication, nowMs);
	if (!authentication.ok)
		return { kind: 'unauthenticated', status: 401, reason: authentication.reason };

	const body = parseDeliveryBody(delivery.rawBody);
	if (!body.ok) return { kind: 'malformed', status: 400, reason: body.reason };

	const received = body.envelopes.length;
	if (received === 0)
		return { kind: 'ignored', status: 200, received, reason: 'the delivery holds no events' };
	const maxEvents = settings.maxEventsPerDelivery ?? DEFAULT_MAX_EVENTS_PER_DELIVERY;
	if (received > maxEvents) {
		return {
			kind: 'tooManyEvents',
			status: 413,
			received,
			reason: `the delivery holds ${received} events; this trigger takes at most ${maxEvents} per delivery`,
		};
	}

	const testDelivery =
		provider.testDeliveryHeader !== undefined &&
		delivery.headers[provider.testDeliveryHeader.toLowerCase()] !== undefined;
	const events: CanonicalEvent[] = [];
	for (const envelope of body.envelopes) {
		const event = receiveEnvelope(provider, envelope, settings.selection, testDelivery);
		if (event) events.push(event);
	}

	if (events.length === 0) {
		return {
			kind: 'ignored',
			status: 200,
			received,
			reason: 'no event in the delivery is selected in this trigger',
		};
	}
	return { kind: 'accepted', status: 200, received, events };
}

/** Normalizes envelopes that arrived by another path (no HTTP, no authentication, no filter). */
export function normalizeEnvelopes(
	provider: MessagingProvider,
	envelopes: readonly unknown[],
): CanonicalEvent[] {
	return envelopes.map((envelope) => receiveEnvelope(provider, envelope, undefined, false)!);
}

/**
 * One envelope: recognised, filtered, bounded and normalized. Never throws: whatever fails
 * is emitted with the envelope (as far as it can be carried) and a problem saying so.
 */
function receiveEnvelope(
	provider: MessagingProvider,
	envelope: unknown,
	selection: EventSelection | undefined,
	testDelivery: boolean,
): CanonicalEvent | null {
	const { recognised } = recogniseEnvelope(provider, envelope);
	if (selection && !selection.matches(recognised)) return null;
	let raw: unknown = UNREADABLE_MARKER;
	try {
		const shape = envelopeShape(envelope);
		const bounded = boundNesting(envelope, shape);
		raw = bounded.value;
		return toCanonicalEvent(
			provider,
			{ envelope: raw, recognised },
			testDelivery,
			shape,
			bounded.problems,
		);
	} catch (failure) {
		return unnormalizedEvent(provider, recognised, raw, failure, testDelivery);
	}
}
