import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

import { partooPublicKeys } from '../lib/providers/partoo/publicKeys';
import { PartooTrigger } from '../nodes/PartooTrigger/PartooTrigger.node';
import { expectedEvent, expectedEventNames, fixture, providerFixtures } from './support/fixtures';
import { deliver, type TriggerSetup } from './support/runTrigger';

const trigger = new PartooTrigger();
// The documented payload's organisation is 123.
const sandboxSetup: TriggerSetup = {
	credentials: { partooApi: { apiKey: 'k', environment: 'sandbox', orgId: '123' } },
};
const productionSetup: TriggerSetup = {
	credentials: { partooApi: { apiKey: 'k', environment: 'production', orgId: '123' } },
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

/** A delivery signed with the (test) sandbox key, through the trigger set up as given. */
const deliverSigned = (setup: TriggerSetup, envelope: unknown, headers?: Record<string, string>) =>
	deliver(trigger, setup, signedBy(partooSandbox.privateKey, envelope, headers));

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

	it('keeps the text of a content type it does not know, and a file URL as media', async () => {
		const unknownType = await deliverSigned(
			sandboxSetup,
			withMessage({ content_type: 'Carousel', content: 'Pick one of our offers' }),
		);
		const image = await deliverSigned(
			sandboxSetup,
			withMessage({ content_type: 'Image', content: 'https://cdn.example/photo.jpg' }),
		);
		expect(unknownType.items![0].message).toEqual({
			id: '123',
			text: 'Pick one of our offers',
			type: 'carousel',
			status: 'sending',
			media: [],
		});
		expect(image.items![0].message).toEqual({
			id: '123',
			text: null,
			type: 'image',
			status: 'sending',
			media: [{ url: 'https://cdn.example/photo.jpg', mimeType: null, name: null }],
		});
	});

	it('emits an event type it does not know', async () => {
		const envelope = { type: 'review_created', payload: { review: { id: 1 }, org_id: 123 } };
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
		const run = await deliverSigned(productionSetup, documented);
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

/** A sandbox credential naming this organisation ('' for none). */
const withOrganisation = (orgId: string): TriggerSetup => ({
	credentials: { partooApi: { apiKey: 'k', environment: 'sandbox', orgId } },
});

function forOrganization(orgId: unknown) {
	const envelope = structuredClone(documented) as { payload: Record<string, unknown> };
	if (orgId === undefined) delete envelope.payload.org_id;
	else envelope.payload.org_id = orgId;
	return envelope;
}

describe("Partoo Trigger and the credential's organisation", () => {
	it('starts nothing for a validly signed delivery of another organisation: 403, and the log says why', async () => {
		const run = await deliverSigned(sandboxSetup, forOrganization(456));
		expect(run).toMatchObject({
			status: 403,
			items: null,
			body: { status: 'rejected', reason: 'the delivery is not for this trigger' },
		});
		expect(run.warnings.map(({ message }) => message)).toEqual([
			"Partoo delivery refused with 403: 1 of 1 events is not for this trigger's organization 123 (payload.org_id 456)",
		]);
	});

	it('starts nothing for a signed delivery that names no organisation', async () => {
		const run = await deliverSigned(sandboxSetup, forOrganization(undefined));
		expect(run).toMatchObject({ status: 403, items: null });
		expect(run.warnings[0].meta.reason).toBe(
			"1 of 1 events is not for this trigger's organization 123 (1 without payload.org_id)",
		);
	});

	it('reads an organisation id sent as text, and one around spaces in the credential', async () => {
		const run = await deliver(
			trigger,
			withOrganisation(' 123 '),
			signedBy(partooSandbox.privateKey, forOrganization('123')),
		);
		expect(run).toMatchObject({ status: 200, items: [{ event: 'message.sent' }] });
	});

	it('uses the organisation learnt at activation when the credential names none', async () => {
		const learnt: TriggerSetup = {
			...withOrganisation(''),
			staticData: { deliveryAccount: '123' },
		};
		const ours = await deliverSigned(learnt, documented);
		const theirs = await deliverSigned(learnt, forOrganization(124));
		expect(ours).toMatchObject({
			status: 200,
			items: [expectedEvent('partoo', 'message-created')],
		});
		expect(theirs).toMatchObject({ status: 403, items: null });
	});

	it('answers every signed delivery 503 (ours, retried) while it knows no organisation, and says what to do', async () => {
		const run = await deliverSigned(withOrganisation(''), documented);
		expect(run).toMatchObject({ status: 503, items: null });
		expect(run.warnings[0].meta.reason).toBe(
			'the trigger does not know which Partoo organization it is for: fill in the organization in the credential, or deactivate and activate the workflow so that the trigger asks Partoo',
		);
	});

	it("in a batch, leaves out only the other organisation's events and logs them", async () => {
		const run = await deliverSigned(sandboxSetup, [documented, forOrganization(456), documented]);
		expect(run).toMatchObject({ status: 200, body: { received: 3, emitted: 2 } });
		expect(run.items).toEqual([
			expectedEvent('partoo', 'message-created'),
			expectedEvent('partoo', 'message-created'),
		]);
		expect(run.warnings.map(({ message }) => message)).toEqual([
			"Partoo delivery: events left out: 1 of 3 events is not for this trigger's organization 123 (payload.org_id 456)",
		]);
	});

	it('checks no organisation without signatures: any sender can write any org_id then', async () => {
		const run = await deliver(
			trigger,
			{ ...sandboxSetup, parameters: { authentication: 'none' } },
			{ body: JSON.stringify(forOrganization(456)) },
		);
		expect(run).toMatchObject({ status: 200, items: [{ event: 'message.sent' }] });
	});
});

describe('Partoo Trigger and the tryout header, which the signature does not cover', () => {
	const TRYOUT = { 'X-Partoo-Webhook-Tryout': 'true' };

	it('answers 401 and starts nothing for a tryout header on an unsigned or forged delivery', async () => {
		const unsigned = await deliver(trigger, sandboxSetup, {
			body: JSON.stringify(documented),
			headers: TRYOUT,
		});
		const forged = await deliver(
			trigger,
			sandboxSetup,
			signedBy(stranger.privateKey, documented, TRYOUT),
		);
		expect(unsigned).toMatchObject({ status: 401, items: null });
		expect(forged).toMatchObject({ status: 401, items: null });
	});

	it("still refuses another organisation's delivery with the tryout header", async () => {
		const run = await deliverSigned(sandboxSetup, forOrganization(456), TRYOUT);
		expect(run).toMatchObject({ status: 403, items: null });
	});

	it('on a validly signed delivery, adding or removing it flips testDelivery and nothing else', async () => {
		const plain = await deliverSigned(sandboxSetup, documented);
		const tryout = await deliverSigned(sandboxSetup, documented, TRYOUT);
		expect(plain.items).toEqual([
			{ ...expectedEvent('partoo', 'message-created'), testDelivery: false },
		]);
		expect(tryout.items).toEqual([
			{ ...expectedEvent('partoo', 'message-created'), testDelivery: true },
		]);
		expect({ status: tryout.status, body: tryout.body }).toEqual({
			status: plain.status,
			body: plain.body,
		});
	});
});
