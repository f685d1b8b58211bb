import nock from 'nock';
import {
	NodeApiError,
	NodeOperationError,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHttpRequestOptions,
	type INodeTypes,
} from 'n8n-workflow';

import { DotdigitalCpaasApi } from '../credentials/DotdigitalCpaasApi.credentials';
import { PartooApi } from '../credentials/PartooApi.credentials';
import { TimelyAiApi } from '../credentials/TimelyAiApi.credentials';
import { DotdigitalTrigger } from '../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { PartooTrigger } from '../nodes/PartooTrigger/PartooTrigger.node';
import { dotdigitalRegistration } from '../lib/providers/dotdigital/registration';
import { partooRegistration } from '../lib/providers/partoo/registration';
import { timelyAiRegistration } from '../lib/providers/timelyai/registration';
import { TimelyAiTrigger } from '../nodes/TimelyAiTrigger/TimelyAiTrigger.node';
import { hookHarness, WEBHOOK_BASE, WEBHOOK_TEST_BASE } from './support/runHooks';

const PRODUCTION_URL = `${WEBHOOK_BASE}/hook-id/webhook`;
const TEST_URL = `${WEBHOOK_TEST_BASE}/hook-id/webhook`;

// nock answers a request nothing expects as a 404, which registration tolerates on removal:
// every such request is collected and fails the test.
const unexpectedRequests: string[] = [];
const recordUnexpected = (request: { method?: string; path?: string }) =>
	unexpectedRequests.push(`${request.method} ${request.path}`);
beforeAll(() => {
	nock.disableNetConnect();
	nock.emitter.on('no match', recordUnexpected);
});
afterEach(() => {
	const pending = nock.pendingMocks();
	const unexpected = unexpectedRequests.splice(0);
	nock.cleanAll();
	expect(pending).toEqual([]);
	expect(unexpected).toEqual([]);
});
afterAll(() => nock.emitter.removeListener('no match', recordUnexpected));
afterAll(() => nock.enableNetConnect());

/** The error an activation step failed with, or undefined when it did not fail. */
async function failureOf(promise: Promise<unknown>): Promise<Error | undefined> {
	return await promise.then(
		() => undefined,
		(thrown: Error) => thrown,
	);
}

async function registrationError(promise: Promise<unknown>): Promise<NodeApiError> {
	const error = await promise.then(
		() => undefined,
		(thrown: unknown) => thrown,
	);
	expect(error).toBeInstanceOf(NodeApiError);
	return error as NodeApiError;
}

