import { asRecord } from '../../envelopeReading';
import {
	baseUrlOrDefault,
	hasUnusableId,
	idOf,
	missingIdText,
	signingSecretOf,
	webhookPath,
	type WebhookRegistrationApi,
} from '../../webhookRegistrationApi';

const WEBHOOKS_PATH = '/v1/webhooks';

/**
 * Timely.ai's webhook API (docs.timelyai.com.br/en/api-reference/webhooks): `POST /v1/webhooks`
 * returns the webhook's id and its signing secret, shown only this once. Its documentation
 * offers no list of webhooks, so a webhook whose reply was lost cannot be looked up.
 */
export const timelyAiRegistration: WebhookRegistrationApi = {
	authentication: { headers: { 'x-api-key': 'apiKey' } },
	baseUrl: (credentials) => baseUrlOrDefault(credentials.baseUrl, 'https://api.timelyai.com.br'),
	createRequest: (target) => ({
		method: 'POST',
		path: WEBHOOKS_PATH,
		body: { name: target.name, url: target.url, events: target.events },
	}),
	readCreateReply(reply, target) {
		const webhook = asRecord(asRecord(reply)?.data) ?? asRecord(reply);
		const id = idOf(webhook);
		const secret = signingSecretOf(webhook?.secret);
		const missing = [
			...(id ? [] : [missingIdText(webhook)]),
			...(secret ? [] : [secretMissingText(webhook?.secret)]),
		];
		return {
			createdIds: id ? [id] : [],
			missing,
			unusableIds: hasUnusableId(webhook),
			registered:
				id && secret ? { ids: [id], url: target.url, events: target.events, secret } : undefined,
		};
	},
	removeRequest: (id) => ({ method: 'DELETE', path: webhookPath(WEBHOOKS_PATH, id) }),
	existsRequest: (id) => ({ method: 'GET', path: `${webhookPath(WEBHOOKS_PATH, id)}/deliveries` }),
};

function secretMissingText(given: unknown): string {
	return given === undefined || given === null
		? 'the signing secret'
		: 'the signing secret (the one given is not 8 to 1,024 visible characters of text)';
}
