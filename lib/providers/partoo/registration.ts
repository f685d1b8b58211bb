import { asList, asRecord, asText } from '../../envelopeReading';
import { organizationIdOf } from './organization';
import {
	baseUrlOrDefault,
	hasUnusableId,
	idOf,
	webhookPath,
	type ListedWebhook,
	type WebhookRegistrationApi,
} from '../../webhookRegistrationApi';

const WEBHOOKS_PATH = '/webhooks';

const BASE_URLS = {
	production: 'https://api.partoo.co/v2',
	sandbox: 'https://api.sandbox.partoo.co/v2',
};

/**
 * Partoo's webhook API (developers.partoo.co/api-reference/webhooks): one webhook per event
 * type and organisation, created in one `POST /webhooks` with an `items` list; `GET /webhooks`
 * lists them in pages (`page`, `max_page`).
 */
export const partooRegistration: WebhookRegistrationApi = {
	authentication: { headers: { 'x-APIKey': 'apiKey' } },
	baseUrl: (credentials) =>
		baseUrlOrDefault(
			credentials.baseUrl,
			credentials.environment === 'sandbox' ? BASE_URLS.sandbox : BASE_URLS.production,
		),
	commonQuery: (credentials): Record<string, string> =>
		typeof credentials.orgId === 'string' && credentials.orgId ? { org_id: credentials.orgId } : {},
	reusesWebhooksPerEvent: true,
	createRequest: (target) => ({
		method: 'POST',
		path: WEBHOOKS_PATH,
		body: { items: target.events.map((eventType) => ({ url: target.url, event_type: eventType })) },
	}),
	readCreateReply(reply, target) {
		const items = webhookItems(reply);
		if (!items) {
			return { createdIds: [], missing: ['the list of created webhooks'] };
		}
		// Items name their event type; one that does not is read in the order the request asked.
		const created = items.flatMap((item, index) => {
			const webhook = listedWebhook(item);
			return webhook ? [{ ...webhook, event: webhook.event ?? target.events[index] }] : [];
		});
		const idByEvent = new Map<string, string>();
		for (const webhook of created) {
			const forThisNode = webhook.url === undefined || webhook.url === target.url;
			if (forThisNode && webhook.event && !idByEvent.has(webhook.event)) {
				idByEvent.set(webhook.event, webhook.id);
			}
		}
		const unusableIds = items.some(hasUnusableId);
		const missing = target.events
			.filter((event) => !idByEvent.has(event))
			.map((event) =>
				unusableIds
					? `a usable webhook id for ${event} (an id given is not a plain id)`
					: `the webhook id for ${event}`,
			);
		return {
			createdIds: created.map((webhook) => webhook.id),
			missing,
			unusableIds,
			registered:
				missing.length === 0
					? {
							ids: target.events.map((event) => idByEvent.get(event)!),
							url: target.url,
							events: target.events,
						}
					: undefined,
		};
	},
	// `GET /user/me` answers the user an API key belongs to, with its organisation's `org_id`.
	accountOfApiKey: {
		request: { method: 'GET', path: '/user/me' },
		read: (reply) => organizationIdOf(asRecord(reply)?.org_id),
	},
	removeRequest: (id) => ({ method: 'DELETE', path: webhookPath(WEBHOOKS_PATH, id) }),
	list: {
		request: (page) => ({ method: 'GET', path: WEBHOOKS_PATH, qs: { page } }),
		read(reply) {
			const items = webhookItems(reply);
			if (!items) return undefined;
			const page = Number(asRecord(reply)?.page);
			const maxPage = Number(asRecord(reply)?.max_page);
			return {
				webhooks: items.map(listedWebhook).filter((webhook) => webhook !== undefined),
				lastPage: items.length === 0 || !(page < maxPage),
			};
		},
		maxPages: 20,
		maxWebhooks: 2000,
	},
};

function webhookItems(reply: unknown): unknown[] | undefined {
	if (Array.isArray(reply)) return reply;
	const items = asRecord(reply)?.items;
	return Array.isArray(items) ? asList(items) : undefined;
}

function listedWebhook(item: unknown): ListedWebhook | undefined {
	const id = idOf(item);
	if (!id) return undefined;
	const record = asRecord(item);
	return {
		id,
		url: asText(record?.url) ?? undefined,
		event: asText(record?.event_type) ?? undefined,
	};
}
