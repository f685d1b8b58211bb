/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only: a real HTTP stand-in of the providers' APIs on 127.0.0.1; not part of the published package */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { DotdigitalCpaasApi } from '../credentials/DotdigitalCpaasApi.credentials';
import { PartooApi } from '../credentials/PartooApi.credentials';
import { TimelyAiApi } from '../credentials/TimelyAiApi.credentials';
import { registrationTimeouts } from '../lib/n8n/providerApiSession';
import { DotdigitalTrigger } from '../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { PartooTrigger } from '../nodes/PartooTrigger/PartooTrigger.node';
import { TimelyAiTrigger } from '../nodes/TimelyAiTrigger/TimelyAiTrigger.node';
import { hookHarness, WEBHOOK_BASE } from './support/runHooks';

/**
 * A real HTTP stand-in of the three providers' webhook APIs on 127.0.0.1, misbehaving on
 * request: each scenario asserts what the stand-in holds afterwards (no orphan, or the
 * leftover named in the error the user sees).
 */

type Provider = 'partoo' | 'timelyai' | 'dotdigital';
type Operation = 'create' | 'list' | 'get' | 'delete';
type Behaviour =
	/** Answers as documented. */
	| 'ok'
	/** Does the work, then answers 200 with an HTML page. */
	| 'html'
	/** Does the work, then answers without part of it (Partoo: only the first item). */
	| 'partial'
	/** Does the work, then answers 500. */
	| 'error500'
	/** Does the work and never answers. */
	| 'silence'
	/** Partoo's list: the same page whatever page is asked, claiming 99 pages. */
	| 'repeatingPage'
	/** Partoo's list: a new page of other webhooks every time, claiming 1000 pages. */
	| 'endlessPages';

interface HeldWebhook {
	id: string;
	url: string;
	events: string[];
	secret?: string;
}

interface StandIn {
	baseUrl: string;
	held: Record<Provider, HeldWebhook[]>;
	behaviour: Partial<Record<`${Provider} ${Operation}`, Behaviour>>;
	calls: string[];
	close(): Promise<void>;
}

const PARTOO_KEY = 'partoo-key';
const TIMELY_KEY = 'timely-key';
const DOTDIGITAL_AUTH = `Basic ${Buffer.from('apiuser-1@apiconnector.com:pw').toString('base64')}`;
const HTML_PAGE = '<html><body><h1>Service temporarily unavailable</h1></body></html>';
const PARTOO_PAGE_SIZE = 2;

