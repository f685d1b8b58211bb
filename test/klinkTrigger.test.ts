import { randomBytes } from 'node:crypto';

import { KlinkTrigger } from '../nodes/KlinkTrigger/KlinkTrigger.node';
import { expectedEvent, expectedEventNames, fixture, providerFixtures } from './support/fixtures';
import { deliver, type TriggerSetup } from './support/runTrigger';
import { basicAuthorization, hmac } from './support/signing';

const SECRET = randomBytes(16).toString('hex');
const trigger = new KlinkTrigger();
const signatureSetup: TriggerSetup = {
	typeVersion: 1,
	credentials: { klinkWebhookApi: { signingSecret: SECRET } },
};

function signed(envelope: unknown, secret = SECRET) {
	const body = JSON.stringify(envelope);
	return { body, headers: { 'x-signature': hmac('sha256', secret, body, 'hex') } };
}

describe('K-LINK Trigger with the documented payloads', () => {
	it('has a hand-written expected event for every fixture', () => {
		expect(expectedEventNames('klink')).toEqual(providerFixtures('klink').map(({ name }) => name));
	});

	it.each(providerFixtures('klink'))(
		'maps $name to its expected canonical event',
		async ({ name, envelope }) => {
			const run = await deliver(trigger, signatureSetup, signed(envelope));
			expect(run.status).toBe(200);
			expect(run.items).toEqual([expectedEvent('klink', name)]);
		},
	);

	it('gives the same envelope the same eventId, and different envelopes different ones', async () => {
		const first = await deliver(
			trigger,
			signatureSetup,
			signed(fixture('klink', 'message-inbound')),
		);
		const again = await deliver(
			trigger,
			signatureSetup,
			signed(fixture('klink', 'message-inbound')),
		);
		const other = await deliver(
			trigger,
			signatureSetup,
			signed(fixture('klink', 'message-outbound')),
		);
		expect(first.items![0].eventId).toBe(again.items![0].eventId);
		expect(first.items![0].eventId).not.toBe(other.items![0].eventId);
	});
});

describe('K-LINK Trigger authentication', () => {
	const envelope = fixture('klink', 'message-inbound');

	it('answers 401 and starts nothing when signed with another secret', async () => {
		const run = await deliver(trigger, signatureSetup, signed(envelope, 'not-the-secret'));
		expect(run).toMatchObject({ status: 401, items: null });
	});

	it('answers 401 and starts nothing when the body was tampered with after signing', async () => {
		const { body, headers } = signed(envelope);
		const run = await deliver(trigger, signatureSetup, {
			body: body.replace('Hi there', 'Hi there!'),
			headers,
		});
		expect(run).toMatchObject({ status: 401, items: null });
	});

	it('answers 401 and starts nothing when the x-signature header is missing, telling only the log why', async () => {
		const run = await deliver(trigger, signatureSetup, { body: envelope });
		expect(run).toMatchObject({
			status: 401,
			items: null,
			body: { status: 'rejected', reason: 'the delivery is not authenticated' },
		});
		expect(run.warnings).toEqual([
			{
				message: 'K-LINK delivery refused with 401: missing x-signature header',
				meta: {
					workflowId: 'wf',
					node: 'Trigger',
					provider: 'klink',
					status: 401,
					reason: 'missing x-signature header',
				},
			},
		]);
	});

	it('answers 503, not 401, when the credential has no signing secret, whatever the header says', async () => {
		const run = await deliver(
			trigger,
			{ typeVersion: 1, credentials: { klinkWebhookApi: { signingSecret: '' } } },
			{
				body: JSON.stringify(envelope),
				headers: { 'x-signature': hmac('sha256', '', JSON.stringify(envelope), 'hex') },
			},
		);
		expect(run).toMatchObject({ status: 503, items: null });
	});

	it('accepts upper-case hex and a sha256= prefix in x-signature', async () => {
		const { body, headers } = signed(envelope);
		const run = await deliver(trigger, signatureSetup, {
			body,
			headers: { 'X-Signature': `sha256=${headers['x-signature'].toUpperCase()}` },
		});
		expect(run.status).toBe(200);
		expect(run.items).toHaveLength(1);
	});

	const basicSetup: TriggerSetup = {
		parameters: { authentication: 'basicAuth' },
		typeVersion: 1,
		credentials: { klinkWebhookApi: { basicAuthUser: 'klink', basicAuthPassword: 'p4ss:word' } },
	};

	it('accepts Basic auth with the right user and password', async () => {
		const run = await deliver(trigger, basicSetup, {
			body: envelope,
			headers: { authorization: basicAuthorization('klink', 'p4ss:word') },
		});
		expect(run.items).toHaveLength(1);
	});

	it.each([
		['a wrong password', basicAuthorization('klink', 'wrong')],
		['a wrong user', basicAuthorization('other', 'p4ss:word')],
		['no password', basicAuthorization('klink', '')],
		['a Bearer token', 'Bearer p4ss:word'],
	])('answers 401 to Basic auth with %s', async (_case, authorization) => {
		const run = await deliver(trigger, basicSetup, { body: envelope, headers: { authorization } });
		expect(run).toMatchObject({ status: 401, items: null });
	});

	const headerSetup: TriggerSetup = {
		parameters: { authentication: 'headerAuth' },
		typeVersion: 1,
		credentials: { klinkWebhookApi: { headerName: 'X-Klink-Token', headerToken: 't0ken' } },
	};

	it('accepts the custom header with the right value and refuses another value', async () => {
		const good = await deliver(trigger, headerSetup, {
			body: envelope,
			headers: { 'x-klink-token': 't0ken' },
		});
		const bad = await deliver(trigger, headerSetup, {
			body: envelope,
			headers: { 'x-klink-token': 't0ken2' },
		});
		expect(good.items).toHaveLength(1);
		expect(bad).toMatchObject({ status: 401, items: null });
	});

	it('accepts unsigned deliveries when authentication is None', async () => {
		const run = await deliver(
			trigger,
			{ parameters: { authentication: 'none' } },
			{ body: envelope },
		);
		expect(run.items).toHaveLength(1);
	});
});

