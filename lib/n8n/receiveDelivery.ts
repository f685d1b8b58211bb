import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { AccountCheck } from '../deliveryAccount';
import type { DeliveryAuthentication } from '../deliveryAuthentication';
import { eventsPerDeliveryCap } from '../deliveryLimits';
import { processDelivery } from '../deliveryPipeline';
import type { CanonicalEvent } from '../canonicalEvent';
import { asRecord } from '../envelopeReading';
import { contentHash } from '../eventNormalization';
import { compileEventSelection } from '../eventSelection';
import type { ProviderDefinition } from '../providerDefinition';
import { ACKNOWLEDGE_PARAMETER, acknowledgesWhenFinished } from './acknowledgement';
import { deliveryAccountCheck, deliveryAuthentication } from './deliveryCredentials';
import {
	claimLimitsFor,
	claimsOfTrigger,
	claimWithin,
	eventKey,
	inFlightWait,
} from './eventClaims';
import { TRIGGER_OPTIONS_PARAMETER, type TriggerOptions } from './triggerProperties';

/** What an unauthenticated caller is told; why it failed goes to n8n's log only. */
export const UNAUTHENTICATED_ANSWER = 'the delivery is not authenticated';

/** What a caller is told when the failure is the trigger's own (503); why goes to n8n's log only. */
export const UNAVAILABLE_ANSWER = 'the delivery could not be taken now; send it again later';

/** What the sender of an authentic delivery for another account is told. */
export const NOT_FOR_THIS_TRIGGER_ANSWER = 'the delivery is not for this trigger';

/** What a repeat is told while an execution for its events still runs (503, with Retry-After). */
export const IN_FLIGHT_ANSWER =
	'the events of this delivery are still being processed; send it again later';

/** What a caller is told when the execution for its delivery failed (n8n's status, not n8n's body). */
export const EXECUTION_FAILED_ANSWER =
	'the workflow did not finish on this delivery; send it again later';

/** Seconds a repeat of an event in flight is asked to wait before sending it again. */
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 10;

/**
 * The body of every messaging trigger's `webhook()`: runs the engine on the raw request
 * and turns its outcome into n8n's answer. Refusals are answered here, start nothing, and
 * tell the workflow's owner why in n8n's log (never body bytes, payload values or secrets).
 * Whatever fails unexpectedly is answered 503 and starts nothing: n8n's own answer would be a
 * 500 that still records a failed execution.
 */
export async function receiveDelivery(
	this: IWebhookFunctions,
	provider: ProviderDefinition,
): Promise<IWebhookResponseData> {
	try {
		return await answerDelivery(this, provider);
	} catch (error) {
		const failure = error instanceof Error ? error : new Error(String(error));
		// The error's message could quote a payload: only its kind and where it arose are logged.
		const where = failure.stack?.split('\n')[1]?.trim() ?? 'no stack';
		if (this.getResponseObject().headersSent) return { noWebhookResponse: true };
		return refuse(this, provider, 503, `unexpected ${failure.name} ${where}`, UNAVAILABLE_ANSWER);
	}
}

