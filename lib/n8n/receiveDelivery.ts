import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { processDelivery } from '../deliveryPipeline';
import { asRecord } from '../envelopeReading';
import { compileEventSelection } from '../eventSelection';
import type { MessagingProvider } from '../messagingProvider';
import { deliveryAuthenticationOf, type TriggerAuthentication } from './deliveryCredentials';
import { TRIGGER_OPTIONS_PARAMETER, type TriggerOutput } from './triggerProperties';

/**
 * The body of every messaging trigger's `webhook()`: runs the engine on the raw request
 * and turns its outcome into n8n's answer. Refusals are answered here and start nothing.
 */
export async function receiveDelivery(
	this: IWebhookFunctions,
	provider: MessagingProvider,
	trigger: TriggerAuthentication,
): Promise<IWebhookResponseData> {
	const request = this.getRequestObject();
	const events = this.getNodeParameter('events', []) as string[];
	const { output = 'canonical' } = this.getNodeParameter(TRIGGER_OPTIONS_PARAMETER, {}) as {
		output?: TriggerOutput;
	};

	const outcome = processDelivery(
		provider,
		{ rawBody: await rawBodyOf(request), headers: request.headers },
		{
			authentication: await deliveryAuthenticationOf(this, provider, trigger),
			selection: compileEventSelection(events),
		},
	);

	switch (outcome.kind) {
		case 'unauthenticated':
		case 'malformed': {
			const response = this.getResponseObject();
			response.status(outcome.status).json({ status: 'rejected', reason: outcome.reason });
			return { noWebhookResponse: true };
		}
		case 'ignored':
			return {
				webhookResponse: { status: 'ignored', received: outcome.received, reason: outcome.reason },
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