async function startStandIn(): Promise<StandIn> {
	const held: StandIn['held'] = { partoo: [], timelyai: [], dotdigital: [] };
	const behaviour: StandIn['behaviour'] = {};
	const calls: string[] = [];
	const silenced = new Set<ServerResponse>();
	let sequence = 1000;

	const json = (response: ServerResponse, status: number, body?: unknown) => {
		response.writeHead(status, { 'content-type': 'application/json' });
		response.end(body === undefined ? undefined : JSON.stringify(body));
	};
	/** Answers after the work is done, as the scenario's behaviour says. */
	const answer = (
		response: ServerResponse,
		how: Behaviour,
		status: number,
		body: unknown,
		partialBody?: unknown,
	) => {
		if (how === 'html') {
			response.writeHead(200, { 'content-type': 'text/html' });
			response.end(HTML_PAGE);
		} else if (how === 'error500') json(response, 500, { message: 'internal error' });
		else if (how === 'silence') silenced.add(response);
		else if (how === 'partial') json(response, status, partialBody);
		else json(response, status, body);
	};

	const handle = (request: IncomingMessage, response: ServerResponse, rawBody: string) => {
		const url = new URL(request.url ?? '/', 'http://127.0.0.1');
		const body = rawBody ? (JSON.parse(rawBody) as Record<string, unknown>) : {};
		// Partoo's GET /user/me: whose API key this is (asked at activation for signed deliveries).
		if (url.pathname === '/partoo/v2/user/me' && request.headers['x-apikey'] === PARTOO_KEY) {
			return json(response, 200, { id: 'u1', org_id: 123 });
		}
		const route =
			/^\/(partoo\/v2|timely|dotdigital\/cpaas)(\/v1)?\/webhooks(?:\/([^/]+))?(\/deliveries)?$/.exec(
				url.pathname,
			);
		const provider = (
			{ 'partoo/v2': 'partoo', timely: 'timelyai', 'dotdigital/cpaas': 'dotdigital' } as const
		)[route?.[1] as 'partoo/v2'];
		if (!route || !provider) return json(response, 404, { error: 'no such route' });
		const authorized =
			provider === 'partoo'
				? request.headers['x-apikey'] === PARTOO_KEY
				: provider === 'timelyai'
					? request.headers['x-api-key'] === TIMELY_KEY
					: request.headers.authorization === DOTDIGITAL_AUTH;
		if (!authorized) return json(response, 401, { error: 'unauthorized' });
		const id = route[3] ? decodeURIComponent(route[3]) : undefined;
		const operation: Operation =
			request.method === 'POST'
				? 'create'
				: request.method === 'DELETE'
					? 'delete'
					: id
						? 'get'
						: 'list';
		calls.push(`${provider} ${request.method} ${url.pathname}${url.search}`);
		const how = behaviour[`${provider} ${operation}`] ?? 'ok';
		const webhooks = held[provider];
		const found = webhooks.find((webhook) => webhook.id === id);

		if (operation === 'create') {
			const made: HeldWebhook[] =
				provider === 'partoo'
					? (body.items as Array<{ url: string; event_type: string }>).map((item) => ({
							id: String(++sequence),
							url: item.url,
							events: [item.event_type],
						}))
					: provider === 'timelyai'
						? [
								{
									id: `wh_${++sequence}`,
									url: String(body.url),
									events: body.events as string[],
									secret: `whsec_${sequence}`,
								},
							]
						: [
								{
									id: `dd-${++sequence}`,
									url: String(body.url),
									events: (body.subscriptions as Array<{ type: string }>).map((s) => s.type),
									secret: String(body.secret),
								},
							];
			webhooks.push(...made);
			const partooItem = (webhook: HeldWebhook) => ({
				id: Number(webhook.id),
				url: webhook.url,
				event_type: webhook.events[0],
			});
			if (provider === 'partoo') {
				return answer(
					response,
					how,
					200,
					{ items: made.map(partooItem) },
					{
						items: made.slice(0, 1).map(partooItem),
					},
				);
			}
			const [webhook] = made;
			if (provider === 'timelyai') {
				const data = { id: webhook.id, url: webhook.url, events: webhook.events };
				return answer(response, how, 201, { data: { ...data, secret: webhook.secret } }, { data });
			}
			const reply = { name: body.name, url: webhook.url, batch: false };
			return answer(response, how, 201, { id: webhook.id, ...reply }, reply);
		}
		if (operation === 'delete') {
			if (how === 'error500') return json(response, 500, { message: 'internal error' });
			if (!found) return json(response, 404, { error: 'not found' });
			webhooks.splice(webhooks.indexOf(found), 1);
			if (how === 'silence') return void silenced.add(response);
			return json(response, 204);
		}
		if (operation === 'get') {
			if (!found) return json(response, 404, { error: 'not found' });
			const reply = route[4] ? { data: [], pagination: { page: 1, total_pages: 1 } } : found;
			return answer(response, how, 200, reply);
		}
		// The list: Partoo in pages, Dotdigital at once.
		if (provider === 'partoo') {
			const page = Number(url.searchParams.get('page') ?? 1);
			const item = (webhook: HeldWebhook) => ({
				id: Number(webhook.id),
				url: webhook.url,
				event_type: webhook.events[0],
			});
			if (how === 'repeatingPage') {
				return json(response, 200, {
					items: webhooks.slice(0, PARTOO_PAGE_SIZE).map(item),
					page: 1,
					max_page: 99,
				});
			}
			if (how === 'endlessPages') {
				const strangers = [1, 2].map((n) => ({
					id: page * 10 + n,
					url: 'https://elsewhere.example/hook',
					event_type: 'lead_received',
				}));
				return json(response, 200, { items: strangers, page, max_page: 1000 });
			}
			const maxPage = Math.max(1, Math.ceil(webhooks.length / PARTOO_PAGE_SIZE));
			const items = webhooks
				.slice((page - 1) * PARTOO_PAGE_SIZE, page * PARTOO_PAGE_SIZE)
				.map(item);
			return answer(response, how, 200, { items, page, max_page: maxPage });
		}
		return answer(
			response,
			how,
			200,
			webhooks.map((webhook) => ({ id: webhook.id, url: webhook.url })),
		);
	};

	const server: Server = createServer((request, response) => {
		let rawBody = '';
		request.on('data', (chunk: Buffer) => (rawBody += chunk.toString()));
		request.on('end', () => handle(request, response, rawBody));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}`,
		held,
		behaviour,
		calls,
		async close() {
			for (const response of silenced) response.destroy();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

const NODE_URL = `${WEBHOOK_BASE}/hook-id/webhook`;
const defaultTimeouts = { ...registrationTimeouts };
let standIn: StandIn;

beforeEach(async () => {
	standIn = await startStandIn();
	// Test seam: a silent stand-in would otherwise hold each scenario for 15 s.
	registrationTimeouts.answerMs = 1_000;
	registrationTimeouts.stepMs = 10_000;
});
afterEach(async () => {
	Object.assign(registrationTimeouts, defaultTimeouts);
	await standIn.close();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(Error);
	return error as Error;
}

describe('Partoo registration against a misbehaving API', () => {
	const partoo = (parameters = {}) =>
		hookHarness(
			new PartooTrigger(),
			new PartooApi(),
			{
				apiKey: PARTOO_KEY,
				environment: 'production',
				orgId: '',
				baseUrl: `${standIn.baseUrl}/partoo/v2/`,
			},
			{ events: ['message_created', 'lead_received'], ...parameters },
		);

	it('registers through the base URL of the credential, trailing slash and all', async () => {
		const hooks = partoo();
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toEqual({
			ids: ['1001', '1002'],
			url: NODE_URL,
			events: ['message_created', 'lead_received'],
		});
		expect(standIn.held.partoo.map((webhook) => webhook.id)).toEqual(['1001', '1002']);
		expect(await hooks.run('checkExists')).toBe(true);
		expect(await hooks.run('delete')).toBe(true);
		expect(standIn.held.partoo).toEqual([]);
	});

	it('does not count a 200 with an HTML page as a registration, and removes what it made', async () => {
		standIn.behaviour['partoo create'] = 'html';
		const hooks = partoo();
		const error = await failure(hooks.run('create'));
		expect(error.message).toBe(
			'Partoo did not confirm the webhook registration: its reply lacks the list of created webhooks.',
		);
		expect(hooks.staticData.registration).toBeUndefined();
		expect(standIn.held.partoo).toEqual([]);
	});

	it('does not count a reply with fewer items than event types, and removes all it made', async () => {
		standIn.behaviour['partoo create'] = 'partial';
		const hooks = partoo();
		const error = await failure(hooks.run('create'));
		expect(error.message).toBe(
			'Partoo did not confirm the webhook registration: its reply lacks the webhook id for lead_received.',
		);
		expect(hooks.staticData.registration).toBeUndefined();
		expect(standIn.held.partoo).toEqual([]);
	});

	it('names the webhooks it could not remove when removal fails too', async () => {
		standIn.behaviour['partoo create'] = 'partial';
		standIn.behaviour['partoo delete'] = 'error500';
		const error = await failure(partoo().run('create'));
		expect(error.message).toBe(
			'Partoo did not confirm the webhook registration: its reply lacks the webhook id for lead_received. Webhooks 1001, 1002 are still registered at Partoo and could not be removed: delete them there by hand.',
		);
		expect(standIn.held.partoo.map((webhook) => webhook.id)).toEqual(['1001', '1002']);
	});

	it('finds and removes what a create answered with 500 made anyway', async () => {
		standIn.behaviour['partoo create'] = 'error500';
		const error = await failure(partoo().run('create'));
		expect(error.message).toBe('Partoo answered HTTP 500 while registering the webhook');
		expect(standIn.held.partoo).toEqual([]);
	});

	it('gives up after the timeout, naming Partoo, and removes what the silent create made', async () => {
		standIn.behaviour['partoo create'] = 'silence';
		const error = await failure(partoo().run('create'));
		expect(error.message).toBe('Partoo did not answer within 1 s while registering the webhook');
		expect(standIn.held.partoo).toEqual([]);
	});

	it('keeps a webhook already at its own URL for a selected event (a reply lost earlier) and creates only the others', async () => {
		standIn.held.partoo.push({ id: '77', url: NODE_URL, events: ['message_created'] });
		standIn.held.partoo.push({ id: '79', url: NODE_URL, events: ['message_created'] });
		standIn.held.partoo.push({ id: '80', url: NODE_URL, events: ['review_created'] });
		standIn.held.partoo.push({
			id: '78',
			url: 'https://other.example/hook',
			events: ['lead_received'],
		});
		const hooks = partoo();
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toEqual({
			ids: ['77', '1001'],
			url: NODE_URL,
			events: ['message_created', 'lead_received'],
		});
		expect(standIn.held.partoo.map((webhook) => webhook.id)).toEqual(['77', '78', '1001']);
		expect(standIn.calls.filter((call) => call.includes('POST'))).toHaveLength(1);
	});

	it('never answers that an empty registration exists', async () => {
		const hooks = partoo();
		hooks.staticData.registration = {
			ids: [],
			url: NODE_URL,
			events: ['message_created', 'lead_received'],
		};
		expect(await hooks.run('checkExists')).toBe(false);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('removes the part still there of a registration partly deleted at Partoo', async () => {
		standIn.held.partoo.push({ id: '12', url: NODE_URL, events: ['lead_received'] });
		const hooks = partoo();
		hooks.staticData.registration = {
			ids: ['11', '12'],
			url: NODE_URL,
			events: ['message_created', 'lead_received'],
		};
		expect(await hooks.run('checkExists')).toBe(false);
		expect(standIn.held.partoo).toEqual([]);
	});

	it('stops reading a list whose page repeats itself', async () => {
		standIn.held.partoo.push({ id: '12', url: NODE_URL, events: ['lead_received'] });
		standIn.behaviour['partoo list'] = 'repeatingPage';
		const hooks = partoo({ events: ['lead_received'] });
		hooks.staticData.registration = { ids: ['12'], url: NODE_URL, events: ['lead_received'] };
		expect(await hooks.run('checkExists')).toBe(true);
		expect(standIn.calls.filter((call) => call.startsWith('partoo GET'))).toEqual([
			'partoo GET /partoo/v2/webhooks?page=1',
			'partoo GET /partoo/v2/webhooks?page=2',
		]);
	});

	it('stops reading a list that never ends after 20 pages', async () => {
		standIn.behaviour['partoo list'] = 'endlessPages';
		const hooks = partoo({ events: ['lead_received'] });
		hooks.staticData.registration = { ids: ['99999'], url: NODE_URL, events: ['lead_received'] };
		standIn.held.partoo.push({ id: '99999', url: NODE_URL, events: ['lead_received'] });
		expect(await hooks.run('checkExists')).toBe(false);
		expect(standIn.calls.filter((call) => call.startsWith('partoo GET'))).toHaveLength(20);
		expect(standIn.held.partoo).toEqual([]);
	});

	it('leaves one webhook per event type when two activations register at once, both recording it', async () => {
		const first = partoo();
		const second = partoo();
		const results = await Promise.all([first.run('create'), second.run('create')]);
		expect(results).toEqual([true, true]);
		expect(standIn.held.partoo).toHaveLength(2);
		const kept = standIn.held.partoo.map((webhook) => webhook.id).sort();
		expect([...(first.staticData.registration as { ids: string[] }).ids].sort()).toEqual(kept);
		expect([...(second.staticData.registration as { ids: string[] }).ids].sort()).toEqual(kept);
	});
});

describe('Timely.ai registration against a misbehaving API', () => {
	const timely = () =>
		hookHarness(
			new TimelyAiTrigger(),
			new TimelyAiApi(),
			{ apiKey: TIMELY_KEY, webhookSecret: '', baseUrl: `${standIn.baseUrl}/timely` },
			{ events: ['contact.created'] },
		);

	it('registers through the base URL of the credential and keeps the returned secret', async () => {
		const hooks = timely();
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toEqual({
			ids: ['wh_1001'],
			url: NODE_URL,
			events: ['contact.created'],
			secret: 'whsec_1001',
		});
		expect(await hooks.run('checkExists')).toBe(true);
		expect(await hooks.run('delete')).toBe(true);
		expect(standIn.held.timelyai).toEqual([]);
	});

	it('removes a webhook whose secret the reply left out', async () => {
		standIn.behaviour['timelyai create'] = 'partial';
		const hooks = timely();
		const error = await failure(hooks.run('create'));
		expect(error.message).toBe(
			'Timely.ai did not confirm the webhook registration: its reply lacks the signing secret.',
		);
		expect(hooks.staticData.registration).toBeUndefined();
		expect(standIn.held.timelyai).toEqual([]);
	});

	it('names the webhook it could not remove', async () => {
		standIn.behaviour['timelyai create'] = 'partial';
		standIn.behaviour['timelyai delete'] = 'error500';
		const error = await failure(timely().run('create'));
		expect(error.message).toBe(
			'Timely.ai did not confirm the webhook registration: its reply lacks the signing secret. Webhook wh_1001 is still registered at Timely.ai and could not be removed: delete it there by hand.',
		);
		expect(standIn.held.timelyai.map((webhook) => webhook.id)).toEqual(['wh_1001']);
	});

	// Timely.ai documents no list of webhooks: what an unreadable reply made cannot be found.
	it('says which URL to look for when an HTML reply hides what was made', async () => {
		standIn.behaviour['timelyai create'] = 'html';
		const error = await failure(timely().run('create'));
		expect(error.message).toBe(
			`Timely.ai did not confirm the webhook registration: its reply lacks the webhook id and the signing secret. Timely.ai may have created a webhook for ${NODE_URL} that n8n cannot look up: if Timely.ai lists one, delete it.`,
		);
		expect(standIn.held.timelyai.map((webhook) => webhook.url)).toEqual([NODE_URL]);
	});

	it('gives up after the timeout and says which URL to look for', async () => {
		standIn.behaviour['timelyai create'] = 'silence';
		const error = await failure(timely().run('create'));
		expect(error.message).toBe(
			`Timely.ai did not answer within 1 s while registering the webhook. Timely.ai may have created a webhook for ${NODE_URL} that n8n cannot look up: if Timely.ai lists one, delete it.`,
		);
		expect(standIn.held.timelyai.map((webhook) => webhook.url)).toEqual([NODE_URL]);
	});

	it('fails the check with an error naming Timely.ai when it stays silent', async () => {
		standIn.held.timelyai.push({ id: 'wh_1', url: NODE_URL, events: ['contact.created'] });
		standIn.behaviour['timelyai get'] = 'silence';
		const hooks = timely();
		hooks.staticData.registration = {
			ids: ['wh_1'],
			url: NODE_URL,
			events: ['contact.created'],
			secret: 's',
		};
		const error = await failure(hooks.run('checkExists'));
		expect(error.message).toBe('Timely.ai did not answer within 1 s while checking the webhook');
	});
});

describe('Dotdigital registration against a misbehaving API', () => {
	const dotdigital = () =>
		hookHarness(
			new DotdigitalTrigger(),
			new DotdigitalCpaasApi(),
			{
				region: 'custom',
				baseUrl: `${standIn.baseUrl}/dotdigital/cpaas`,
				apiUser: 'apiuser-1@apiconnector.com',
				apiPassword: 'pw',
				webhookSecret: '',
			},
			{ events: ['message.inbound'] },
		);

	it('registers through the custom base URL and keeps the secret it sent', async () => {
		const hooks = dotdigital();
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toEqual({
			ids: ['dd-1001'],
			url: NODE_URL,
			events: ['message.inbound'],
			secret: standIn.held.dotdigital[0].secret,
		});
		expect(await hooks.run('checkExists')).toBe(true);
		expect(await hooks.run('delete')).toBe(true);
		expect(standIn.held.dotdigital).toEqual([]);
	});

	it.each([
		[
			'a reply without the id',
			'partial',
			'Dotdigital CPaaS did not confirm the webhook registration: its reply lacks the webhook id.',
		],
		[
			'a 200 with an HTML page',
			'html',
			'Dotdigital CPaaS did not confirm the webhook registration: its reply lacks the webhook id.',
		],
		['a 500', 'error500', 'Dotdigital CPaaS answered HTTP 500 while registering the webhook'],
		[
			'silence',
			'silence',
			'Dotdigital CPaaS did not answer within 1 s while registering the webhook',
		],
	] as const)(
		'finds and removes through the list what %s hid',
		async (_case, behaviour, message) => {
			standIn.behaviour['dotdigital create'] = behaviour;
			const hooks = dotdigital();
			const error = await failure(hooks.run('create'));
			expect(error.message).toBe(message);
			expect(hooks.staticData.registration).toBeUndefined();
			expect(standIn.held.dotdigital).toEqual([]);
		},
	);

	it('fails the check when Dotdigital answers HTML instead of the webhook', async () => {
		standIn.held.dotdigital.push({ id: 'dd-1', url: NODE_URL, events: ['message.inbound'] });
		standIn.behaviour['dotdigital get'] = 'html';
		const hooks = dotdigital();
		hooks.staticData.registration = {
			ids: ['dd-1'],
			url: NODE_URL,
			events: ['message.inbound'],
			secret: 's',
		};
		const error = await failure(hooks.run('checkExists'));
		expect(error.message).toBe(
			'Dotdigital CPaaS answered something other than JSON while checking the webhook',
		);
	});

	it('keeps the registration and names the webhook when removal fails at deactivation', async () => {
		standIn.held.dotdigital.push({ id: 'dd-1', url: NODE_URL, events: ['message.inbound'] });
		standIn.behaviour['dotdigital delete'] = 'error500';
		const hooks = dotdigital();
		const stored = { ids: ['dd-1'], url: NODE_URL, events: ['message.inbound'], secret: 's' };
		hooks.staticData.registration = stored;
		const error = await failure(hooks.run('delete'));
		expect(error.message).toBe(
			'Dotdigital CPaaS answered HTTP 500 while removing the webhook. Webhook dd-1 is still registered at Dotdigital CPaaS and could not be removed: delete it there by hand',
		);
		expect(hooks.staticData.registration).toEqual(stored);
	});

	it('leaves one webhook when two activations register at once; the one that lost finds it gone', async () => {
		const first = dotdigital();
		const second = dotdigital();
		expect(await Promise.all([first.run('create'), second.run('create')])).toEqual([true, true]);
		expect(standIn.held.dotdigital).toHaveLength(1);
		const [survivor] = standIn.held.dotdigital;
		const recorded = [first, second].map(
			(hooks) => (hooks.staticData.registration as { ids: string[] }).ids[0],
		);
		expect(recorded).toContain(survivor.id);
		// The activation whose webhook was removed does not answer that it exists.
		const loser = recorded[0] === survivor.id ? second : first;
		expect(await loser.run('checkExists')).toBe(false);
	});
});

// n8n 2.41 tries an activation up to five times and a removal up to three times, on the same
// workflow object (retryTriggerActivation, deregisterExternalWebhookWithRetry).
describe("n8n's retries of one activation", () => {
	const partoo = () =>
		hookHarness(
			new PartooTrigger(),
			new PartooApi(),
			{
				apiKey: PARTOO_KEY,
				environment: 'production',
				orgId: '',
				baseUrl: `${standIn.baseUrl}/partoo/v2`,
			},
			{ events: ['message_created', 'lead_received'] },
		);
	const timely = () =>
		hookHarness(
			new TimelyAiTrigger(),
			new TimelyAiApi(),
			{ apiKey: TIMELY_KEY, webhookSecret: '', baseUrl: `${standIn.baseUrl}/timely` },
			{ events: ['contact.created'] },
		);
	const dotdigital = () =>
		hookHarness(
			new DotdigitalTrigger(),
			new DotdigitalCpaasApi(),
			{
				region: 'custom',
				baseUrl: `${standIn.baseUrl}/dotdigital/cpaas`,
				apiUser: 'apiuser-1@apiconnector.com',
				apiPassword: 'pw',
				webhookSecret: '',
			},
			{ events: ['message.inbound'] },
		);
	const messages = (outcomes: Array<boolean | Error>) =>
		outcomes.map((outcome) => (outcome instanceof Error ? outcome.message : outcome));
	const creates = (prefix: string) =>
		standIn.calls.filter((call) => call.startsWith(`${prefix} POST`)).length;

	it('do not ask a provider that did not answer again: one create, cleaned up, the same error five times', async () => {
		standIn.behaviour['partoo create'] = 'silence';
		const outcomes = await partoo().runRetried('create', 5);
		expect(messages(outcomes)).toEqual(
			Array(5).fill('Partoo did not answer within 1 s while registering the webhook'),
		);
		expect(creates('partoo')).toBe(1);
		expect(standIn.held.partoo).toEqual([]);
	});

	it('do not create again where a silent create may have left a webhook n8n cannot look up (Timely.ai)', async () => {
		standIn.behaviour['timelyai create'] = 'silence';
		const outcomes = await timely().runRetried('create', 5);
		expect(new Set(messages(outcomes))).toEqual(
			new Set([
				`Timely.ai did not answer within 1 s while registering the webhook. Timely.ai may have created a webhook for ${NODE_URL} that n8n cannot look up: if Timely.ai lists one, delete it.`,
			]),
		);
		expect(outcomes).toHaveLength(5);
		expect(creates('timelyai')).toBe(1);
		expect(standIn.held.timelyai.map((webhook) => webhook.url)).toEqual([NODE_URL]);
	});

	it('do not create again after an HTML reply n8n cannot look behind (Timely.ai)', async () => {
		standIn.behaviour['timelyai create'] = 'html';
		const outcomes = await timely().runRetried('create', 5);
		expect(outcomes).toHaveLength(5);
		expect(creates('timelyai')).toBe(1);
	});

	it('do ask again after a 500 whose leftovers the list shows, and leave none', async () => {
		standIn.behaviour['dotdigital create'] = 'error500';
		const outcomes = await dotdigital().runRetried('create', 5);
		expect(messages(outcomes)).toEqual(
			Array(5).fill('Dotdigital CPaaS answered HTTP 500 while registering the webhook'),
		);
		expect(creates('dotdigital')).toBe(5);
		expect(standIn.held.dotdigital).toEqual([]);
	});

	it('do not repeat a removal that did not answer, and name the webhook', async () => {
		standIn.held.dotdigital.push({ id: 'dd-1', url: NODE_URL, events: ['message.inbound'] });
		standIn.behaviour['dotdigital delete'] = 'silence';
		const hooks = dotdigital();
		hooks.staticData.registration = {
			ids: ['dd-1'],
			url: NODE_URL,
			events: ['message.inbound'],
			secret: 's',
		};
		const outcomes = await hooks.runRetried('delete', 3);
		expect(messages(outcomes)).toEqual(
			Array(3).fill(
				'Dotdigital CPaaS did not answer within 1 s while removing the webhook. Webhook dd-1 may still be registered at Dotdigital CPaaS: if Dotdigital CPaaS lists it, delete it there by hand',
			),
		);
		expect(standIn.calls.filter((call) => call.startsWith('dotdigital DELETE'))).toHaveLength(1);
	});

	it('do not wait on a second removal once the provider left one unanswered; both webhooks named', async () => {
		standIn.held.partoo.push({ id: '77', url: NODE_URL, events: ['message_created'] });
		standIn.held.partoo.push({ id: '78', url: NODE_URL, events: ['lead_received'] });
		standIn.behaviour['partoo delete'] = 'silence';
		const hooks = partoo();
		hooks.staticData.registration = {
			ids: ['77', '78'],
			url: NODE_URL,
			events: ['message_created', 'lead_received'],
		};
		const outcomes = await hooks.runRetried('delete', 3);
		expect(messages(outcomes)).toEqual(
			Array(3).fill(
				'Partoo did not answer within 1 s while removing the webhook. Webhooks 77, 78 may still be registered at Partoo: if Partoo lists them, delete them there by hand',
			),
		);
		expect(standIn.calls.filter((call) => call.startsWith('partoo DELETE'))).toEqual([
			'partoo DELETE /partoo/v2/webhooks/77',
		]);
	});

	it('start afresh at the next activation', async () => {
		standIn.behaviour['partoo create'] = 'silence';
		const hooks = partoo();
		await hooks.runRetried('create', 2);
		delete standIn.behaviour['partoo create'];
		expect(await hooks.run('create')).toBe(true);
		expect(creates('partoo')).toBe(2);
		expect(standIn.held.partoo).toHaveLength(2);
	});
});
