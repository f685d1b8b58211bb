import { asList, asRecord } from '../../envelopeReading';
import { idOf, type ApiClient, type WebhookRegistrationApi } from '../../n8n/webhookRegistration';
import { partooProvider } from './index';

const WEBHOOKS_PATH = '/webhooks';

const BASE_URLS = {
	production: 'https://api.partoo.co/v2',
	sandbox: 'https://api.sandbox.partoo.co/v2',
};

/** Partoo lists webhooks in pages; this bounds how many are read when checking. */
const MAX_PAGES = 20;

/**
 * Partoo's webhook API (developers.partoo.co/api-reference/webhooks): one webhook per event
 * type and organisation, created in one `POST /webhooks` with an `items` list.
 */
export const partooRegistration: WebhookRegistrationApi = {
	provider: partooProvider,
	webhooksPath: WEBHOOKS_PATH,
	credentialType: 'partooApi',
	baseUrl: (credentials) =>
		withoutTrailingSlash(
			textOf(credentials.baseUrl) ||
				(credentials.environment === 'sandbox' ? BASE_URLS.sandbox : BASE_URLS.production),
		),
	commonQuery: (credentials) => (credentials.orgId ? { org_id: credentials.orgId } : {}),
	async stillRegistered(api, stored) {
		const registeredIds = await listWebhookIds(api);
		return stored.ids.every((id) => registeredIds.has(id));
	},
	async create(api, target) {
		const response = await api({
			method: 'POST',
			path: WEBHOOKS_PATH,
			body: {
				items: target.events.map((eventType) => ({ url: target.url, event_type: eventType })),
			},
		});
		const ids = webhookItems(response)
			.map(idOf)
			.filter((id): id is string => id !== undefined);
		return { ids, url: target.url, events: target.events };
	},
};

async function listWebhookIds(api: ApiClient): Promise<Set<string>> {
	const ids = new Set<string>();
	for (let page = 1; page <= MAX_PAGES; page++) {
		const response = await api({ method: 'GET', path: WEBHOOKS_PATH, qs: { page } });
		const items = webhookItems(response);
		for (const item of items) {
			const id = idOf(item);
			if (id) ids.add(id);
		}
		const maxPage = Number(asRecord(response)?.max_page ?? page);
		if (items.length === 0 || !(page < maxPage)) break;
	}
	return ids;
}

function webhookItems(response: unknown): unknown[] {
	return Array.isArray(response) ? response : asList(asRecord(response)?.items);
}

function textOf(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

function withoutTrailingSlash(url: string): string {
	return url.replace(/\/+$/, '');
}
