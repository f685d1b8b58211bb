import { randomBytes } from 'node:crypto';

import { DotdigitalTrigger } from '../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { fixture, providerFixtures } from './support/fixtures';
import { deliver, type TriggerSetup } from './support/runTrigger';
import { hmacHex } from './support/signing';

const SECRET = randomBytes(16).toString('hex');
const trigger = new DotdigitalTrigger();
/** A webhook registered by hand: auto-registration off, the credential's secret signs. */
const setup: TriggerSetup = {
	parameters: { autoRegister: false },
	credentials: { dotdigitalCpaasApi: { webhookSecret: SECRET } },
};

function signed(body: unknown, secret = SECRET) {
	const text = JSON.stringify(body);
	return { body: text, headers: { 'x-comapi-signature': hmacHex('sha1', secret, text) } };
}

const APP_CONVERSATION = 'Customer_Services_anon_4c191a33-050b-4bab-9147-38300445fdd4';
const GENERAL_FAILURE =
	'The message failed because it could not be sent to any of the configured channels.';

/** The canonical fields each documented payload must give (seed 003). */
const expected: Record<string, object> = {
	'message-sent-1-sms': {
		event: 'message.sent',
		channel: 'sms',
		direction: 'outbound',
		message: { id: 'e9f154c8-4011-493f-bb73-09cfcf8a1411', status: 'sent' },
		error: null,
	},
	'message-sent-2-rcs': {
		event: 'message.sent',
		channel: 'rcs',
		message: { text: 'Sending is easy with One API', status: 'sent' },
	},
	'message-sent-3-fbMessenger': {
		event: 'message.sent',
		channel: 'messenger',
		message: { id: '79b156e6-c314-4114-ac6a-be8eab624951' },
	},
	'message-sent-4-appMessaging': {
		event: 'message.sent',
		channel: 'appmessaging',
		conversationId: APP_CONVERSATION,
	},
	'message-delivered-1-sms': {
		event: 'message.delivered',
		channel: 'sms',
		message: { status: 'delivered' },
		occurredAt: '2017-08-31T09:28:03.074Z',
	},
	'message-delivered-2-rcs': {
		event: 'message.delivered',
		channel: 'rcs',
		message: { id: 'df80de47-d2d7-436f-afe0-7559f64b0583' },
	},
	'message-delivered-3-fbMessenger': { event: 'message.delivered', channel: 'messenger' },
	'message-delivered-4-appMessaging': {
		event: 'message.delivered',
		channel: 'appmessaging',
		conversationId: APP_CONVERSATION,
	},
	'message-read-1-rcs': { event: 'message.read', channel: 'rcs', message: { status: 'read' } },
	'message-read-2-fbMessenger': { event: 'message.read', channel: 'messenger' },
	'message-read-3-appMessaging': {
		event: 'message.read',
		channel: 'appmessaging',
		conversationId: APP_CONVERSATION,
	},
	'message-expired-1-sms': {
		event: 'message.expired',
		channel: 'sms',
		message: { status: 'expired' },
		error: null,
	},
	'message-failed-1-none': {
		event: 'message.failed',
		channel: null,
		error: { code: null, message: GENERAL_FAILURE },
	},
	'message-failed-2-sms': {
		event: 'message.failed',
		channel: 'sms',
		error: { code: null, message: 'Rejected by operator' },
	},
	'message-failed-3-sms': {
		event: 'message.failed',
		channel: 'sms',
		error: {
			code: 'UnicodeBodyRejected',
			message:
				'body field is not valid. Unicode content is not allowed when PreventUnicode is true.',
		},
	},
	'message-failed-4-rcs': {
		event: 'message.failed',
		channel: 'rcs',
		error: { code: null, message: 'The profile is not tester' },
	},
	'message-failed-5-fbMessenger': {
		event: 'message.failed',
		channel: 'messenger',
		error: { message: 'connect ETIMEDOUT 31.13.71.1:443' },
	},
	'message-failed-6-email': {
		event: 'message.failed',
		channel: 'email',
		error: { code: '606', message: 'Not delivering to unsubscribed address' },
	},
	'message-inbound-1-sms': {
		event: 'message.received',
		channel: 'sms',
		direction: 'inbound',
		contact: { id: 'sms_447234234234', phone: '447234234234' },
		sender: { type: 'contact', id: 'sms_447234234234' },
		message: { id: '4980e512-1a11-4ac3-ad9b-f8a23905432b', text: 'Hello', type: 'text', media: [] },
		occurredAt: '2017-08-31T11:57:55.738Z',
	},
	'message-inbound-2-fbMessenger': {
		event: 'message.received',
		channel: 'messenger',
		message: { text: 'Hi there', type: 'text' },
	},
	'message-inbound-3-fbMessenger': {
		event: 'message.received',
		channel: 'messenger',
		message: {
			text: null,
			type: 'image',
			media: [
				{
					url: 'https://scontent.xx.fbcdn.net/v/t35.0-12/18836412_972877662815683_1343824608_o.png?_nc_ad=z-m&oh=bb64923a45848c937f15cbb415bf7942&oe=592F8F05',
					mimeType: 'image/*',
					name: null,
				},
			],
		},
	},
	'message-inbound-4-appMessaging': {
		event: 'message.received',
		channel: 'appmessaging',
		conversationId: APP_CONVERSATION,
		contact: { id: 'anon_4c191a33-050b-4bab-9147-38300445fdd4' },
		message: { text: 'Hi there', type: 'text' },
	},
	'message-inbound-5-rcs': {
		event: 'message.received',
		channel: 'rcs',
		contact: { phone: '447123123123' },
		message: { text: 'Hi' },
	},
	'message-inbound-6-rcs': {
		event: 'message.received',
		channel: 'rcs',
		message: {
			text: null,
			type: 'file',
			media: [
				{
					url: 'https://rcs-user-content-eu.storage.googleapis.com/802acc59-605f-417c-c2fb-877222c2d1e7/5f5cd9e112c64f47aa79368b945643b3e4ef51021d739db15d07cbcfacc5',
					mimeType: 'application/pdf',
					name: 'ClaimsForm.pdf',
				},
			],
		},
	},
	'message-inbound-7-rcs': {
		event: 'message.received',
		channel: 'rcs',
		message: { type: 'image', media: [{ mimeType: 'image/gif', name: '3' }] },
	},
};

