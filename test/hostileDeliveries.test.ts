/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test-only: zlib gives the error n8n's body reader meets on a gzip body it cannot decode */
import { gunzipSync } from 'node:zlib';

import { deepCopy } from 'n8n-workflow';

import { KlinkWebhookApi } from '../credentials/KlinkWebhookApi.credentials';
import { DotdigitalTrigger } from '../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { KlinkTrigger } from '../nodes/KlinkTrigger/KlinkTrigger.node';
import { StaryaAiTrigger } from '../nodes/StaryaAiTrigger/StaryaAiTrigger.node';
import { TimelyAiTrigger } from '../nodes/TimelyAiTrigger/TimelyAiTrigger.node';
import { fixture } from './support/fixtures';
import { hookHarness } from './support/runHooks';
import { deliver, type TriggerRun } from './support/runTrigger';
import { hmac } from './support/signing';

/**
 * One request each, as an attacker or a buggy sender would send it: the answer, what
 * starts, and what the workflow's owner reads in n8n's log. Expected values are written
 * from the issue's requirements, not taken from the engine.
 */

const NOT_AUTHENTICATED = { status: 'rejected', reason: 'the delivery is not authenticated' };
const UNAVAILABLE = {
	status: 'unavailable',
	reason: 'the delivery could not be taken now; send it again later',
};
const klink = new KlinkTrigger();
const dotdigital = new DotdigitalTrigger();
const open = { parameters: { authentication: 'none' } };
const signatureSetup = {
	typeVersion: 1,
	credentials: { klinkWebhookApi: { signingSecret: 'klink-secret' } },
};

const contactCreate = fixture('klink', 'contact-create') as {
	event: string;
	data: Record<string, unknown>;
};

/** Every item must survive what n8n does to it: JSON, and n8n-workflow's deepCopy. */
function expectCarriable(run: TriggerRun) {
	for (const item of run.items ?? []) {
		const serialized = JSON.stringify(item);
		expect(JSON.stringify(deepCopy(item))).toBe(serialized);
		expect(JSON.stringify(structuredClone(item))).toBe(serialized);
	}
}

describe('a refused delivery tells the caller nothing about the configuration', () => {
	const setups: Array<[string, Parameters<typeof deliver>[1], Record<string, string>]> = [
		[
			'a custom header that is missing',
			{
				parameters: { authentication: 'headerAuth' },
				typeVersion: 1,
				credentials: { klinkWebhookApi: { headerName: 'X-Acme-Webhook-Key', headerToken: 't0k' } },
			},
			{},
		],
		[
			'a custom header with a wrong value',
			{
				parameters: { authentication: 'headerAuth' },
				typeVersion: 1,
				credentials: { klinkWebhookApi: { headerName: 'X-Acme-Webhook-Key', headerToken: 't0k' } },
			},
			{ 'x-acme-webhook-key': 'guess' },
		],
		[
			'a credential without a signing secret',
			{ typeVersion: 1, credentials: { klinkWebhookApi: { signingSecret: '' } } },
			{ 'x-signature': 'ab'.repeat(32) },
		],
		[
			'a credential without a Basic auth user',
			{
				parameters: { authentication: 'basicAuth' },
				typeVersion: 1,
				credentials: { klinkWebhookApi: {} },
			},
			{ authorization: 'Basic Zm9vOmJhcg==' },
		],
	];

	it.each(setups.slice(0, 2))('answers the same 401 body for %s', async (_case, setup, headers) => {
		const run = await deliver(klink, setup, { body: contactCreate, headers });
		expect(run).toMatchObject({ status: 401, items: null });
		expect(run.body).toEqual(NOT_AUTHENTICATED);
		expect(JSON.stringify(run.body)).not.toMatch(/acme|secret|basic|header/i);
	});

	// Nothing proves such a delivery forged: the owner's setup is at fault, so the provider may retry.
	it.each(setups.slice(2))('answers the same 503 body for %s', async (_case, setup, headers) => {
		const run = await deliver(klink, setup, { body: contactCreate, headers });
		expect(run).toMatchObject({ status: 503, items: null });
		expect(run.body).toEqual(UNAVAILABLE);
		expect(JSON.stringify(run.body)).not.toMatch(/acme|secret|basic|header|credential/i);
	});

	it("tells the owner in n8n's log which check failed, with workflow, node and provider, but no payload", async () => {
		const runs: TriggerRun[] = [];
		for (const [, setup, headers] of setups)
			runs.push(await deliver(klink, setup, { body: contactCreate, headers }));
		const [headerMissing, wrongValue, noSecret, noUser] = runs;
		expect(headerMissing.warnings).toEqual([
			{
				message: 'K-LINK delivery refused with 401: missing X-Acme-Webhook-Key header',
				meta: {
					workflowId: 'wf',
					node: 'Trigger',
					provider: 'klink',
					status: 401,
					reason: 'missing X-Acme-Webhook-Key header',
				},
			},
		]);
		expect(wrongValue.warnings[0].meta.reason).toBe('wrong X-Acme-Webhook-Key header value');
		expect(noSecret.warnings[0].meta.reason).toBe(
			'no signing secret is configured for this trigger',
		);
		expect(noUser.warnings[0].meta.reason).toBe(
			'no Basic auth user is configured for this trigger',
		);
		for (const run of [headerMissing, wrongValue, noSecret, noUser]) {
			const logged = JSON.stringify(run.warnings);
			expect(logged).not.toMatch(/john@klink\.cloud|06838387278|a0cad4e8|guess|t0k\b/);
		}
	});

	it('answers a body that is not JSON 400 with a one-line reason, and logs it', async () => {
		const run = await deliver(klink, open, { body: 'name=John&phone=06838387278' });
		expect(run).toMatchObject({ status: 400, items: null });
		expect(run.body).toEqual({
			status: 'rejected',
			reason: 'the request body (27 bytes) is not valid JSON',
		});
		expect(run.warnings.map(({ message }) => message)).toEqual([
			'K-LINK delivery refused with 400: the request body (27 bytes) is not valid JSON',
		]);
	});
});