async function answerDelivery(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
): Promise<IWebhookResponseData> {
	const request = context.getRequestObject();
	const body = await rawBodyOf(request);
	if (!body.ok) return refuse(context, provider, body.status, body.reason, body.reason);
	const options = context.getNodeParameter(TRIGGER_OPTIONS_PARAMETER, {}) as TriggerOptions;
	const { output = 'canonical', maxEventsPerDelivery } = options;

	const { authentication, account } = await checksOf(context, provider);
	const outcome = processDelivery(
		provider,
		{ rawBody: body.bytes, headers: request.headers },
		{
			authentication,
			account,
			selection: compileEventSelection(context.getNodeParameter('events', []) as unknown),
			maxEventsPerDelivery: eventsPerDeliveryCap(maxEventsPerDelivery),
		},
	);

	switch (outcome.kind) {
		case 'unauthenticated':
			return refuse(context, provider, outcome.status, outcome.reason, UNAUTHENTICATED_ANSWER);
		case 'uncheckable':
			return refuse(context, provider, outcome.status, outcome.reason, UNAVAILABLE_ANSWER);
		case 'malformed':
		case 'tooManyEvents':
			return refuse(context, provider, outcome.status, outcome.reason, outcome.reason);
		case 'notForThisAccount':
			return refuse(context, provider, outcome.status, outcome.reason, NOT_FOR_THIS_TRIGGER_ANSWER);
		case 'ignored':
			warnSkipped(context, provider, outcome.skipped);
			return {
				webhookResponse: {
					status: 'ignored',
					received: outcome.received,
					reason: outcome.reason,
				},
			};
		case 'accepted': {
			warnSkipped(context, provider, outcome.skipped);
			const acknowledgement = {
				status: 'accepted',
				received: outcome.received,
				emitted: outcome.events.length,
			};
			const claim = await claimEvents(
				context,
				provider,
				outcome.events,
				options.skipRepeatedEvents !== false,
				authentication.kind === 'none',
			);
			if (claim.kind === 'inFlight') return answerInFlight(context, provider);
			if (claim.kind === 'skip') return { webhookResponse: acknowledgement };
			const whenFinished = acknowledgesWhenFinished(
				context.getNodeParameter(ACKNOWLEDGE_PARAMETER, 'onReceipt'),
			);
			settleWithTheAnswer(context, provider, acknowledgement, whenFinished, claim.settle);
			return {
				webhookResponse: acknowledgement,
				workflowData: [
					claim.events.map((event) => ({
						json: output === 'raw' ? rawItem(event.raw) : (event as unknown as IDataObject),
					})),
				],
			};
		}
	}
}

/** The same log line for one trigger at most this often; the deliveries between are counted. */
export const OWNER_LOG_INTERVAL_MS = 5_000;
const OWNER_LOG_KEYS = 1000;

/** When each (trigger, answer, reason) line was last written, and how many were not written since. */
const ownerLines = new Map<string, { at: number; unwritten: number }>();

/**
 * Tells the workflow's owner, in n8n's log, what a delivery was answered and why: once per
 * OWNER_LOG_INTERVAL_MS for the same trigger, answer and reason, with the count of the
 * deliveries answered so meanwhile (a burst during an outage, a flood of forgeries).
 */
function warnOwner(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
	answered: string,
	status: number,
	reason: string,
): void {
	const workflowId = context.getWorkflow().id;
	const node = context.getNode();
	const key = JSON.stringify([workflowId, node.id, status, reason]);
	const now = Date.now();
	const last = ownerLines.get(key);
	const age = last ? now - last.at : Infinity;
	if (last && age >= 0 && age < OWNER_LOG_INTERVAL_MS) {
		last.unwritten++;
		return;
	}
	const repeated = last?.unwritten ?? 0;
	ownerLines.delete(key);
	ownerLines.set(key, { at: now, unwritten: 0 });
	if (ownerLines.size > OWNER_LOG_KEYS) ownerLines.delete(ownerLines.keys().next().value!);
	const since = repeated
		? ` (and ${repeated} more ${repeated === 1 ? 'delivery' : 'deliveries'} since the last such line)`
		: '';
	context.logger.warn(`${provider.displayName} delivery ${answered}: ${reason}${since}`, {
		workflowId,
		node: node.name,
		provider: provider.id,
		status,
		reason,
		...(repeated ? { repeated } : {}),
	});
}

/** Answers a refused delivery by itself and logs the reason for the workflow's owner. */
function refuse(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
	status: number,
	reason: string,
	answer: string,
): IWebhookResponseData {
	warnOwner(context, provider, `refused with ${status}`, status, reason);
	const label = status >= 500 ? 'unavailable' : 'rejected';
	context.getResponseObject().status(status).json({ status: label, reason: answer });
	return { noWebhookResponse: true };
}

