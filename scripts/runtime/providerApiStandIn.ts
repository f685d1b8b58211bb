/* eslint-disable @n8n/community-nodes/no-restricted-imports -- development script (end-to-end and queue-mode suites); not part of the published package */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * One local HTTP server on 127.0.0.1 standing in for the three webhook APIs the triggers
 * register with: Partoo (`/partoo/v2`), Timely.ai (`/timelyai`) and Dotdigital CPaaS
 * (`/dotdigital/cpaas`). Credentials point at it through their Base URL field. It checks
 * each API's credentials, holds the webhooks it was asked to create, records every call,
 * and can be told, per provider and operation, to misbehave the way real APIs do.
 */

export const STAND_IN_PROVIDERS = ['partoo', 'timelyai', 'dotdigital'] as const;
export type StandInProvider = (typeof STAND_IN_PROVIDERS)[number];

/**
 * What a call does. The credential tests' reads count as `list` (Dotdigital's
 * `GET /webhooks/availableevents`, Partoo's `GET /webhooks`) or `get` (Timely.ai's `GET /v1/me`);
 * Timely.ai's `GET /v1/webhooks/{id}/deliveries` (its existence check) counts as `get`.
 */
export type WebhookOperation = 'create' | 'list' | 'get' | 'delete';

/**
 * - `ok`: as documented.
 * - `garbage`: 200 with an HTML page (a proxy or maintenance page); nothing changes.
 * - `partial`: the change is made but the reply leaves out what proves it: create answers
 *   without the id (Dotdigital) or the secret (Timely.ai), or Partoo creates and returns only
 *   the first of the items asked for; list leaves out the last webhook; get answers `{}`.
 * - `error500`: 500 with a JSON error; nothing changes.
 * - `silence`: the change is made, the reply never comes; the socket stays open.
 *
 * Only the operation told to misbehave does: a silent create leaves list and delete answering.
 */
export type ApiBehaviour = 'ok' | 'garbage' | 'partial' | 'error500' | 'silence';

export interface HeldWebhook {
	id: string;
	url: string;
	events: string[];
	/** Timely.ai's generated secret, or the one Dotdigital was sent. */
	secret?: string;
	name?: string;
}

export interface ApiCall {
	provider: StandInProvider;
	/** Undefined for a path the stand-in does not know (answered 404). */
	operation?: WebhookOperation;
	method: string;
	path: string;
	query: Record<string, string>;
	/** The URL of the webhook the call is about: sent to create, or held by the webhook named. */
	url?: string;
	/** Whether the request carried the right API credentials. */
	authorized: boolean;
	/** The status answered; undefined while (or because) the stand-in stays silent. */
	status?: number;
}

/** The API credentials each stand-in accepts. */
export interface StandInCredentials {
	partoo: { apiKey: string };
	timelyai: { apiKey: string };
	dotdigital: { apiUser: string; apiPassword: string };
}

export interface ProviderApiStandIn {
	/** `http://127.0.0.1:<port>` */
	url: string;
	/** What a credential's Base URL field holds for each provider. */
	baseUrls: Record<StandInProvider, string>;
	credentials: StandInCredentials;
	/** Every call, in order of arrival. */
	calls: ApiCall[];
	/** The webhooks a provider holds now, in order of creation. */
	held(provider: StandInProvider): HeldWebhook[];
	/**
	 * How the next calls of one operation are answered (`ok` until changed). With `url`, only
	 * the calls about webhooks at that URL (create: the URL sent; get and delete: the URL of
	 * the webhook named), so scenarios on different workflows can run at once; list calls
	 * name no webhook and follow only the behaviour set without a URL.
	 */
	behave(
		provider: StandInProvider,
		operation: WebhookOperation,
		behaviour: ApiBehaviour,
		url?: string,
	): void;
	/** Every operation of every provider back to `ok`. */
	behaveWell(): void;
	/** Forgets every webhook and call (behaviours are kept). */
	clear(): void;
	close(): Promise<void>;
}

export interface StandInOptions {
	/** Webhooks per page of Partoo's `GET /webhooks` (small values exercise pagination). */
	partooPageSize?: number;
}

/** garbage and error500 change nothing at the provider; every other behaviour does, even silence. */
const changesState = (behaviour: ApiBehaviour) =>
	behaviour !== 'garbage' && behaviour !== 'error500';

const GARBAGE_PAGE =
	'<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head>' +
	'<body><h1>Service Temporarily Unavailable</h1><p>We will be back shortly.</p></body></html>';

/** The organisation the stand-in's Partoo API key belongs to (the documented payload's). */
export const STAND_IN_PARTOO_ORG = 123;

const PREFIXES: Record<StandInProvider, string> = {
	partoo: '/partoo/v2',
	timelyai: '/timelyai',
	dotdigital: '/dotdigital/cpaas',
};