describe('Partoo webhook registration', () => {
	const credentials = { apiKey: 'partoo-key', environment: 'production', orgId: '' };
	const partoo = () => nock('https://api.partoo.co', { reqheaders: { 'x-apikey': 'partoo-key' } });
	/** Every activation asks whose API key this is when the credential names no organisation. */
	const whoseKey = () => partoo().get('/v2/user/me').reply(200, { id: 'u1', org_id: 123 });

	it('registers one webhook per selected event type with POST /webhooks', async () => {
		const hooks = hookHarness(new PartooTrigger(), new PartooApi(), credentials, {
			events: ['message_created', 'lead_received'],
		});
		// Before: no earlier webhook at this URL to clear. After: only the two just made.
		partoo()
			.get('/v2/webhooks')
			.query({ page: 1 })
			.reply(200, {
				items: [{ id: 3, url: 'https://elsewhere.example/hook', event_type: 'lead_received' }],
				page: 1,
				max_page: 1,
			});
		partoo()
			.post('/v2/webhooks', {
				items: [
					{ url: PRODUCTION_URL, event_type: 'message_created' },
					{ url: PRODUCTION_URL, event_type: 'lead_received' },
				],
			})
			.reply(200, {
				items: [
					{ id: 12, url: PRODUCTION_URL, event_type: 'lead_received' },
					{ id: 11, url: PRODUCTION_URL, event_type: 'message_created' },
				],
			});
		partoo()
			.get('/v2/webhooks')
			.query({ page: 1 })
			.reply(200, {
				items: [
					{ id: 3, url: 'https://elsewhere.example/hook', event_type: 'lead_received' },
					{ id: 11, url: PRODUCTION_URL, event_type: 'message_created' },
					{ id: 12, url: PRODUCTION_URL, event_type: 'lead_received' },
				],
				page: 1,
				max_page: 1,
			});
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toEqual({
			ids: ['11', '12'],
			url: PRODUCTION_URL,
			events: ['message_created', 'lead_received'],
		});
	});

	it('registers every documented event for All Events, and the sandbox with org_id for provider keys', async () => {
		const hooks = hookHarness(new PartooTrigger(), new PartooApi(), {
			...credentials,
			environment: 'sandbox',
			orgId: '42',
		});
		const sandbox = () => nock('https://api.sandbox.partoo.co');
		sandbox()
			.get('/v2/webhooks')
			.query({ org_id: '42', page: 1 })
			.times(2)
			.reply(200, { items: [], page: 1, max_page: 1 });
		// Items without event_type are read in the order the request listed the events.
		sandbox()
			.post(
				'/v2/webhooks',
				(body: { items: Array<{ event_type: string }> }) => body.items.length === 6,
			)
			.query({ org_id: '42' })
			.reply(200, { items: [1, 2, 3, 4, 5, 6].map((id) => ({ id })) });
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toMatchObject({ ids: ['1', '2', '3', '4', '5', '6'] });
	});

	it('finds its registration with GET /webhooks, following pages', async () => {
		const hooks = hookHarness(new PartooTrigger(), new PartooApi(), credentials, {
			events: ['message_created'],
		});
		hooks.staticData.registration = {
			ids: ['12'],
			url: PRODUCTION_URL,
			events: ['message_created'],
		};
		whoseKey();
		partoo()
			.get('/v2/webhooks')
			.query({ page: 1 })
			.reply(200, { items: [{ id: 11 }], page: 1, max_page: 2 });
		partoo()
			.get('/v2/webhooks')
			.query({ page: 2 })
			.reply(200, { items: [{ id: 12 }], page: 2, max_page: 2 });
		expect(await hooks.run('checkExists')).toBe(true);
	});

	it('reports a registration deleted at Partoo as missing, so n8n creates it again', async () => {
		const hooks = hookHarness(new PartooTrigger(), new PartooApi(), credentials, {
			events: ['message_created'],
		});
		hooks.staticData.registration = {
			ids: ['12'],
			url: PRODUCTION_URL,
			events: ['message_created'],
		};
		whoseKey();
		partoo().get('/v2/webhooks').query({ page: 1 }).reply(200, { items: [], page: 1, max_page: 1 });
		partoo()
			.delete('/v2/webhooks/12')
			.reply(404, { errors: { json: 'not found' } });
		expect(await hooks.run('checkExists')).toBe(false);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('removes every webhook it registered with DELETE /webhooks/{id}, tolerating one already gone', async () => {
		const hooks = hookHarness(new PartooTrigger(), new PartooApi(), credentials);
		hooks.staticData.registration = {
			ids: ['11', '12'],
			url: PRODUCTION_URL,
			events: ['message_created', 'lead_received'],
		};
		partoo().delete('/v2/webhooks/11').reply(204);
		partoo()
			.delete('/v2/webhooks/12')
			.reply(404, { errors: { json: 'not found' } });
		expect(await hooks.run('delete')).toBe(true);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('fails with an n8n error naming Partoo and the HTTP status, keeping nothing', async () => {
		const hooks = hookHarness(new PartooTrigger(), new PartooApi(), credentials);
		partoo().get('/v2/webhooks').query({ page: 1 }).reply(200, { items: [], page: 1, max_page: 1 });
		partoo()
			.post('/v2/webhooks')
			.reply(403, { errors: { authorization: 'forbidden' } });
		const error = await registrationError(hooks.run('create'));
		expect(error.message).toBe('Partoo answered HTTP 403 while registering the webhook');
		expect(error.httpCode).toBe('403');
		expect(error.message).not.toMatch(/\bat\s.+:\d+/);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('registers nothing at Partoo when automatic registration is off, and only asks whose API key it holds', async () => {
		const hooks = hookHarness(new PartooTrigger(), new PartooApi(), credentials, {
			autoRegister: false,
		});
		whoseKey();
		expect(await hooks.run('checkExists')).toBe(true);
		expect(hooks.staticData.deliveryAccount).toBe('123');
		expect(await hooks.run('create')).toBe(false);
		expect(await hooks.run('delete')).toBe(false);
	});

	it('keeps the organisation Partoo names for the API key at every activation, for signed deliveries', async () => {
		const hooks = hookHarness(new PartooTrigger(), new PartooApi(), credentials, {
			autoRegister: false,
		});
		whoseKey();
		await hooks.run('checkExists');
		expect(hooks.staticData.deliveryAccount).toBe('123');
		partoo().get('/v2/user/me').reply(200, { id: 'u1', org_id: 124 });
		await hooks.run('checkExists');
		expect(hooks.staticData.deliveryAccount).toBe('124');
	});

	it('asks nothing when the credential names the organisation, or without signatures, and forgets what it learnt', async () => {
		const named = hookHarness(
			new PartooTrigger(),
			new PartooApi(),
			{ ...credentials, orgId: '42' },
			{ autoRegister: false },
		);
		named.staticData.deliveryAccount = '123';
		expect(await named.run('checkExists')).toBe(true);
		expect(named.staticData.deliveryAccount).toBeUndefined();
		const unsigned = hookHarness(new PartooTrigger(), new PartooApi(), credentials, {
			autoRegister: false,
			authentication: 'none',
		});
		expect(await unsigned.run('checkExists')).toBe(true);
		expect(unsigned.staticData.deliveryAccount).toBeUndefined();
	});

	it.each([
		[
			'a reply without org_id',
			200,
			{ id: 'u1' },
			'Partoo did not say which organization the API key belongs to',
		],
		[
			'an org_id that is not an id',
			200,
			{ org_id: '../1' },
			'Partoo did not say which organization the API key belongs to',
		],
		[
			'a 404',
			404,
			{ errors: 'not found' },
			'Partoo did not say which organization the API key belongs to: Partoo answered HTTP 404 while checking the webhook',
		],
	])(
		'fails activation on %s from GET /user/me, naming what to fill in',
		async (_case, status, reply, message) => {
			const hooks = hookHarness(new PartooTrigger(), new PartooApi(), credentials);
			partoo().get('/v2/user/me').reply(status, reply);
			const error = await failureOf(hooks.run('checkExists'));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error?.message).toBe(message);
			expect((error as NodeOperationError).description).toBe(
				'Fill in the organization in the Partoo credential: signed deliveries are accepted only for it.',
			);
			expect(hooks.staticData.deliveryAccount).toBeUndefined();
		},
	);
});

describe('Timely.ai webhook registration', () => {
	const credentials = { apiKey: 'timely-key', webhookSecret: '' };
	const timely = () =>
		nock('https://api.timelyai.com.br', { reqheaders: { 'x-api-key': 'timely-key' } });

	it('registers the selected events with POST /v1/webhooks and keeps the returned secret', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), credentials, {
			events: ['message.*'],
		});
		timely()
			.post('/v1/webhooks', {
				name: 'n8n Inbound to CRM',
				url: PRODUCTION_URL,
				events: [
					'message.received',
					'message.sent',
					'message.delivered',
					'message.read',
					'message.failed',
				],
			})
			.reply(201, { id: 'wh_01', secret: 'whsec_returned_once' });
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toMatchObject({
			ids: ['wh_01'],
			secret: 'whsec_returned_once',
		});
	});

	it('names the registration made for "Listen for test event" as a test, on the test URL', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), credentials, {
			events: ['contact.created'],
		});
		timely()
			.post('/v1/webhooks', {
				name: 'n8n Inbound to CRM (test)',
				url: TEST_URL,
				events: ['contact.created'],
			})
			.reply(201, { data: { id: 'wh_test', secret: 'whsec_test' } });
		expect(await hooks.run('create', 'manual')).toBe(true);
		expect(hooks.staticData.registration).toMatchObject({ ids: ['wh_test'], url: TEST_URL });
	});

	it('checks its registration through GET /v1/webhooks/{id}/deliveries', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), credentials, {
			events: ['contact.created'],
		});
		hooks.staticData.registration = {
			ids: ['wh_01'],
			url: PRODUCTION_URL,
			events: ['contact.created'],
			secret: 's',
		};
		timely().get('/v1/webhooks/wh_01/deliveries').reply(200, { data: [] });
		expect(await hooks.run('checkExists')).toBe(true);
		timely().get('/v1/webhooks/wh_01/deliveries').reply(404, { error: 'not_found' });
		timely().delete('/v1/webhooks/wh_01').reply(404, { error: 'not_found' });
		expect(await hooks.run('checkExists')).toBe(false);
	});

	it('replaces a registration whose events changed: DELETE, then reports it missing', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), credentials, {
			events: ['message.failed'],
		});
		hooks.staticData.registration = {
			ids: ['wh_01'],
			url: PRODUCTION_URL,
			events: ['contact.created'],
			secret: 's',
		};
		timely().delete('/v1/webhooks/wh_01').reply(204);
		expect(await hooks.run('checkExists')).toBe(false);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('removes its webhook with DELETE /v1/webhooks/{id}', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), credentials);
		hooks.staticData.registration = {
			ids: ['wh_01'],
			url: PRODUCTION_URL,
			events: ['contact.created'],
			secret: 's',
		};
		timely().delete('/v1/webhooks/wh_01').reply(204);
		expect(await hooks.run('delete')).toBe(true);
	});

	it('fails with an n8n error naming Timely.ai and the status when the API key is refused', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), credentials);
		// n8n's httpRequestWithAuthentication retries a 401 once after re-authenticating.
		timely().post('/v1/webhooks').times(2).reply(401, { error: 'invalid_api_key' });
		const error = await registrationError(hooks.run('create'));
		expect(error.message).toBe('Timely.ai answered HTTP 401 while registering the webhook');
		expect(error.description).toMatch(/API credentials/);
	});

	it('fails clearly when Timely.ai answers without the secret', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), credentials);
		timely().post('/v1/webhooks').reply(201, { id: 'wh_01' });
		timely().delete('/v1/webhooks/wh_01').reply(204);
		await expect(hooks.run('create')).rejects.toThrow(
			'Timely.ai did not confirm the webhook registration: its reply lacks the signing secret.',
		);
		expect(hooks.staticData.registration).toBeUndefined();
	});
});

