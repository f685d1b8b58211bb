import { randomBytes } from 'node:crypto';

import { idOf, webhookPath, type WebhookRegistrationApi } from '../../n8n/webhookRegistration';
import { dotdigitalProvider } from './index';

const WEBHOOKS_PATH = '/webhooks';

/**
 * Dotdigital CPaaS webhook API (developer.dotdigital.com/reference/webhooks), HTTP Basic with
 * an API user. The node generates the signing secret and sends it with the registration.
 */
export const dotdigitalRegistration: WebhookRegistrationApi = {
	provider: dotdigitalProvider,
	webhooksPath: WEBHOOKS_PATH,
	credentialType: 'dotdigitalCpaasApi',
	baseUrl: (credentials) =>
		credentials.region === 'custom' && typeof credentials.baseUrl === 'string'
			? credentials.baseUrl.trim().replace(/\/+$/, '')
			: `https://${regionOf(credentials.region)}-api.dotdigital.com/cpaas`,
	async stillRegistered(api, stored) {
		const webhook = await api({
			method: 'GET',
			path: webhookPath(WEBHOOKS_PATH, stored.ids[0]),
			allowNotFound: true,
		});
		return webhook !== null;
	},
	async create(api, target) {
		const secret = randomBytes(32).toString('hex');
		const response = await api({
			method: 'POST',
			path: WEBHOOKS_PATH,
			body: {
				name: target.name,
				url: target.url,
				secret,
				subscriptions: target.events.map((type) => ({ type, filters: [] })),
				batch: false,
			},
		});
		const id = idOf(response);
		if (!id) throw new Error('Dotdigital did not return the webhook id');
		return { ids: [id], url: target.url, events: target.events, secret };
	},
};

function regionOf(region: unknown): string {
	return region === 'r2' || region === 'r3' ? region : 'r1';
}