describe('K-LINK Trigger answers', () => {
	it('answers 400 with a one-line reason that does not quote the body when it is not JSON', async () => {
		const body = 'name=John&phone=06838387278';
		const run = await deliver(trigger, signatureSetup, {
			body,
			headers: { 'x-signature': hmac('sha256', SECRET, body, 'hex') },
		});
		expect(run.status).toBe(400);
		expect(run.items).toBeNull();
		const reason = (run.body as { reason: string }).reason;
		expect(reason).toMatch(/not valid JSON/);
		expect(reason).not.toMatch(/John|0683/);
		expect(reason).not.toMatch(/\n/);
	});

	it('answers 200 and starts nothing when the event is not selected', async () => {
		const run = await deliver(
			trigger,
			{ ...signatureSetup, parameters: { events: ['contact.*'] } },
			signed(fixture('klink', 'message-inbound')),
		);
		expect(run).toMatchObject({ status: 200, items: null, body: { status: 'ignored' } });
	});

	it('emits selected events by exact name or wildcard', async () => {
		const exact = await deliver(
			trigger,
			{ ...signatureSetup, parameters: { events: ['message.inbound'] } },
			signed(fixture('klink', 'message-inbound')),
		);
		const wildcard = await deliver(
			trigger,
			{ ...signatureSetup, parameters: { events: ['message.*'] } },
			signed(fixture('klink', 'message-outbound')),
		);
		expect(exact.items).toHaveLength(1);
		expect(wildcard.items).toHaveLength(1);
	});

	it('emits an event name it does not know, saying so in problems', async () => {
		const envelope = {
			event: 'room.solved',
			timestamp: '2026-01-09T08:00:00Z',
			data: { id: 'room-1' },
		};
		const run = await deliver(trigger, signatureSetup, signed(envelope));
		expect(run.items).toHaveLength(1);
		expect(run.items![0]).toMatchObject({
			event: 'room.solved',
			providerEvent: 'room.solved',
			raw: envelope,
		});
		expect(run.items![0].problems).toEqual(['"room.solved" is not in the K-LINK event catalogue']);
	});

	it('emits a message whose documented strings are null, listing each problem without its value', async () => {
		const envelope = fixture('klink', 'message-inbound');
		const data = envelope.data as Record<string, unknown>;
		const hostile = { ...envelope, data: { ...data, message: null, roomId: 42, room: null } };
		const run = await deliver(trigger, signatureSetup, signed(hostile));
		expect(run.items).toHaveLength(1);
		const [event] = run.items!;
		expect(event).toMatchObject({
			event: 'message.received',
			conversationId: '42',
			message: { text: null },
		});
		expect(event.problems).toEqual([
			'data.message: expected string, got null',
			'data.roomId: expected string, got number',
			'data.room: expected object, got null',
		]);
	});

	it('outputs the untouched envelope when Output is Raw Payload Only', async () => {
		const envelope = fixture('klink', 'contact-create');
		const run = await deliver(
			trigger,
			{ ...signatureSetup, parameters: { additionalOptions: { output: 'raw' } } },
			signed(envelope),
		);
		expect(run.items).toEqual([envelope]);
	});
});
