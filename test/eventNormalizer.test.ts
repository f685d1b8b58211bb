import { EventNormalizer } from '../nodes/EventNormalizer/EventNormalizer.node';
import { fixture, providerFixtures } from './support/fixtures';
import { runNode } from './support/runNode';
import { deliver } from './support/runTrigger';
import type { INodeType } from 'n8n-workflow';
import { TRIGGER_NODES } from './support/triggerNodes';

const normalizer = new EventNormalizer();

const triggers: Record<string, INodeType> = TRIGGER_NODES;
const unauthenticated = { authentication: 'none' };
const partooCredentials = { credentials: { partooApi: { apiKey: 'k', environment: 'sandbox' } } };

const everyFixture = Object.keys(triggers).flatMap((provider) =>
	providerFixtures(provider).map((entry) => ({ provider, ...entry })),
);

describe('Normalize Messaging Event', () => {
	it.each(everyFixture)(
		'gives the same event as the $provider trigger for $name, detecting the provider',
		async ({ provider, envelope }) => {
			const [[normalized]] = await runNode(normalizer, {}, [envelope]);
			const fromTrigger = await deliver(
				triggers[provider],
				{ parameters: unauthenticated, ...partooCredentials },
				{ body: envelope },
			);
			expect(normalized.json).toEqual(fromTrigger.items![0]);
			expect(normalized.pairedItem).toEqual({ item: 0 });
		},
	);

	it('splits a Dotdigital batch into one item per event, in order, paired with its input', async () => {
		const batch = providerFixtures('dotdigital').map(({ envelope }) => envelope);
		const [output] = await runNode(normalizer, {}, [
			{ headers: { 'content-type': 'application/json' }, body: batch },
		]);
		expect(output.map((item) => item.json.eventId)).toEqual(
			batch.map((envelope) => envelope.eventId),
		);
		expect(output.every((item) => (item.pairedItem as { item: number }).item === 0)).toBe(true);
	});

	it("reads the body of items from n8n's Webhook node, a named field, and JSON text", async () => {
		const envelope = fixture('klink', 'message-inbound');
		const [fromWebhook] = await runNode(normalizer, {}, [
			{ headers: {}, params: {}, query: {}, body: envelope },
		]);
		const [fromField] = await runNode(normalizer, { payloadField: 'payload' }, [
			{ payload: JSON.stringify(envelope) },
		]);
		expect(fromWebhook[0].json).toMatchObject({ provider: 'klink', event: 'message.received' });
		expect(fromField[0].json).toEqual(fromWebhook[0].json);
	});

	it('fails an unrecognisable item with a clear error naming the item', async () => {
		await expect(
			runNode(normalizer, {}, [fixture('klink', 'contact-create'), { hello: 'world' }]),
		).rejects.toThrow('Item 1 is not a payload of a supported messaging provider');
	});

	it('honours continue on fail: the bad item becomes an error item, the others are normalized', async () => {
		const [output] = await runNode(
			normalizer,
			{},
			[{ hello: 'world' }, fixture('timelyai', 'message-sent')],
			{ continueOnFail: true },
		);
		expect(output[0].json).toEqual({
			error: 'Item 0 is not a payload of a supported messaging provider',
		});
		expect(output[1].json).toMatchObject({
			provider: 'timelyai',
			event: 'message.sent',
			sender: { type: 'ai' },
		});
	});

	it('normalizes with the chosen provider even when detection would not know the shape', async () => {
		const [[item]] = await runNode(normalizer, { provider: 'klink' }, [
			{ event: 'room.solved', data: {} },
		]);
		expect(item.json).toMatchObject({ provider: 'klink', event: 'room.solved' });
	});

	it('reads the provider and the payload field for each item', async () => {
		const parameters = { provider: '={{ $json.from }}', payloadField: '={{ $json.where }}' };
		const items = [
			{ from: 'klink', where: 'payload', payload: fixture('klink', 'message-inbound') },
			{ from: 'whatsapp', where: 'payload', payload: fixture('klink', 'message-inbound') },
			{ from: 'timelyai', where: 'body', body: fixture('timelyai', 'message-sent') },
		];
		const [output] = await runNode(normalizer, parameters, items, { continueOnFail: true });
		expect(output.map(({ json }) => json.error ?? [json.provider, json.event])).toEqual([
			['klink', 'message.received'],
			'"whatsapp" is not a known provider',
			['timelyai', 'message.sent'],
		]);
		expect(output.map(({ pairedItem }) => pairedItem)).toEqual([
			{ item: 0 },
			{ item: 1 },
			{ item: 2 },
		]);
		await expect(runNode(normalizer, parameters, items)).rejects.toThrow(
			'"whatsapp" is not a known provider',
		);
	});
});
