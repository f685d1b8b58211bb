import { randomBytes } from 'node:crypto';

import { TimelyAiTrigger } from '../nodes/TimelyAiTrigger/TimelyAiTrigger.node';
import { expectedEvent, expectedEventNames, fixture, providerFixtures } from './support/fixtures';
import { deliver, type TriggerSetup } from './support/runTrigger';
import { hmac } from './support/signing';

const SECRET = randomBytes(16).toString('hex');
const trigger = new TimelyAiTrigger();
/** A webhook registered by hand: auto-registration off, the credential's secret signs. */
const setup: TriggerSetup = {
	parameters: { autoRegister: false },
	credentials: { timelyAiApi: { apiKey: 'k', webhookSecret: SECRET } },
};

function signed(
	envelope: unknown,
	{ secret = SECRET, timestamp }: { secret?: string; timestamp?: string } = {},
): { body: string; headers: Record<string, string> } {
	const body = JSON.stringify(envelope);
	if (timestamp === undefined)
		return {
			body,
			headers: { 'x-timely-signature': `sha256=${hmac('sha256', secret, body, 'hex')}` },
		};
	return {
		body,
		headers: {
			'x-timely-signature': `sha256=${hmac('sha256', secret, `${timestamp}.${body}`, 'hex')}`,
			'x-timely-timestamp': timestamp,
		},
	};
}

const secondsAgo = (seconds: number) => String(Math.floor(Date.now() / 1000) - seconds);

describe('Timely.ai Trigger with the documented payloads', () => {
	it('has a hand-written expected event for every fixture', () => {
		expect(expectedEventNames('timelyai')).toEqual(
			providerFixtures('timelyai').map(({ name }) => name),
		);
	});

	it.each(providerFixtures('timelyai'))(
		'maps $name to its expected canonical event',
		async ({ name, envelope }) => {
			const run = await deliver(trigger, setup, signed(envelope, { timestamp: secondsAgo(2) }));
			expect(run.status).toBe(200);
			expect(run.items).toEqual([expectedEvent('timelyai', name)]);
		},
	);

	it.each([
		['attendant', 'agent'],
		['api', 'api'],
		['automation', 'automation'],
	])('maps sent_by_type %s to sender %s', async (sentByType, senderType) => {
		const envelope = fixture('timelyai', 'message-sent');
		const run = await deliver(
			trigger,
			setup,
			signed({ ...envelope, data: { ...(envelope.data as object), sent_by_type: sentByType } }),
		);
		expect(run.items![0]).toMatchObject({ sender: { type: senderType } });
	});

	it('emits nulls and numbers where strings are documented, listing the problems', async () => {
		const envelope = fixture('timelyai', 'message-failed');
		const hostile = {
			...envelope,
			data: { ...(envelope.data as object), error_code: null, error_message: 42 },
		};
		const run = await deliver(trigger, setup, signed(hostile));
		expect(run.items![0]).toMatchObject({
			event: 'message.failed',
			error: { code: null, message: '42' },
		});
		expect(run.items![0].problems).toEqual([
			'data.error_code: expected string, got null',
			'data.error_message: expected string, got number',
		]);
	});
});

it('emits an event name Timely.ai may add later, under its own name', async () => {
	const envelope = { ...fixture('timelyai', 'message-read'), event: 'message.reaction_added' };
	const run = await deliver(trigger, setup, signed(envelope));
	expect(run.items![0]).toMatchObject({
		event: 'message.reaction_added',
		eventId: 'evt_01HX4D7Q5SJUW8ZCFQWA3ZFH',
		problems: ['"message.reaction_added" is not in the Timely.ai event catalogue'],
	});
});