type Settle = (state: 'succeeded' | 'failed') => void;

type EventClaim =
	| { kind: 'run'; events: CanonicalEvent[]; settle: Settle }
	| { kind: 'skip' }
	| { kind: 'inFlight' };

/**
 * Which of a delivery's events start an execution (lib/n8n/eventClaims.ts): all of them when
 * the trigger is told not to skip repeats, for the editor's test events (mode `manual`) and
 * for a provider's test delivery; otherwise those not already succeeded in this trigger.
 */
async function claimEvents(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
	events: CanonicalEvent[],
	skipRepeats: boolean,
	unauthenticated: boolean,
): Promise<EventClaim> {
	const noClaims: EventClaim = { kind: 'run', events, settle: () => undefined };
	if (!skipRepeats || context.getMode?.() === 'manual') return noClaims;
	if (events.some((event) => event.testDelivery)) return noClaims;
	const trigger = `${context.getWorkflow().id ?? ''}\u0000${context.getNode().id}`;
	const claims = claimsOfTrigger(trigger, () => claimLimitsFor(provider.deliveryRetries));
	const keys = events.map((event) =>
		eventKey(event.eventId, unauthenticated ? contentHash(event.raw) : undefined),
	);
	const decision = await claimWithin(claims, keys, inFlightWait.ms);
	if (decision.kind !== 'run') {
		context.logger.debug(
			`${provider.displayName} delivery repeats events ${decision.kind === 'skip' ? 'already processed' : 'still in flight'}: no execution started`,
			{ workflowId: context.getWorkflow().id, node: context.getNode().name },
		);
		return decision;
	}
	const claimed = decision.indexes.map((index) => keys[index]);
	return {
		kind: 'run',
		events: decision.indexes.map((index) => events[index]),
		settle: (state) => claims.settle(claimed, state),
	};
}

/** A repeat of events whose execution still runs: 503 so the provider asks again later. */
function answerInFlight(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
): IWebhookResponseData {
	context.logger.info(
		`${provider.displayName} delivery answered 503: an execution for its events is still running`,
		{ workflowId: context.getWorkflow().id, node: context.getNode().name, provider: provider.id },
	);
	const response = context.getResponseObject();
	response.setHeader('Retry-After', String(IN_FLIGHT_RETRY_AFTER_SECONDS));
	response.status(503).json({ status: 'unavailable', reason: IN_FLIGHT_ANSWER });
	return { noWebhookResponse: true };
}

/**
 * Settles the claims of a delivery's events as n8n's answer tells the provider: 2xx
 * succeeded, anything else failed. On receipt n8n answers once it has started the execution
 * (an answer of n8n's own failing to start it is a failure too); when the workflow finishes,
 * once it has ended. Told `noData` (RESPONSE_DATA), n8n sends an empty 2xx through
 * `res.json()`: that answer carries the trigger's acknowledgement instead. When the workflow
 * finishes, n8n answers a 2xx with a message of
 * its own ("Workflow executed successfully but no data was returned", "…the last node did not
 * return any data") when it ends the execution without its result (webhook-helpers in n8n 1.x
 * and 2.x). That is not a success anyone saw, so it is answered 503 and the provider resends
 * the event. A failure keeps n8n's status with our own small body (n8n's carries a stack
 * trace unless NODE_ENV=production). An answer n8n ends another way settles by its status.
 */
