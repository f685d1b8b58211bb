import type { CanonicalEvent } from './canonicalEvent';
import {
	authenticateDelivery,
	type DeliveryAuthentication,
	type IncomingDelivery,
} from './deliveryAuthentication';
import type { EventSelection } from './eventSelection';
import { recogniseEnvelope, toCanonicalEvent } from './eventNormalization';
import type { MessagingProvider } from './messagingProvider';

export interface DeliverySettings {
	authentication: DeliveryAuthentication;
	selection: EventSelection;
}

/** What to answer and what to emit for one HTTP delivery. */
export type DeliveryOutcome =
	| { kind: 'unauthenticated'; status: 401; reason: string }
	| { kind: 'malformed'; status: 400; reason: string }
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
 * The whole engine for one delivery: authenticate → parse → recognise → filter → normalize.
 * Never throws; every outcome carries the HTTP status to answer with.
 */
export function processDelivery(
	provider: MessagingProvider,
	delivery: IncomingDelivery,
	settings: DeliverySettings,
	nowMs: number = Date.now(),
): DeliveryOutcome {
	const authentication = authenticateDelivery(delivery, settings.authentication, nowMs);
	if (!authentication.ok)
		return { kind: 'unauthenticated', status: 401, reason: authentication.reason };

	const body = parseDeliveryBody(delivery.rawBody);
	if (!body.ok) return { kind: 'malformed', status: 400, reason: body.reason };

	const received = body.envelopes.length;
	if (received === 0)
		return { kind: 'ignored', status: 200, received, reason: 'the delivery holds no events' };

	const testDelivery =
		provider.testDeliveryHeader !== undefined &&
		delivery.headers[provider.testDeliveryHeader.toLowerCase()] !== undefined;
	const events = body.envelopes
		.map((envelope) => recogniseEnvelope(provider, envelope))
		.filter(({ recognised }) => settings.selection.matches(recognised))
		.map((recognised) => toCanonicalEvent(provider, recognised, testDelivery));

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
	envelopes: unknown[],
): CanonicalEvent[] {
	return envelopes.map((envelope) =>
		toCanonicalEvent(provider, recogniseEnvelope(provider, envelope)),
	);
}