describe('Dotdigital webhook registration', () => {
	const credentials = {
		region: 'r2',
		apiUser: 'apiuser-1@apiconnector.com',
		apiPassword: 'pw',
		webhookSecret: '',
	};
	const basic = `Basic ${Buffer.from('apiuser-1@apiconnector.com:pw').toString('base64')}`;
	const dotdigital = () =>
		nock('https://r2-api.dotdigital.com', { reqheaders: { authorization: basic } });

	it('registers the selected events with a secret it generates, and keeps that secret', async () => {
		const hooks = hookHarness(new DotdigitalTrigger(), new DotdigitalCpaasApi(), credentials, {
			events: ['message.inbound', 'message.failed'],
		});
		let sentSecret = '';
		dotdigital().get('/cpaas/webhooks').reply(200, []);
		dotdigital()
			.post('/cpaas/webhooks', (body: Record<string, unknown>) => {
				sentSecret = body.secret as string;
				expect(body).toEqual({
					name: 'n8n Inbound to CRM',
					url: PRODUCTION_URL,
					secret: expect.stringMatching(/^[0-9a-f]{64}$/),
					subscriptions: [
						{ type: 'message.failed', filters: [] },
						{ type: 'message.inbound', filters: [] },
					],
					batch: false,
				});
				return true;
			})
			.reply(201, { id: 'dd-webhook-7', name: 'n8n Inbound to CRM' });
		dotdigital()
			.get('/cpaas/webhooks')
			.reply(200, [{ id: 'dd-webhook-7', name: 'n8n Inbound to CRM', url: PRODUCTION_URL }]);
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toEqual({
			ids: ['dd-webhook-7'],
			url: PRODUCTION_URL,
			events: ['message.failed', 'message.inbound'],
			secret: sentSecret,
		});
	});

	it('checks with GET /cpaas/webhooks/{id} and removes with DELETE', async () => {
		const hooks = hookHarness(new DotdigitalTrigger(), new DotdigitalCpaasApi(), credentials, {
			events: ['message.inbound'],
		});
		hooks.staticData.registration = {
			ids: ['dd-webhook-7'],
			url: PRODUCTION_URL,
			events: ['message.inbound'],
			secret: 's',
		};
		dotdigital().get('/cpaas/webhooks/dd-webhook-7').reply(200, { id: 'dd-webhook-7' });
		expect(await hooks.run('checkExists')).toBe(true);
		dotdigital().delete('/cpaas/webhooks/dd-webhook-7').reply(204);
		expect(await hooks.run('delete')).toBe(true);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('fails with an n8n error naming Dotdigital and the status', async () => {
		const hooks = hookHarness(new DotdigitalTrigger(), new DotdigitalCpaasApi(), credentials);
		// Before the create and again after its 500, to find a webhook made anyway: none.
		dotdigital().get('/cpaas/webhooks').times(2).reply(200, []);
		dotdigital().post('/cpaas/webhooks').reply(500, { message: 'internal' });
		const error = await registrationError(hooks.run('create'));
		expect(error.message).toBe('Dotdigital CPaaS answered HTTP 500 while registering the webhook');
	});
});

describe('credential tests and base URLs', () => {
	type ApiCredential = PartooApi | TimelyAiApi | DotdigitalCpaasApi;
	/** Resolves a credential's test request the way n8n does: its expressions over `$credentials`. */
	function credentialTestRequest(
		credentialType: ApiCredential,
		credentials: Record<string, string>,
	): IHttpRequestOptions {
		const node = {
			id: 'n',
			name: 'Node',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		};
		const noNodeTypes = {
			getByName: () => ({ description: { properties: [] } }),
			getByNameAndVersion: () => ({ description: { properties: [] } }),
			getKnownTypes: () => ({}),
		};
		const workflow = new Workflow({
			id: 'wf',
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: noNodeTypes as unknown as INodeTypes,
		});
		const { baseURL, url } = credentialType.test!.request;
		const resolvedBase = workflow.expression.getParameterValue(
			baseURL as string,
			null,
			0,
			0,
			'Node',
			[],
			'internal',
			{ $credentials: credentials } as IDataObject,
		) as string;
		return { baseURL: resolvedBase, url: url! };
	}
	/** The request n8n's credential test sends: its URL and the credentials `authenticate` put in. */
	async function credentialTest(
		credentialType: ApiCredential,
		credentials: Record<string, string>,
	) {
		const request = credentialTestRequest(credentialType, credentials);
		const authenticate = credentialType.authenticate as (
			credentials: ICredentialDataDecryptedObject,
			request: IHttpRequestOptions,
		) => Promise<IHttpRequestOptions>;
		const sent = await authenticate(credentials, request);
		return {
			url: `${request.baseURL!.replace(/\/+$/, '')}${request.url}`,
			headers: sent.headers,
			auth: sent.auth,
		};
	}

	it.each([
		[{ environment: 'production', baseUrl: '' }, 'https://api.partoo.co/v2'],
		[{ environment: 'sandbox', baseUrl: '' }, 'https://api.sandbox.partoo.co/v2'],
		[
			{ environment: 'sandbox', baseUrl: 'http://127.0.0.1:5678/partoo/v2/' },
			'http://127.0.0.1:5678/partoo/v2',
		],
	])('Partoo %j: tests GET /webhooks with the key and registers at %s', async (fields, base) => {
		const credentials = { apiKey: 'k', orgId: '', ...fields };
		expect(await credentialTest(new PartooApi(), credentials)).toEqual({
			url: `${base}/webhooks`,
			headers: { 'x-APIKey': 'k' },
		});
		expect(partooRegistration.baseUrl(credentials)).toBe(base);
	});

	it.each([
		['https://api.timelyai.com.br', 'https://api.timelyai.com.br'],
		['http://127.0.0.1:5678/timely/', 'http://127.0.0.1:5678/timely'],
		['http://127.8.9.10:5678/timely', 'http://127.8.9.10:5678/timely'],
		['http://localhost:5678/timely', 'http://localhost:5678/timely'],
		['http://[::1]:5678/timely', 'http://[::1]:5678/timely'],
	])(
		'Timely.ai base URL %s: tests the API key with GET /v1/me and registers at %s',
		async (baseUrl, base) => {
			const credentials = { apiKey: 'k', webhookSecret: '', baseUrl };
			expect(await credentialTest(new TimelyAiApi(), credentials)).toEqual({
				url: `${base}/v1/me`,
				headers: { 'x-api-key': 'k' },
			});
			expect(timelyAiRegistration.baseUrl(credentials)).toBe(base);
		},
	);

	it('keeps the documented Timely.ai API as the default base URL', () => {
		const baseUrl = new TimelyAiApi().properties.find((property) => property.name === 'baseUrl');
		expect(baseUrl?.default).toBe('https://api.timelyai.com.br');
	});

	it.each([
		[{ region: 'r1', baseUrl: '' }, 'https://r1-api.dotdigital.com/cpaas'],
		[{ region: 'r3', baseUrl: 'http://ignored.example' }, 'https://r3-api.dotdigital.com/cpaas'],
		[
			{ region: 'custom', baseUrl: 'http://127.0.0.1:5678/dotdigital/cpaas/' },
			'http://127.0.0.1:5678/dotdigital/cpaas',
		],
	])(
		'Dotdigital %j: tests the API user with GET /webhooks/availableevents and registers at %s',
		async (fields, base) => {
			const credentials = { apiUser: 'u', apiPassword: 'p', webhookSecret: '', ...fields };
			expect(await credentialTest(new DotdigitalCpaasApi(), credentials)).toEqual({
				url: `${base}/webhooks/availableevents`,
				auth: { username: 'u', password: 'p' },
			});
			expect(dotdigitalRegistration.baseUrl(credentials)).toBe(base);
		},
	);

	const refusedBaseUrls = [
		['http://api.partoo.co/v2', 'http://api.partoo.co'],
		['http://example.com/api', 'http://example.com'],
		['http://10.0.0.5:8080', 'http://10.0.0.5:8080'],
		['http://[::2]/api', 'http://[::2]'],
		['http://localhost.example.com', 'http://localhost.example.com'],
		['http://128.0.0.1', 'http://128.0.0.1'],
		['ftp://127.0.0.1/api', 'ftp://127.0.0.1'],
		['file:///etc/passwd', 'file://'],
	];
	const refusal = (origin: string) =>
		`The Base URL must start with https:// (plain http:// only to this machine: 127.0.0.1, ::1, localhost), since it receives the API credentials; "${origin}" is refused`;

	it.each(refusedBaseUrls)(
		'refuses the Base URL %s in every API credential test, before the credentials are put in',
		async (baseUrl, origin) => {
			const message = `${refusal(origin)}. Nothing was sent.`;
			const tests = [
				credentialTest(new PartooApi(), {
					apiKey: 'k',
					environment: 'production',
					orgId: '',
					baseUrl,
				}),
				credentialTest(new TimelyAiApi(), { apiKey: 'k', baseUrl }),
				credentialTest(new DotdigitalCpaasApi(), {
					region: 'custom',
					baseUrl,
					apiUser: 'u',
					apiPassword: 'p',
				}),
			];
			for (const test of tests) await expect(test).rejects.toThrow(message);
		},
	);

	it('refuses a Base URL that is not a URL', async () => {
		await expect(
			credentialTest(new TimelyAiApi(), { apiKey: 'k', baseUrl: 'api' }),
		).rejects.toThrow('The Base URL is not a valid URL. Nothing was sent.');
	});

	it.each(refusedBaseUrls)(
		'fails activation with the Base URL %s before anything is sent',
		async (baseUrl, origin) => {
			const hooks = hookHarness(
				new TimelyAiTrigger(),
				new TimelyAiApi(),
				{ apiKey: 'k', webhookSecret: '', baseUrl },
				{ events: ['contact.created'] },
			);
			const error = await failureOf(hooks.run('create'));
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error?.message).toBe(`${refusal(origin)}.`);
			expect(hooks.staticData.registration).toBeUndefined();
		},
	);
});

/**
 * Hostile registration replies: each is refused before anything is stored or sent with it. The
 * message is the error the user sees when activating the workflow.
 */
describe('hostile registration replies', () => {
	const timelyCredentials = { apiKey: 'timely-key', webhookSecret: '', baseUrl: '' };
	const timely = () =>
		nock('https://api.timelyai.com.br', { reqheaders: { 'x-api-key': 'timely-key' } });
	const unconfirmed = 'Timely.ai did not confirm the webhook registration: its reply lacks';
	const badSecret = `${unconfirmed} the signing secret (the one given is not 8 to 1,024 visible characters of text).`;
	const notPlain = (provider: string, url: string) =>
		`A webhook ${provider} named with an id that is not plain was not removed: if ${provider} lists a webhook for ${url}, delete it there by hand.`;
	const badId = `${unconfirmed} a usable webhook id (the one given is not a plain id). ${notPlain('Timely.ai', PRODUCTION_URL)}`;

	it.each([
		['a number', 0],
		['an empty string', ''],
		['a short string', 'abc'],
		['text with a space', 'whsec returned once'],
		['text with a control character', 'whsec_\u0000returned'],
		['a list', ['whsec_returned_once']],
		['an object', { value: 'whsec_returned_once' }],
		['text over 1,024 characters', 'w'.repeat(1025)],
	])(
		'Timely.ai secret as %s: fails activation, stores nothing, removes the webhook',
		async (_case, secret) => {
			const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), timelyCredentials);
			timely()
				.post('/v1/webhooks')
				.reply(201, { data: { id: 'wh_01', secret } });
			timely().delete('/v1/webhooks/wh_01').reply(204);
			const error = await failureOf(hooks.run('create'));
			expect(error?.message).toBe(badSecret);
			expect(hooks.staticData.registration).toBeUndefined();
		},
	);

	it.each([
		['..', badId],
		['.', badId],
		['%2e%2e', badId],
		['wh/01', badId],
		['wh\\01', badId],
		['wh?x=1', badId],
		['wh 01', badId],
		['wh\n01', badId],
		['w'.repeat(129), badId],
		[-1, badId],
		[1.5, badId],
		[true, badId],
		[{ id: 'wh_01' }, badId],
		[
			'',
			`${unconfirmed} the webhook id. Timely.ai may have created a webhook for ${PRODUCTION_URL} that n8n cannot look up: if Timely.ai lists one, delete it.`,
		],
	])('Timely.ai webhook id %j: fails activation, sends no request with it', async (id, message) => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), timelyCredentials);
		timely()
			.post('/v1/webhooks')
			.reply(201, { data: { id, secret: 'whsec_returned_once' } });
		const error = await failureOf(hooks.run('create'));
		expect(error?.message).toBe(message);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('accepts a numeric Timely.ai id as text', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), timelyCredentials);
		timely()
			.post('/v1/webhooks')
			.reply(201, { data: { id: 42, secret: 'whsec_returned_once' } });
		expect(await hooks.run('create')).toBe(true);
		expect(hooks.staticData.registration).toMatchObject({
			ids: ['42'],
			secret: 'whsec_returned_once',
		});
	});

	it('Dotdigital id "..": fails activation, names what is left, sends no DELETE', async () => {
		const dotdigital = () => nock('https://r1-api.dotdigital.com');
		const hooks = hookHarness(
			new DotdigitalTrigger(),
			new DotdigitalCpaasApi(),
			{ region: 'r1', baseUrl: '', apiUser: 'u', apiPassword: 'p', webhookSecret: '' },
			{ events: ['message.inbound'] },
		);
		dotdigital().get('/cpaas/webhooks').reply(200, []);
		dotdigital().post('/cpaas/webhooks').reply(201, { id: '..', url: PRODUCTION_URL });
		dotdigital()
			.get('/cpaas/webhooks')
			.reply(200, [{ id: '..', url: PRODUCTION_URL }]);
		const error = await failureOf(hooks.run('create'));
		expect(error?.message).toBe(
			`Dotdigital CPaaS did not confirm the webhook registration: its reply lacks a usable webhook id (the one given is not a plain id). ${notPlain('Dotdigital CPaaS', PRODUCTION_URL)}`,
		);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('Partoo id "%2e%2e" among good ones: removes the good ones, names the other', async () => {
		const partoo = () => nock('https://api.partoo.co');
		const hooks = hookHarness(
			new PartooTrigger(),
			new PartooApi(),
			{ apiKey: 'k', environment: 'production', orgId: '123', baseUrl: '' },
			{ events: ['message_created', 'lead_received'] },
		);
		const empty = { items: [], page: 1, max_page: 1 };
		partoo().get('/v2/webhooks').query({ org_id: '123', page: 1 }).reply(200, empty);
		partoo()
			.post('/v2/webhooks')
			.query({ org_id: '123' })
			.reply(200, {
				items: [
					{ id: 11, url: PRODUCTION_URL, event_type: 'message_created' },
					{ id: '%2e%2e', url: PRODUCTION_URL, event_type: 'lead_received' },
				],
			});
		partoo().get('/v2/webhooks').query({ org_id: '123', page: 1 }).reply(200, empty);
		partoo().delete('/v2/webhooks/11').query({ org_id: '123' }).reply(204);
		const error = await failureOf(hooks.run('create'));
		expect(error?.message).toBe(
			`Partoo did not confirm the webhook registration: its reply lacks a usable webhook id for lead_received (an id given is not a plain id). ${notPlain('Partoo', PRODUCTION_URL)}`,
		);
		expect(hooks.staticData.registration).toBeUndefined();
	});

	it('never sends a stored id that is not plain: the removal fails naming it', async () => {
		const hooks = hookHarness(new TimelyAiTrigger(), new TimelyAiApi(), timelyCredentials);
		hooks.staticData.registration = {
			ids: ['..'],
			url: PRODUCTION_URL,
			events: ['contact.created'],
			secret: 'whsec_returned_once',
		};
		const error = await failureOf(hooks.run('delete'));
		expect(error?.message).toBe(
			'A webhook id that is not plain was not sent. Webhook .. is still registered at Timely.ai and could not be removed: delete it there by hand',
		);
	});
});