describe('Dotdigital CPaaS Trigger with the documented payloads', () => {
	it('has an expectation for every fixture', () => {
		expect(
			providerFixtures('dotdigital')
				.map(({ name }) => name)
				.sort(),
		).toEqual(Object.keys(expected).sort());
	});

	it.each(providerFixtures('dotdigital'))(
		'maps $name to the canonical event',
		async ({ name, envelope }) => {
			const run = await deliver(trigger, setup, signed(envelope));
			expect(run.status).toBe(200);
			expect(run.items).toHaveLength(1);
			const [event] = run.items!;
			expect(event).toMatchObject({
				...expected[name],
				provider: 'dotdigital',
				providerEvent: envelope.name,
				eventId: envelope.eventId,
				problems: [],
				tags: [],
			});
			expect(event.raw).toEqual(envelope);
		},
	);
});

describe('Dotdigital CPaaS Trigger batches', () => {
	const documented = providerFixtures('dotdigital').map(({ envelope }) => envelope);

	it('emits one item per event, in order, for a batch of 500', async () => {
		const batch = Array.from({ length: 500 }, (_, index) => ({
			...documented[index % documented.length],
			eventId: `batch-event-${index}`,
		}));
		const run = await deliver(trigger, setup, signed(batch));
		expect(run.status).toBe(200);
		expect(run.body).toMatchObject({ status: 'accepted', received: 500, emitted: 500 });
		expect(run.items!.map((item) => item.eventId)).toEqual(
			batch.map((envelope) => envelope.eventId),
		);
	});

	it('never answers 400 because one envelope of a batch is odd: every one is emitted', async () => {
		const batch = [
			fixture('dotdigital', 'message-inbound-1-sms'),
			'not an envelope',
			{ eventId: 'no-name', payload: {} },
			{ ...fixture('dotdigital', 'message-sent-1-sms'), name: 'message.queued' },
			{ ...fixture('dotdigital', 'message-failed-6-email'), payload: null },
			fixture('dotdigital', 'message-read-1-rcs'),
		];
		const run = await deliver(trigger, setup, signed(batch));
		expect(run.status).toBe(200);
		expect(run.items).toHaveLength(6);
		const [inbound, notAnEnvelope, nameless, unknownName, nullPayload, read] = run.items!;
		expect(inbound).toMatchObject({ event: 'message.received', problems: [] });
		expect(notAnEnvelope).toMatchObject({ event: 'unrecognised', raw: 'not an envelope' });
		expect(notAnEnvelope.problems).toEqual(['the envelope is not a JSON object']);
		expect(nameless).toMatchObject({ event: 'unrecognised', eventId: 'no-name' });
		expect(nameless.problems).toContain(
			'the envelope has no event name where the provider documents one',
		);
		expect(unknownName).toMatchObject({ event: 'message.queued', providerEvent: 'message.queued' });
		expect(unknownName.problems).toEqual([
			'"message.queued" is not in the Dotdigital CPaaS event catalogue',
		]);
		expect(nullPayload).toMatchObject({
			event: 'message.failed',
			eventId: '90e0b8c5-efc0-4db0-882d-79783efab84c',
		});
		expect(nullPayload.problems).toEqual(['payload: expected object, got null']);
		expect(read).toMatchObject({ event: 'message.read', problems: [] });
	});

	it('answers 200 and starts nothing for an empty batch', async () => {
		const run = await deliver(trigger, setup, signed([]));
		expect(run).toMatchObject({
			status: 200,
			items: null,
			body: { status: 'ignored', received: 0 },
		});
	});

	it('keeps only the selected events of a batch and starts nothing when none is selected', async () => {
		const batch = [
			fixture('dotdigital', 'message-inbound-1-sms'),
			fixture('dotdigital', 'message-failed-2-sms'),
			fixture('dotdigital', 'message-sent-1-sms'),
		];
		const failedOnly = {
			...setup,
			parameters: { ...setup.parameters, events: ['message.failed'] },
		};
		const some = await deliver(trigger, failedOnly, signed(batch));
		expect(some.items!.map((item) => item.event)).toEqual(['message.failed']);
		expect(some.body).toMatchObject({ received: 3, emitted: 1 });

		const none = await deliver(
			trigger,
			{ ...setup, parameters: { ...setup.parameters, events: ['profile.*'] } },
			signed(batch),
		);
		expect(none).toMatchObject({
			status: 200,
			items: null,
			body: { status: 'ignored', received: 3 },
		});
	});
});

