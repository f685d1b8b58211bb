import { asRecord, pickText } from '../../envelopeReading';
import { idOf, type WebhookRegistrationApi } from '../../n8n/webhookRegistration';
import { timelyAiProvider } from './index';

/**
 * Timely.ai's webhook API (docs.timelyai.com.br/en/api-reference/webhooks): `POST /v1/webhooks`
 * returns the webhook's id and its signing secret, shown only this once.
 */
export const timelyAiRegistration: WebhookRegistrationApi = {
	provider: timelyAiProvider,
	credentialType: 'timelyAiApi',
	baseUrl: () => 'https://api.timelyai.com.br',
	async stillRegistered(api, stored) {
		const deliveries = await api({
			method: 'GET',
			path: `/v1/webhooks/${encodeURIComponent(stored.ids[0])}/deliveries`,
			allowNotFound: true,
		});
		return deliveries !== null;
	},
	async create(api, target) {
		const response = await api({
			method: 'POST',
			path: '/v1/webhooks',
			body: { name: target.name, url: target.url, events: target.events },
		});
		const webhook = asRecord(asRecord(response)?.data) ?? response;
		const id = idOf(webhook);
		const secret = pickText(webhook, 'secret');
		if (!id || !secret) throw new Error('Timely.ai did not return the webhook id and secret');
		return { ids: [id], url: target.url, events: target.events, secret };
	},
	async remove(api, stored) {
		for (const id of stored.ids) {
			await api({ method: 'DELETE', path: `/v1/webhooks/${encodeURIComponent(id)}`, allowNotFound: true });
		}
	},
};