describe('work per delivery is bounded before any envelope is read', () => {
	const envelope = fixture('dotdigital', 'message-inbound-1-sms');
	const batch = (size: number) => Array.from({ length: size }, () => envelope);

	it('takes a batch of 500, the most Dotdigital sends', async () => {
		const run = await deliver(dotdigital, open, { body: batch(500) });
		expect(run.status).toBe(200);
		expect(run.items).toHaveLength(500);
	});

	it('answers 413 and starts nothing above the default cap of 2,000 events', async () => {
		const run = await deliver(dotdigital, open, { body: batch(2001) });
		expect(run).toMatchObject({ status: 413, items: null });
		expect(run.body).toEqual({
			status: 'rejected',
			reason: 'the delivery holds 2001 events; this trigger takes at most 2000 per delivery',
		});
		expect(run.warnings[0].meta).toMatchObject({ status: 413, provider: 'dotdigital' });
		expect((await deliver(dotdigital, open, { body: batch(2000) })).items).toHaveLength(2000);
	});

	it('follows Max Events per Delivery from the Options', async () => {
		const capped = {
			parameters: { authentication: 'none', additionalOptions: { maxEventsPerDelivery: 10 } },
		};
		expect((await deliver(dotdigital, capped, { body: batch(10) })).items).toHaveLength(10);
		expect(await deliver(dotdigital, capped, { body: batch(11) })).toMatchObject({
			status: 413,
			items: null,
		});
	});

	it('answers 413 to a few hundred thousand tiny elements without reading one of them', async () => {
		const body = `[${Array.from({ length: 300_000 }, () => '{}').join(',')}]`;
		expect(body.length).toBeLessThan(1_000_000);
		const run = await deliver(klink, open, { body });
		expect(run).toMatchObject({ status: 413, items: null });
	});

	it('checks the signature before counting, so a forged oversized batch is a 401', async () => {
		const run = await deliver(
			dotdigital,
			{
				parameters: { autoRegister: false },
				credentials: { dotdigitalCpaasApi: { webhookSecret: 's3cret' } },
			},
			{ body: batch(3000), headers: { 'x-comapi-signature': 'ab'.repeat(20) } },
		);
		expect(run).toMatchObject({ status: 401, items: null });
		expect(run.warnings[0].meta.reason).toBe('x-comapi-signature does not match the body');
	});
});