describe('Dotdigital CPaaS Trigger authentication', () => {
	const envelope = fixture('dotdigital', 'message-inbound-1-sms');

	it('answers 401 and starts nothing for a wrong secret, a tampered body or a missing header', async () => {
		const wrongSecret = await deliver(trigger, setup, signed(envelope, 'another-secret'));
		const { body, headers } = signed(envelope);
		const tampered = await deliver(trigger, setup, {
			body: body.replace('Hello', 'Hellp'),
			headers,
		});
		const unsigned = await deliver(trigger, setup, { body });
		for (const run of [wrongSecret, tampered, unsigned])
			expect(run).toMatchObject({ status: 401, items: null });
		for (const run of [wrongSecret, tampered, unsigned])
			expect(run.body).toEqual({ status: 'rejected', reason: 'the delivery is not authenticated' });
		expect(unsigned.warnings.map(({ meta }) => meta.reason)).toEqual([
			'missing x-comapi-signature header',
		]);
		expect(tampered.warnings.map(({ meta }) => meta.reason)).toEqual([
			'x-comapi-signature does not match the body',
		]);
	});

	it('checks the signature before anything else, so a forged batch is refused whole', async () => {
		const forged = signed([envelope, envelope], 'attacker');
		const run = await deliver(trigger, setup, forged);
		expect(run).toMatchObject({ status: 401, items: null });
	});

	it('does not take a SHA-256 signature for the SHA-1 one Dotdigital sends', async () => {
		const body = JSON.stringify(envelope);
		const run = await deliver(trigger, setup, {
			body,
			headers: { 'x-comapi-signature': hmacHex('sha256', SECRET, body) },
		});
		expect(run).toMatchObject({ status: 401, items: null });
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
