import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import type { AccountCheck } from '../deliveryAccount';
import type { DeliveryAuthentication } from '../deliveryAuthentication';
import { eventsPerDeliveryCap } from '../deliveryLimits';
import { processDelivery } from '../deliveryPipeline';
import { asRecord } from '../envelopeReading';
import { compileEventSelection } from '../eventSelection';
import type { ProviderDefinition } from '../providerDefinition';
import { deliveryAccountCheck, deliveryAuthentication } from './deliveryCredentials';
import { TRIGGER_OPTIONS_PARAMETER, type TriggerOptions } from './triggerProperties';

/** What an unauthenticated caller is told; why it failed goes to n8n's log only. */
export const UNAUTHENTICATED_ANSWER = 'the delivery is not authenticated';

/** What the sender of an authentic delivery for another account is told. */
export const NOT_FOR_THIS_TRIGGER_ANSWER = 'the delivery is not for this trigger';

/**
 * The body of every messaging trigger's `webhook()`: runs the engine on the raw request
 * and turns its outcome into n8n's answer. Refusals are answered here, start nothing, and
 * tell the workflow's owner why in n8n's log (never body bytes, payload values or secrets).
 */
export async function receiveDelivery(
	this: IWebhookFunctions,
	provider: ProviderDefinition,
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const body = await rawBodyOf(request);
	if (!body.ok) return refuse(this, provider, body.status, body.reason, body.reason);
	const { output = 'canonical', maxEventsPerDelivery } = this.getNodeParameter(
		TRIGGER_OPTIONS_PARAMETER,
		{},
	) as TriggerOptions;

	const { authentication, account } = await checksOf(this, provider);
	const outcome = processDelivery(
		provider,
		{ rawBody: body.bytes, headers: request.headers },
		{
			authentication,
			account,
			selection: compileEventSelection(this.getNodeParameter('events', []) as unknown),
			maxEventsPerDelivery: eventsPerDeliveryCap(maxEventsPerDelivery),
		},
	);

	switch (outcome.kind) {
		case 'unauthenticated':
			return refuse(this, provider, outcome.status, outcome.reason, UNAUTHENTICATED_ANSWER);
		case 'malformed':
		case 'tooManyEvents':
			return refuse(this, provider, outcome.status, outcome.reason, outcome.reason);
		case 'notForThisAccount':
			return refuse(this, provider, outcome.status, outcome.reason, NOT_FOR_THIS_TRIGGER_ANSWER);
		case 'ignored':
			warnSkipped(this, provider, outcome.skipped);
			return {
				webhookResponse: {
					status: 'ignored',
					received: outcome.received,
					reason: outcome.reason,
				},
			};
		case 'accepted':
			warnSkipped(this, provider, outcome.skipped);
			return {
				webhookResponse: {
					status: 'accepted',
					received: outcome.received,
					emitted: outcome.events.length,
				},
				workflowData: [
					outcome.events.map((event) => ({
						json: output === 'raw' ? rawItem(event.raw) : (event as unknown as IDataObject),
					})),
				],
			};
	}
}

/** Answers a refused delivery by itself and logs the reason for the workflow's owner. */
function refuse(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
	status: number,
	reason: string,
	answer: string,
): IWebhookResponseData {
	context.logger.warn(`${provider.displayName} delivery refused with ${status}: ${reason}`, {
		workflowId: context.getWorkflow().id,
		node: context.getNode().name,
		provider: provider.id,
		status,
		reason,
	});
	context.getResponseObject().status(status).json({ status: 'rejected', reason: answer });
	return { noWebhookResponse: true };
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
 * configuration that cannot be read (a missing credential, say) or that names no account
 * refuses every delivery with 401 and tells the log why, instead of failing the request with
 * n8n's 500.
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