function settleWithTheAnswer(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
	acknowledgement: IDataObject,
	whenFinished: boolean,
	settle: Settle,
): void {
	const response = context.getResponseObject();
	const json = response.json.bind(response);
	let settled = false;
	const settleOnce: Settle = (state) => {
		if (settled) return;
		settled = true;
		settle(state);
	};
	response.json = (body?: unknown) => {
		if (response.statusCode >= 300) {
			settleOnce('failed');
			return json({ status: 'failed', reason: EXECUTION_FAILED_ANSWER });
		}
		if (body === undefined || !whenFinished) {
			settleOnce('succeeded');
			return json(body === undefined ? acknowledgement : body);
		}
		settleOnce('failed');
		const said = (body as { message?: unknown } | null)?.message;
		const reason = `n8n answered ${response.statusCode} without the execution's result${typeof said === 'string' ? ` ("${said.slice(0, 100)}")` : ''}; the provider is asked to resend`;
		warnOwner(context, provider, 'answered 503', 503, reason);
		response.status(503);
		return json({ status: 'unavailable', reason: UNAVAILABLE_ANSWER });
	};
	if (typeof response.once === 'function')
		response.once('finish', () => settleOnce(response.statusCode < 300 ? 'succeeded' : 'failed'));
}

/** Tells the owner that part of a delivery was left out, and why. */
function warnSkipped(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
	reason: string | undefined,
) {
	if (!reason) return;
	context.logger.warn(`${provider.displayName} delivery: events left out: ${reason}`, {
		workflowId: context.getWorkflow().id,
		node: context.getNode().name,
		provider: provider.id,
		reason,
	});
}

/** An n8n item must be an object: a raw envelope that is not one is wrapped. */
function rawItem(raw: unknown): IDataObject {
	return asRecord(raw) ? (raw as IDataObject) : { raw: raw as IDataObject };
}

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']> & {
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
};

type RawBody = { ok: true; bytes: Buffer } | { ok: false; status: 400 | 413; reason: string };

/**
 * The exact request bytes, which signatures are computed over. n8n reads them into
 * `rawBody` on demand (`readRawBody`), decoding gzip and deflate and stopping at its
 * payload limit; failing that, re-serializing a parsed body is the best left (a signature
 * over it will not match, so such a delivery is refused, not let in).
 */
async function rawBodyOf(request: WebhookRequest): Promise<RawBody> {
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		try {
			await request.readRawBody();
		} catch (error) {
			return unreadableBody(error);
		}
	}
	const { rawBody } = request;
	if (Buffer.isBuffer(rawBody)) return { ok: true, bytes: rawBody };
	if (typeof rawBody === 'string') return { ok: true, bytes: Buffer.from(rawBody) };
	const bytes =
		request.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(request.body));
	return { ok: true, bytes };
}

/** Why n8n could not read a body: over its size limit (raw-body's 413), or not decodable. */
function unreadableBody(error: unknown): RawBody {
	const { status, statusCode, type, code } = (error ?? {}) as Record<string, unknown>;
	if (status === 413 || statusCode === 413 || type === 'entity.too.large') {
		return {
			ok: false,
			status: 413,
			reason: 'the request body is larger than this n8n accepts (N8N_PAYLOAD_SIZE_MAX)',
		};
	}
	if (typeof code === 'string' && code.startsWith('Z_')) {
		return {
			ok: false,
			status: 400,
			reason: 'the request body could not be decoded as its Content-Encoding says',
		};
	}
	return { ok: false, status: 400, reason: 'the request body could not be read' };
}

/**
 * What the engine checks for this delivery: who sent it, and for which account. A
 * credential that cannot be read in time (a deleted credential, a database that fails or
 * hangs) or that names no account makes every delivery uncheckable: the engine answers 503,
 * so a provider that retries sends it again, and the log says why.
 */
async function checksOf(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
): Promise<{ authentication: DeliveryAuthentication; account?: AccountCheck }> {
	try {
		const authentication = await deliveryAuthentication(context, provider);
		const account = await deliveryAccountCheck(context, provider);
		if (typeof account === 'string')
			return { authentication: { kind: 'misconfigured', reason: account } };
		return { authentication, account };
	} catch (error) {
		const cause = error instanceof Error ? error.message : String(error);
		return {
			authentication: {
				kind: 'misconfigured',
				reason: `the trigger's credential could not be read: ${cause}`,
			},
		};
	}
}