describe('one hostile envelope never costs its neighbours', () => {
	it('emits the good envelopes of a batch beside one with 300,000 malformed tags, e-mails and phones', async () => {
		const malformed = Array.from({ length: 300_000 }, () => 7);
		const hostile = {
			...contactCreate,
			data: {
				...contactCreate.data,
				tags: malformed,
				contactEmails: malformed,
				contactPhones: malformed,
			},
		};
		const run = await deliver(klink, open, { body: [contactCreate, hostile, contactCreate] });
		expect(run.status).toBe(200);
		expect(run.body).toEqual({ status: 'accepted', received: 3, emitted: 3 });
		const [first, middle, last] = run.items!;
		for (const good of [first, last]) {
			expect(good).toMatchObject({
				event: 'contact.created',
				contact: { name: 'John', email: 'john@klink.cloud', phone: '06838387278' },
				tags: ['VVIP'],
				problems: [],
			});
		}
		expect(middle.event).toBe('contact.created');
		expect(middle.tags).toEqual([]);
		const problems = middle.problems as string[];
		// The schema check looks at the first 20 entries of each of the three lists: 60 issues,
		// 20 of them worded.
		expect(problems).toHaveLength(21);
		expect(problems[0]).toBe('data.contactEmails.0: expected object, got number');
		expect(problems[20]).toBe('…and 40 more problems');
		expect((middle.raw as typeof hostile).data.tags).toHaveLength(300_000);
		expectCarriable(run);
	});

	it('emits an envelope nested 10,000 levels deep with the deep part replaced by a marker, and a problem naming where', async () => {
		const deep = `${'['.repeat(10_000)}"bottom"${']'.repeat(10_000)}`;
		const nestedEnvelope = JSON.stringify({
			...contactCreate,
			data: { ...contactCreate.data, customFields: 'DEEP' },
		}).replace('"DEEP"', deep);
		const body = `[${JSON.stringify(contactCreate)},${nestedEnvelope}]`;
		const run = await deliver(klink, open, { body });
		expect(run.body).toEqual({ status: 'accepted', received: 2, emitted: 2 });
		const [good, nested] = run.items!;
		expect(good.problems).toEqual([]);
		expect(nested).toMatchObject({
			event: 'contact.created',
			contact: { name: 'John' },
			problems: [
				// data.customFields + [0] × 98 is 311 characters: the problem keeps its last 119.
				`…0]${'[0]'.repeat(39)}: nested deeper than 100 levels; removed`,
			],
		});
		let reached: unknown = (nested.raw as { data: { customFields: unknown } }).data.customFields;
		// The envelope is level 1, data level 2, customFields level 3: levels 3–100 are kept.
		let level = 3;
		while (Array.isArray(reached)) {
			reached = reached[0];
			level++;
		}
		expect(level).toBe(101);
		expect(reached).toBe('[removed: nested deeper than 100 levels]');
		expectCarriable(run);
	});

	it('emits a top-level value nested 100,000 levels deep as unrecognised, carriable', async () => {
		const body = `${'['.repeat(100_000)}1${']'.repeat(100_000)}`;
		const run = await deliver(klink, open, { body });
		expect(run.body).toEqual({ status: 'accepted', received: 1, emitted: 1 });
		expect(run.items![0]).toMatchObject({ event: 'unrecognised' });
		expectCarriable(run);
	});

	it('emits envelopes the provider mapping cannot read, with their neighbours untouched', async () => {
		const starya = new StaryaAiTrigger();
		const good = fixture('staryaai', 'user-created');
		const odd = { event: 'chat.message.created', timestamp: 'x', data: { from: 'nobody' } };
		const run = await deliver(starya, open, { body: [good, odd, 17, null, 'text', good] });
		expect(run.body).toEqual({ status: 'accepted', received: 6, emitted: 6 });
		expect(run.items!.map((item) => item.event)).toEqual([
			'contact.created',
			'message.sent',
			'unrecognised',
			'unrecognised',
			'unrecognised',
			'contact.created',
		]);
		expect(run.items![0]).toEqual(run.items![5]);
		expectCarriable(run);
	});
});

describe('Timely.ai replays', () => {
	const timely = new TimelyAiTrigger();
	const secret = 'timely-secret';
	const body = JSON.stringify(fixture('timelyai', 'message-received'));
	const setup = (requireTimestamp: boolean) => ({
		credentials: { timelyAiApi: { webhookSecret: secret } },
		parameters: { autoRegister: false, additionalOptions: { requireTimestamp } },
	});
	const now = () => String(Math.floor(Date.now() / 1000));
	const bodyOnly = { 'x-timely-signature': `sha256=${hmac('sha256', secret, body, 'hex')}` };

	it('accepts a body-only signature without a timestamp by default (what an attacker can replay)', async () => {
		expect((await deliver(timely, setup(false), { body, headers: bodyOnly })).status).toBe(200);
	});

	it('with Require Timestamp, refuses a delivery without X-Timely-Timestamp', async () => {
		const run = await deliver(timely, setup(true), { body, headers: bodyOnly });
		expect(run).toMatchObject({ status: 401, body: NOT_AUTHENTICATED, items: null });
		expect(run.warnings[0].meta.reason).toBe(
			'missing x-timely-timestamp header, which Require Timestamp asks for',
		);
	});

	it('with Require Timestamp, refuses a body-only signature carrying a fresh timestamp glued on', async () => {
		const run = await deliver(timely, setup(true), {
			body,
			headers: { ...bodyOnly, 'x-timely-timestamp': now() },
		});
		expect(run).toMatchObject({ status: 401, items: null });
	});

	it('with Require Timestamp, accepts a fresh timestamp signed with the body', async () => {
		const timestamp = now();
		const run = await deliver(timely, setup(true), {
			body,
			headers: {
				'x-timely-timestamp': timestamp,
				'x-timely-signature': `sha256=${hmac('sha256', secret, `${timestamp}.${body}`, 'hex')}`,
			},
		});
		expect(run.status).toBe(200);
		expect(run.items).toHaveLength(1);
	});
});