/** Where each provider keeps its webhooks, relative to its base URL. */
const WEBHOOKS_PATHS: Record<StandInProvider, string> = {
	partoo: '/webhooks',
	timelyai: '/v1/webhooks',
	dotdigital: '/webhooks',
};

interface Reply {
	status: number;
	body?: unknown;
}

/** What a provider answers when everything goes well, and how it reads a create request. */
interface ProviderApi {
	authorized(request: IncomingMessage, credentials: StandInCredentials): boolean;
	/** The webhooks one create request makes (Partoo: one per item). */
	toCreate(body: Record<string, unknown>): Array<Omit<HeldWebhook, 'id'>>;
	/** A new webhook's id; `sequence` counts the webhooks this stand-in has made. */
	newId(sequence: number): string;
	created(made: HeldWebhook[], behaviour: ApiBehaviour): Reply;
	listed(webhooks: HeldWebhook[], query: Record<string, string>, pageSize: number): Reply;
	got(webhook: HeldWebhook): Reply;
	deleted(): Reply;
}

const partooItem = (webhook: HeldWebhook) => ({
	id: Number(webhook.id),
	url: webhook.url,
	event_type: webhook.events[0],
	custom_headers: {},
});

const timelyAiWebhook = (webhook: HeldWebhook) => ({
	id: webhook.id,
	name: webhook.name,
	url: webhook.url,
	events: webhook.events,
	is_active: true,
	created_at: '2026-01-01T00:00:00Z',
});

const dotdigitalWebhook = (webhook: HeldWebhook) => ({
	id: webhook.id,
	name: webhook.name,
	url: webhook.url,
	subscriptions: webhook.events.map((type) => ({ type, filters: [] })),
	batch: false,
});

