import { randomBytes } from 'node:crypto';

import { DotdigitalTrigger } from '../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { expectedEvent, expectedEventNames, fixture, providerFixtures } from './support/fixtures';
import { deliver, type TriggerSetup } from './support/runTrigger';
import { hmac } from './support/signing';

const SECRET = randomBytes(16).toString('hex');
const trigger = new DotdigitalTrigger();
/** A webhook registered by hand: auto-registration off, the credential's secret signs. */
const setup: TriggerSetup = {
	parameters: { autoRegister: false },
	credentials: { dotdigitalCpaasApi: { webhookSecret: SECRET } },
};

function signed(body: unknown, secret = SECRET) {
	const text = JSON.stringify(body);
	return { body: text, headers: { 'x-comapi-signature': hmac('sha1', secret, text, 'hex') } };
}

describe('Dotdigital CPaaS Trigger with the documented payloads', () => {
	it('has a hand-written expected event for every fixture', () => {
		expect(expectedEventNames('dotdigital')).toEqual(
			providerFixtures('dotdigital').map(({ name }) => name),
		);
	});

	it.each(providerFixtures('dotdigital'))(
		'maps $name to its expected canonical event',
		async ({ name, envelope }) => {
			const run = await deliver(trigger, setup, signed(envelope));
			expect(run.status).toBe(200);
			expect(run.items).toEqual([expectedEvent('dotdigital', name)]);
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
			headers: { 'x-comapi-signature': hmac('sha256', SECRET, body, 'hex') },
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
