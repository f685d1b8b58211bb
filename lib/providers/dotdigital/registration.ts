import { asList, asRecord, asText } from '../../envelopeReading';
import {
	baseUrlOrDefault,
	hasUnusableId,
	idOf,
	missingIdText,
	webhookPath,
	type WebhookRegistrationApi,
} from '../../webhookRegistrationApi';

const WEBHOOKS_PATH = '/webhooks';

/**
 * Dotdigital CPaaS webhook API (developer.dotdigital.com/reference/webhooks), HTTP Basic with
 * an API user. The node generates the signing secret and sends it with the registration;
 * `GET /webhooks` lists the account's webhooks in one reply.
 */
export const dotdigitalRegistration: WebhookRegistrationApi = {
	authentication: { basicAuth: { user: 'apiUser', password: 'apiPassword' } },
	baseUrl: (credentials) =>
		credentials.region === 'custom'
			? baseUrlOrDefault(credentials.baseUrl, '')
			: `https://${regionOf(credentials.region)}-api.dotdigital.com/cpaas`,
	nodeGeneratesSecret: true,
	createRequest: (target, secret) => ({
		method: 'POST',
		path: WEBHOOKS_PATH,
		body: {
			name: target.name,
			url: target.url,
			secret,
			subscriptions: target.events.map((type) => ({ type, filters: [] })),
			batch: false,
		},
	}),
	readCreateReply(reply, target, secret) {
		const id = idOf(reply);
		return {
			createdIds: id ? [id] : [],
			missing: id ? [] : [missingIdText(reply)],
			unusableIds: hasUnusableId(reply),
			registered: id ? { ids: [id], url: target.url, events: target.events, secret } : undefined,
		};
	},
	removeRequest: (id) => ({ method: 'DELETE', path: webhookPath(WEBHOOKS_PATH, id) }),
	existsRequest: (id) => ({ method: 'GET', path: webhookPath(WEBHOOKS_PATH, id) }),
	list: {
		request: () => ({ method: 'GET', path: WEBHOOKS_PATH }),
		read(reply) {
			const items = Array.isArray(reply) ? reply : asRecord(reply)?.items;
			if (!Array.isArray(items)) return undefined;
			return {
				webhooks: asList(items).flatMap((item) => {
					const id = idOf(item);
					return id ? [{ id, url: asText(asRecord(item)?.url) ?? undefined }] : [];
				}),
				lastPage: true,
			};
		},
		maxPages: 1,
		maxWebhooks: 2000,
	},
};

function regionOf(region: unknown): string {
	return region === 'r2' || region === 'r3' ? region : 'r1';
}