function basicAuth(user: string, password: string): string {
	return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

const PROVIDER_APIS: Record<StandInProvider, ProviderApi> = {
	// developers.partoo.co/api-reference/webhooks: header x-APIKey; one webhook per event type.
	partoo: {
		authorized: (request, credentials) => request.headers['x-apikey'] === credentials.partoo.apiKey,
		toCreate: (body) =>
			(Array.isArray(body.items) ? (body.items as Array<Record<string, unknown>>) : []).map(
				(item) => ({ url: String(item.url), events: [String(item.event_type)] }),
			),
		newId: (sequence) => String(1000 + sequence),
		// A partial create made fewer webhooks than asked for (see the handler): all it made are listed.
		created: (made) => ({ status: 200, body: { items: made.map(partooItem) } }),
		listed: (webhooks, query, pageSize) => {
			const page = Math.max(1, Number(query.page ?? 1) || 1);
			const maxPage = Math.max(1, Math.ceil(webhooks.length / pageSize));
			return {
				status: 200,
				body: {
					page,
					max_page: maxPage,
					count: webhooks.length,
					items: webhooks.slice((page - 1) * pageSize, page * pageSize).map(partooItem),
				},
			};
		},
		got: (webhook) => ({ status: 200, body: partooItem(webhook) }),
		deleted: () => ({ status: 204 }),
	},
	// docs.timelyai.com.br/en/api-reference/webhooks: header x-api-key; the secret is returned once.
	timelyai: {
		authorized: (request, credentials) =>
			request.headers['x-api-key'] === credentials.timelyai.apiKey,
		toCreate: (body) => [
			{
				url: String(body.url),
				events: Array.isArray(body.events) ? body.events.map(String) : [],
				name: String(body.name),
				secret: `whsec_${randomBytes(24).toString('hex')}`,
			},
		],
		newId: () => randomUUID(),
		created: ([webhook], behaviour) => ({
			status: 201,
			body: {
				data:
					behaviour === 'partial'
						? timelyAiWebhook(webhook)
						: { ...timelyAiWebhook(webhook), secret: webhook.secret },
			},
		}),
		listed: (webhooks) => ({
			status: 200,
			body: {
				data: webhooks.map(timelyAiWebhook),
				pagination: { page: 1, limit: 100, total: webhooks.length, total_pages: 1 },
			},
		}),
		got: (webhook) => ({ status: 200, body: { data: timelyAiWebhook(webhook) } }),
		deleted: () => ({ status: 204 }),
	},
	// developer.dotdigital.com/reference/webhooks: HTTP Basic with an API user; the caller sends the secret.
	dotdigital: {
		authorized: (request, credentials) =>
			request.headers.authorization ===
			basicAuth(credentials.dotdigital.apiUser, credentials.dotdigital.apiPassword),
		toCreate: (body) => [
			{
				url: String(body.url),
				events: (Array.isArray(body.subscriptions)
					? (body.subscriptions as Array<{ type?: unknown }>)
					: []
				).map((subscription) => String(subscription.type)),
				name: String(body.name),
				secret: typeof body.secret === 'string' ? body.secret : undefined,
			},
		],
		newId: () => randomUUID(),
		created: ([webhook], behaviour) => ({
			status: 201,
			body:
				behaviour === 'partial'
					? { ...dotdigitalWebhook(webhook), id: undefined }
					: dotdigitalWebhook(webhook),
		}),
		listed: (webhooks) => ({ status: 200, body: webhooks.map(dotdigitalWebhook) }),
		got: (webhook) => ({ status: 200, body: dotdigitalWebhook(webhook) }),
		deleted: () => ({ status: 204 }),
	},
};

/** Dotdigital's `GET /webhooks/availableevents` (its credential test), as documented. */
const DOTDIGITAL_AVAILABLE_EVENTS = [
	'message.sent',
	'message.delivered',
	'message.read',
	'message.expired',
	'message.failed',
	'message.inbound',
	'interaction.click',
	'profile.create',
	'profile.update',
	'profile.delete',
];

export async function startProviderApiStandIn(
	options: StandInOptions = {},
): Promise<ProviderApiStandIn> {
	const pageSize = options.partooPageSize ?? 30;
	const credentials: StandInCredentials = {
		partoo: { apiKey: `partoo-${randomBytes(12).toString('hex')}` },
		timelyai: { apiKey: `tk-${randomBytes(12).toString('hex')}` },
		dotdigital: {
			apiUser: 'apiuser-stand-in@apiconnector.com',
			apiPassword: randomBytes(12).toString('hex'),
		},
	};
	const webhooks: Record<StandInProvider, HeldWebhook[]> = {
		partoo: [],
		timelyai: [],
		dotdigital: [],
	};
	const behaviours = new Map<string, ApiBehaviour>();
	const behaviourKey = (provider: StandInProvider, operation: WebhookOperation, url = '') =>
		`${provider}:${operation}:${url}`;
	const behaviourOf = (provider: StandInProvider, operation: WebhookOperation, url?: string) =>
		(url === undefined ? undefined : behaviours.get(behaviourKey(provider, operation, url))) ??
		behaviours.get(behaviourKey(provider, operation)) ??
		'ok';
	const calls: ApiCall[] = [];
	const silenced = new Set<ServerResponse>();
	let madeCount = 0;

	const server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const url = new URL(request.url ?? '/', 'http://stand-in');
			const path = url.pathname.replace(/\/{2,}/g, '/').replace(/(.)\/$/, '$1');
			const query = Object.fromEntries(url.searchParams);
			const provider = STAND_IN_PROVIDERS.find(
				(candidate) => path === PREFIXES[candidate] || path.startsWith(`${PREFIXES[candidate]}/`),
			);
			const send = (call: ApiCall | undefined, reply: Reply, html = false): void => {
				if (call) call.status = reply.status;
				if (reply.body === undefined) {
					response.writeHead(reply.status).end();
					return;
				}
				response
					.writeHead(reply.status, {
						'content-type': html ? 'text/html; charset=utf-8' : 'application/json',
					})
					.end(html ? String(reply.body) : JSON.stringify(reply.body));
			};
			if (!provider) return send(undefined, { status: 404, body: { error: 'no such API' } });

			const api = PROVIDER_APIS[provider];
			const route = path.slice(PREFIXES[provider].length);
			const call: ApiCall = {
				provider,
				method: request.method ?? 'GET',
				path: route,
				query,
				authorized: api.authorized(request, credentials),
			};
			calls.push(call);
			if (!call.authorized) return send(call, { status: 401, body: { error: 'Unauthorized' } });

			let body: Record<string, unknown> = {};
			try {
				const text = Buffer.concat(chunks).toString('utf8');
				body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
			} catch {
				return send(call, { status: 400, body: { error: 'invalid JSON' } });
			}

			const held = webhooks[provider];
			const base = WEBHOOKS_PATHS[provider];
			const [id, sub] = route.startsWith(`${base}/`) ? route.slice(base.length + 1).split('/') : [];
			const find = (candidate: string) =>
				held.find((webhook) => webhook.id === decodeURIComponent(candidate));
			const method = call.method;

			// Timely.ai's credential test: who the API key belongs to.
			if (provider === 'timelyai' && method === 'GET' && route === '/v1/me') {
				call.operation = 'get';
				return answer(behaviourOf(provider, 'get'), () => ({
					status: 200,
					body: { data: { workspace_id: 'ws_stand_in', name: 'Stand-in workspace' } },
				}));
			}
			// Partoo's GET /user/me: whose API key this is, asked at activation for signed deliveries.
			if (provider === 'partoo' && method === 'GET' && route === '/user/me') {
				call.operation = 'get';
				return answer(behaviourOf(provider, 'get'), () => ({
					status: 200,
					body: { id: 'user_stand_in', org_id: STAND_IN_PARTOO_ORG },
				}));
			}
			if (provider === 'dotdigital' && method === 'GET' && id === 'availableevents' && !sub) {
				call.operation = 'list';
				return answer(behaviourOf(provider, 'list'), () => ({
					status: 200,
					body: DOTDIGITAL_AVAILABLE_EVENTS,
				}));
			}
			if (method === 'POST' && route === base) {
				call.operation = 'create';
				const asked = api.toCreate(body);
				call.url = asked[0]?.url;
				const behaviour = behaviourOf(provider, 'create', call.url);
				const requested = changesState(behaviour) ? asked : [];
				const toMake =
					behaviour === 'partial' && provider === 'partoo' ? requested.slice(0, 1) : requested;
				const made = toMake.map((webhook) => ({ id: api.newId(++madeCount), ...webhook }));
				held.push(...made);
				return answer(behaviour, () => api.created(made, behaviour));
			}
			if (method === 'GET' && route === base) {
				call.operation = 'list';
				const behaviour = behaviourOf(provider, 'list');
				return answer(behaviour, () =>
					api.listed(behaviour === 'partial' ? held.slice(0, -1) : held, query, pageSize),
				);
			}
			if (id && method === 'GET' && (sub === undefined || sub === 'deliveries')) {
				call.operation = 'get';
				const webhook = find(id);
				call.url = webhook?.url;
				const behaviour = behaviourOf(provider, 'get', call.url);
				return answer(behaviour, () => {
					if (!webhook) return { status: 404, body: { error: 'Webhook not found' } };
					if (behaviour === 'partial') return { status: 200, body: {} };
					if (sub === 'deliveries')
						return {
							status: 200,
							body: { data: [], pagination: { page: 1, limit: 20, total: 0, total_pages: 0 } },
						};
					return api.got(webhook);
				});
			}
			if (id && !sub && method === 'DELETE') {
				call.operation = 'delete';
				const webhook = find(id);
				call.url = webhook?.url;
				const behaviour = behaviourOf(provider, 'delete', call.url);
				if (!webhook)
					return answer(behaviour, () => ({ status: 404, body: { error: 'Webhook not found' } }));
				if (changesState(behaviour)) held.splice(held.indexOf(webhook), 1);
				return answer(behaviour, () =>
					behaviour === 'partial' ? { status: 200, body: {} } : api.deleted(),
				);
			}
			return send(call, { status: 404, body: { error: 'no such route' } });

			/** Answers as the behaviour says; `make` gives the well-behaved reply. */
			function answer(behaviour: ApiBehaviour, make: () => Reply): void {
				if (behaviour === 'silence') {
					silenced.add(response);
					response.on('close', () => silenced.delete(response));
					return;
				}
				if (behaviour === 'garbage') return send(call, { status: 200, body: GARBAGE_PAGE }, true);
				if (behaviour === 'error500')
					return send(call, { status: 500, body: { error: 'Internal Server Error' } });
				send(call, make());
			}
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

	return {
		url,
		baseUrls: {
			partoo: `${url}${PREFIXES.partoo}`,
			timelyai: `${url}${PREFIXES.timelyai}`,
			dotdigital: `${url}${PREFIXES.dotdigital}`,
		},
		credentials,
		calls,
		held: (provider) => webhooks[provider].map((webhook) => ({ ...webhook })),
		behave(provider, operation, behaviour, url) {
			behaviours.set(behaviourKey(provider, operation, url), behaviour);
		},
		behaveWell() {
			behaviours.clear();
		},
		clear() {
			for (const provider of STAND_IN_PROVIDERS) webhooks[provider].length = 0;
			calls.length = 0;
		},
		close: async () =>
			await new Promise<void>((resolve) => {
				for (const response of silenced) response.destroy();
				server.close(() => resolve());
				server.closeAllConnections();
			}),
	};
}

/**
 * The data of a provider's API credential pointing at the stand-in, with the stand-in's API
 * credentials; `webhookSecret` is what a webhook registered by hand is signed with.
 */
export function standInCredentialData(
	standIn: ProviderApiStandIn,
	provider: StandInProvider,
	webhookSecret?: string,
): Record<string, unknown> {
	switch (provider) {
		case 'partoo':
			return {
				apiKey: standIn.credentials.partoo.apiKey,
				environment: 'production',
				orgId: '',
				baseUrl: standIn.baseUrls.partoo,
			};
		case 'timelyai':
			return {
				apiKey: standIn.credentials.timelyai.apiKey,
				webhookSecret,
				baseUrl: standIn.baseUrls.timelyai,
			};
		case 'dotdigital':
			return {
				webhookSecret,
				region: 'custom',
				baseUrl: standIn.baseUrls.dotdigital,
				apiUser: standIn.credentials.dotdigital.apiUser,
				apiPassword: standIn.credentials.dotdigital.apiPassword,
			};
	}
}
