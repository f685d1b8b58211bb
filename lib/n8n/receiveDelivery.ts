import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { processDelivery } from '../deliveryPipeline';
import { asRecord } from '../envelopeReading';
import { compileEventSelection } from '../eventSelection';
import type { MessagingProvider } from '../messagingProvider';
import { deliveryAuthenticationOf, type TriggerAuthentication } from './deliveryCredentials';
import { TRIGGER_OPTIONS_PARAMETER, type TriggerOptions } from './triggerProperties';

/** What an unauthenticated caller is told; why it failed goes to n8n's log only. */
export const UNAUTHENTICATED_ANSWER = 'the delivery is not authenticated';

/**
 * The body of every messaging trigger's `webhook()`: runs the engine on the raw request
 * and turns its outcome into n8n's answer. Refusals are answered here, start nothing, and
 * tell the workflow's owner why in n8n's log (never body bytes, payload values or secrets).
 */
export async function receiveDelivery(
	this: IWebhookFunctions,
	provider: MessagingProvider,
	trigger: TriggerAuthentication,
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const events = this.getNodeParameter('events', []) as string[];
	const { output = 'canonical', maxEventsPerDelivery } = this.getNodeParameter(
		TRIGGER_OPTIONS_PARAMETER,
		{},
	) as TriggerOptions;

	const outcome = processDelivery(
		provider,
		{ rawBody: await rawBodyOf(request), headers: request.headers },
		{
			authentication: await deliveryAuthenticationOf(this, provider, trigger),
			selection: compileEventSelection(events),
			maxEventsPerDelivery,
		},
	);

	switch (outcome.kind) {
		case 'unauthenticated':
			return refuse(this, provider, outcome.status, outcome.reason, UNAUTHENTICATED_ANSWER);
		case 'malformed':
		case 'tooManyEvents':
			return refuse(this, provider, outcome.status, outcome.reason, outcome.reason);
		case 'ignored':
			return {
				webhookResponse: {
					status: 'ignored',
					received: outcome.received,
					reason: outcome.reason,
				},
			};
		case 'accepted':
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
	provider: MessagingProvider,
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

/** An n8n item must be an object: a raw envelope that is not one is wrapped. */
function rawItem(raw: unknown): IDataObject {
	return asRecord(raw) ? (raw as IDataObject) : { raw: raw as IDataObject };
}

type WebhookRequest = ReturnType<IWebhookFunctions['getRequestObject']> & {
	rawBody?: unknown;
	readRawBody?: () => Promise<void>;
};

/**
 * The exact request bytes, which signatures are computed over. n8n reads them into
 * `rawBody` on demand (`readRawBody`); failing that, re-serializing a parsed body is the
 * best left (a signature over it will not match, so such a delivery is refused, not let in).
 */
async function rawBodyOf(request: WebhookRequest): Promise<Buffer> {
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		try {
			await request.readRawBody();
		} catch {
			return Buffer.alloc(0);
		}
	}
	const { rawBody } = request;
	if (Buffer.isBuffer(rawBody)) return rawBody;
	if (typeof rawBody === 'string') return Buffer.from(rawBody);
	return request.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(request.body));
}
