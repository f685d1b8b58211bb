import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

import { partooPublicKeys } from '../lib/providers/partoo/publicKeys';
import { PartooTrigger } from '../nodes/PartooTrigger/PartooTrigger.node';
import { expectedEvent, expectedEventNames, fixture, providerFixtures } from './support/fixtures';
import { deliver, type TriggerSetup } from './support/runTrigger';

const trigger = new PartooTrigger();
const sandboxSetup: TriggerSetup = {
	credentials: { partooApi: { apiKey: 'k', environment: 'sandbox', orgId: '' } },
};
const productionSetup: TriggerSetup = {
	credentials: { partooApi: { apiKey: 'k', environment: 'production', orgId: '' } },
};

// Partoo's private keys are Partoo's: the sandbox key is swapped for a test key pair so that
// accepted deliveries can be signed here; production keeps Partoo's published key.
const partooSandbox = generateKeyPairSync('ed25519');
const stranger = generateKeyPairSync('ed25519');
let publishedSandboxKey: KeyObject;
beforeAll(() => {
	publishedSandboxKey = partooPublicKeys.get('sandbox')!;
	partooPublicKeys.set('sandbox', partooSandbox.publicKey);
});
afterAll(() => partooPublicKeys.set('sandbox', publishedSandboxKey));

function signedBy(privateKey: KeyObject, envelope: unknown, headers: Record<string, string> = {}) {
	const body = JSON.stringify(envelope);
	return {
		body,
		headers: {
			'x-partoo-signature-v1': sign(null, Buffer.from(body), privateKey).toString('base64'),
			...headers,
		},
	};
}

const documented = fixture('partoo', 'message-created');
type PartooMessage = {
	payload: { message: Record<string, unknown>; conversation: Record<string, unknown> };
};
function withMessage(changes: Record<string, unknown>) {
	const envelope = structuredClone(documented) as unknown as PartooMessage;
	Object.assign(envelope.payload.message, changes);
	return envelope;
}

describe('Partoo Trigger with the documented payload', () => {
	it('has a hand-written expected event for every fixture', () => {
		expect(expectedEventNames('partoo')).toEqual(
			providerFixtures('partoo').map(({ name }) => name),
		);
	});

	it('maps the documented message, sent by a user, to its expected canonical event', async () => {
		const run = await deliver(
			trigger,
			sandboxSetup,
			signedBy(partooSandbox.privateKey, documented),
		);
		expect(run.status).toBe(200);
		expect(run.items).toEqual([expectedEvent('partoo', 'message-created')]);
	});

	it('maps a consumer message to message.received from the contact, and an automated one to automation', async () => {
		const fromConsumer = await deliver(
			trigger,
			sandboxSetup,
			signedBy(
				partooSandbox.privateKey,
				withMessage({ sender_type: 'Consumer', status: 'Success', user_id: null }),
			),
		);
		expect(fromConsumer.items![0]).toMatchObject({
			event: 'message.received',
			direction: 'inbound',
			sender: { type: 'contact', id: null, name: 'John Doe' },
		});
		const automated = await deliver(
			trigger,
			sandboxSetup,
			signedBy(partooSandbox.privateKey, withMessage({ is_automated: true })),
		);
		expect(automated.items![0]).toMatchObject({
			event: 'message.sent',
			sender: { type: 'automation' },
		});
	});

	it('marks a tryout delivery and still starts the workflow', async () => {
		const run = await deliver(
			trigger,
			sandboxSetup,
			signedBy(partooSandbox.privateKey, documented, { 'X-Partoo-Webhook-Tryout': 'true' }),
		);
		expect(run.items![0]).toMatchObject({ event: 'message.sent', testDelivery: true });
	});

	it('emits a message with nulls where strings are documented, listing the problems', async () => {
		const run = await deliver(
			trigger,
			sandboxSetup,
			signedBy(
				partooSandbox.privateKey,
				withMessage({ content_type: null, status: null, date: null }),
			),
		);
		expect(run.items![0].problems).toEqual([
			'payload.message.date: expected string, got null',
			'payload.message.content_type: expected string, got null',
			'payload.message.status: expected string, got null',
		]);
		expect(run.items![0]).toMatchObject({
			event: 'message.sent',
			occurredAt: null,
			message: { type: null, status: null },
		});
	});

	it('emits an event type it does not know', async () => {
		const envelope = { type: 'review_created', payload: { review: { id: 1 } } };
		const run = await deliver(trigger, sandboxSetup, signedBy(partooSandbox.privateKey, envelope));
		expect(run.items![0]).toMatchObject({
			event: 'review_created',
			problems: ['"review_created" is not in the Partoo event catalogue'],
		});
	});
});

describe('Partoo Trigger signature', () => {
	it('answers 401 to a delivery signed by another key', async () => {
		const run = await deliver(trigger, sandboxSetup, signedBy(stranger.privateKey, documented));
		expect(run).toMatchObject({ status: 401, items: null });
	});

	it('answers 401 to a tampered body and to a missing signature', async () => {
		const { body, headers } = signedBy(partooSandbox.privateKey, documented);
		const tampered = await deliver(trigger, sandboxSetup, {
			body: body.replace('Jane Doe', 'Jane Dot'),
			headers,
		});
		const unsigned = await deliver(trigger, sandboxSetup, { body });
		expect(tampered).toMatchObject({ status: 401, items: null });
		expect(unsigned).toMatchObject({
			status: 401,
			items: null,
			body: { status: 'rejected', reason: 'the delivery is not authenticated' },
		});
		expect(unsigned.warnings[0].meta.reason).toBe('missing x-partoo-signature-v1 header');
	});

	it("checks production deliveries against Partoo's production key, not the sandbox one", async () => {
		const run = await deliver(
			trigger,
			productionSetup,
			signedBy(partooSandbox.privateKey, documented),
		);
		expect(run).toMatchObject({ status: 401, items: null });
	});

	it('filters by event type: an unselected type starts nothing', async () => {
		const run = await deliver(
			trigger,
			{ ...sandboxSetup, parameters: { events: ['lead_received'] } },
			signedBy(partooSandbox.privateKey, documented),
		);
		expect(run).toMatchObject({ status: 200, items: null });
	});
});
