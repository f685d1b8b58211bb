import { asRecord, pickText } from '../../envelopeReading';
import { idOf, webhookPath, type WebhookRegistrationApi } from '../../n8n/webhookRegistration';
import { timelyAiProvider } from './index';

const WEBHOOKS_PATH = '/v1/webhooks';

/**
 * Timely.ai's webhook API (docs.timelyai.com.br/en/api-reference/webhooks): `POST /v1/webhooks`
 * returns the webhook's id and its signing secret, shown only this once.
 */
export const timelyAiRegistration: WebhookRegistrationApi = {
	provider: timelyAiProvider,
	webhooksPath: WEBHOOKS_PATH,
	credentialType: 'timelyAiApi',
	baseUrl: (credentials) =>
		(typeof credentials.baseUrl === 'string' && credentials.baseUrl.trim()
			? credentials.baseUrl.trim()
			: 'https://api.timelyai.com.br'
		).replace(/\/+$/, ''),
	async stillRegistered(api, stored) {
		const deliveries = await api({
			method: 'GET',
			path: `${webhookPath(WEBHOOKS_PATH, stored.ids[0])}/deliveries`,
			allowNotFound: true,
		});
		return deliveries !== null;
	},
	async create(api, target) {
		const response = await api({
			method: 'POST',
			path: WEBHOOKS_PATH,
			body: { name: target.name, url: target.url, events: target.events },
		});
		const webhook = asRecord(asRecord(response)?.data) ?? response;
		const id = idOf(webhook);
		const secret = pickText(webhook, 'secret');
		if (!id || !secret) throw new Error('Timely.ai did not return the webhook id and secret');
		return { ids: [id], url: target.url, events: target.events, secret };
	},
};