describe('Timely.ai Trigger signature and replay protection', () => {
	const envelope = fixture('timelyai', 'message-received');

	it('accepts the body-only signature and the timestamped one', async () => {
		expect((await deliver(trigger, setup, signed(envelope))).items).toHaveLength(1);
		expect(
			(await deliver(trigger, setup, signed(envelope, { timestamp: secondsAgo(30) }))).items,
		).toHaveLength(1);
	});

	it('answers 401 to a replay older than the tolerance, and accepts it within a wider configured one', async () => {
		const stale = signed(envelope, { timestamp: secondsAgo(600) });
		const refused = await deliver(trigger, setup, stale);
		expect(refused).toMatchObject({
			status: 401,
			items: null,
			body: { status: 'rejected', reason: 'the delivery is not authenticated' },
		});
		expect(refused.warnings[0].meta.reason).toBe(
			'x-timely-timestamp is outside the accepted time window',
		);
		const tolerant = {
			...setup,
			parameters: { ...setup.parameters, additionalOptions: { timestampToleranceSeconds: 900 } },
		};
		expect((await deliver(trigger, tolerant, stale)).items).toHaveLength(1);
	});

	it.each([
		['299 s old', 200, 299],
		['301 s old', 401, 301],
		['299 s ahead', 200, -299],
		['301 s ahead', 401, -301],
	])(
		'holds the 300 s tolerance both ways: a timestamp %s is answered %s',
		async (_, status, secondsBefore) => {
			const run = await deliver(
				trigger,
				{ ...setup, nodeId: `tolerance-${secondsBefore}` },
				signed(envelope, { timestamp: secondsAgo(secondsBefore) }),
			);
			expect(run.status).toBe(status);
			expect(run.items?.length ?? 0).toBe(status === 200 ? 1 : 0);
		},
	);

	it('answers 401 to a fresh timestamp glued onto an old signature', async () => {
		const { body, headers } = signed(envelope, { timestamp: secondsAgo(600) });
		const run = await deliver(trigger, setup, {
			body,
			headers: { ...headers, 'x-timely-timestamp': secondsAgo(1) },
		});
		expect(run).toMatchObject({ status: 401, items: null });
	});

	it('answers 401 to a wrong secret and to a tampered body', async () => {
		expect(await deliver(trigger, setup, signed(envelope, { secret: 'nope' }))).toMatchObject({
			status: 401,
			items: null,
		});
		const { body, headers } = signed(envelope);
		expect(
			await deliver(trigger, setup, { body: body.replace('planos', 'plano$'), headers }),
		).toMatchObject({ status: 401 });
	});

	it('checks deliveries with the secret Timely.ai returned at registration, not the credential one', async () => {
		const registered = {
			...setup,
			parameters: { autoRegister: true },
			staticData: {
				registration: { ids: ['wh_1'], url: 'u', events: [], secret: 'whsec_from_api' },
			},
		};
		expect(
			(await deliver(trigger, registered, signed(envelope, { secret: 'whsec_from_api' }))).items,
		).toHaveLength(1);
		expect(await deliver(trigger, registered, signed(envelope))).toMatchObject({ status: 401 });
	});

	it('does not read the credential when a secret was kept at registration (n8n decrypts it on every read)', async () => {
		const withoutCredential = {
			staticData: {
				registration: { ids: ['wh_1'], url: 'u', events: [], secret: 'whsec_from_api' },
			},
		};
		expect(
			(await deliver(trigger, withoutCredential, signed(envelope, { secret: 'whsec_from_api' })))
				.items,
		).toHaveLength(1);
	});

	it('checks the credential secret, never a leftover one, once Register Webhook Automatically is off', async () => {
		const staticData = {
			registration: { ids: ['wh_1'], url: 'u', events: [], secret: 'whsec_retired' },
		};
		const leftover = { ...setup, staticData };
		const retired = await deliver(trigger, leftover, signed(envelope, { secret: 'whsec_retired' }));
		expect(retired).toMatchObject({ status: 401, items: null });
		expect(staticData).toEqual({});
		expect(retired.warnings.map(({ message }) => message)).toContain(
			'Timely.ai: "Register Webhook Automatically" is off, so the secret kept when this trigger registered webhook wh_1 is no longer used. Delete that webhook at Timely.ai if it still exists.',
		);
		expect((await deliver(trigger, leftover, signed(envelope))).items).toHaveLength(1);
	});

	it.each([
		['an object', { kind: 'none' }],
		['an object', { kind: 'hmacSignature', secret: 'attacker' }],
		['a number', 42],
		['a list', ['whsec_from_api']],
		['a boolean', true],
		['null', null],
	])(
		'treats a stored secret that is %s (%j) as a broken registration: 503, and no delivery passes',
		async (kind, secret) => {
			const odd = {
				...setup,
				parameters: { autoRegister: true },
				staticData: { registration: { ids: ['wh_1'], url: 'u', events: [], secret } },
			};
			const unsigned = { body: JSON.stringify(envelope) };
			for (const delivery of [
				unsigned,
				signed(envelope),
				signed(envelope, { secret: 'attacker' }),
			]) {
				const run = await deliver(trigger, odd, delivery);
				expect(run).toMatchObject({ status: 503, items: null });
				expect(run.warnings[0].meta.reason).toBe(
					`the webhook secret kept at registration is not text (${kind}): deactivate and activate the workflow to register again`,
				);
			}
		},
	);

	it('drops a leftover registration of any shape once Register Webhook Automatically is off', async () => {
		const staticData = { registration: { ids: 'wh_1', secret: { kind: 'none' } } };
		const run = await deliver(
			trigger,
			{ ...setup, staticData },
			{ body: JSON.stringify(envelope) },
		);
		expect(run).toMatchObject({ status: 401, items: null });
		expect(staticData).toEqual({});
		expect((await deliver(trigger, { ...setup, staticData }, signed(envelope))).items).toHaveLength(
			1,
		);
	});

	it('answers every delivery 503 while registering automatically with no secret kept', async () => {
		const run = await deliver(trigger, { ...setup, parameters: {} }, signed(envelope));
		expect(run).toMatchObject({ status: 503, items: null });
		expect(run.warnings[0].meta.reason).toBe(
			'no webhook secret was kept at registration: deactivate and activate the workflow to register again',
		);
	});
});