describe('a workflow whose stored parameters overwrite the raw-body setting', () => {
	const credentialType = new KlinkWebhookApi();

	it('tells the owner at activation that n8n will answer bodies that are not JSON itself', async () => {
		const overwritten = hookHarness(klink, credentialType, {}, { options: {} });
		expect(await overwritten.run('checkExists')).toBe(true);
		expect(overwritten.warnings).toEqual([
			'The stored parameters of "Trigger" set "options" without "binaryData": true. n8n will answer a body that is not JSON with its own 422 before the trigger runs. Remove "options" from the node\'s parameters in the workflow JSON to get the trigger\'s 400.',
		]);
	});

	it('says nothing for a trigger as the editor saves it', async () => {
		const asSaved = hookHarness(klink, credentialType, {}, {});
		await asSaved.run('checkExists');
		expect(asSaved.warnings).toEqual([]);
	});
});

describe('what n8n could not read, and settings that make no sense', () => {
	/** What n8n's body reader (raw-body, with n8n's N8N_PAYLOAD_SIZE_MAX limit) throws: an http-errors 413. */
	const overLimit = Object.assign(new Error('request entity too large'), {
		status: 413,
		statusCode: 413,
		type: 'entity.too.large',
	});
	/** What zlib's gunzip fails with on a body that is not gzip. */
	function gunzipError(): unknown {
		try {
			gunzipSync(Buffer.from('this is not gzip'));
		} catch (error) {
			return error;
		}
		throw new Error('zlib accepted the body');
	}

	it("answers 413 to a body over n8n's payload limit, which Dotdigital retries instead of dropping", async () => {
		const run = await deliver(dotdigital, open, { body: '', readError: overLimit });
		expect(run).toMatchObject({ status: 413, items: null });
		expect(run.body).toEqual({
			status: 'rejected',
			reason: 'the request body is larger than this n8n accepts (N8N_PAYLOAD_SIZE_MAX)',
		});
		expect(run.warnings[0].meta).toMatchObject({ status: 413, provider: 'dotdigital' });
	});

	it('answers 400 to a gzip body that cannot be decoded, before checking its signature', async () => {
		const run = await deliver(klink, signatureSetup, { body: '', readError: gunzipError() });
		expect(run).toMatchObject({ status: 400, items: null });
		expect(run.body).toEqual({
			status: 'rejected',
			reason: 'the request body could not be decoded as its Content-Encoding says',
		});
	});

	it.each([0, -1, 1.5, 'abc', null, 1e9])(
		'keeps the default cap of 2,000 when Max Events per Delivery is %p',
		async (setting) => {
			const run = await deliver(
				dotdigital,
				{
					parameters: {
						authentication: 'none',
						additionalOptions: { maxEventsPerDelivery: setting },
					},
				},
				{ body: Array.from({ length: 2001 }, () => ({})) },
			);
			expect(run.body).toEqual({
				status: 'rejected',
				reason: 'the delivery holds 2001 events; this trigger takes at most 2000 per delivery',
			});
		},
	);

	it('answers 503 and logs why when the credential cannot be read, instead of failing with 500', async () => {
		const run = await deliver(klink, {}, { body: contactCreate, headers: { 'x-signature': 'ab' } });
		expect(run).toMatchObject({ status: 503, items: null, body: UNAVAILABLE });
		expect(run.warnings[0].meta.reason).toBe(
			"the trigger's credential could not be read: no test credentials of type klinkSignatureApi",
		);
	});

	it('takes one event name given as a string by an expression', async () => {
		const run = await deliver(
			klink,
			{ parameters: { authentication: 'none', events: 'contact.create' } },
			{ body: [contactCreate, fixture('klink', 'message-inbound')] },
		);
		expect(run.body).toEqual({ status: 'accepted', received: 2, emitted: 1 });
		expect(run.items!.map((item) => item.event)).toEqual(['contact.created']);
	});

	it('says, with Require Timestamp, that only a signature over timestamp.body is accepted', async () => {
		const timely = new TimelyAiTrigger();
		const body = JSON.stringify(fixture('timelyai', 'message-received'));
		const run = await deliver(
			timely,
			{
				credentials: { timelyAiApi: { webhookSecret: 's' } },
				parameters: { autoRegister: false, additionalOptions: { requireTimestamp: true } },
			},
			{
				body,
				headers: {
					'x-timely-timestamp': String(Math.floor(Date.now() / 1000)),
					'x-timely-signature': `sha256=${hmac('sha256', 's', body, 'hex')}`,
				},
			},
		);
		expect(run.status).toBe(401);
		expect(run.warnings[0].meta.reason).toBe(
			'x-timely-signature is not a signature of x-timely-timestamp.body, the only one Require Timestamp accepts',
		);
	});
});
