import { StaryaAiTrigger } from '../nodes/StaryaAiTrigger/StaryaAiTrigger.node';
import { expectedEvent, expectedEventNames, fixture, providerFixtures } from './support/fixtures';
import { deliver, type TriggerSetup } from './support/runTrigger';
import { basicAuthorization } from './support/signing';

const trigger = new StaryaAiTrigger();
const TOKEN = `token-${Date.now()}`;
const setup: TriggerSetup = {
	credentials: { messagingTriggersHeaderAuthApi: { name: 'X-Starya-Token', value: TOKEN } },
};
const withToken = (envelope: unknown) => ({
	body: envelope as object,
	headers: { 'x-starya-token': TOKEN },
});

const CHAT = 'chat_fedcba9876';

describe('StaryaAI Trigger with the documented payloads', () => {
	it('has a hand-written expected event for every fixture', () => {
		expect(expectedEventNames('staryaai')).toEqual(
			providerFixtures('staryaai').map(({ name }) => name),
		);
	});

	it.each(providerFixtures('staryaai'))(
		'maps $name to its expected canonical event',
		async ({ name, envelope }) => {
			const run = await deliver(trigger, setup, withToken(envelope));
			expect(run.status).toBe(200);
			expect(run.items).toEqual([expectedEvent('staryaai', name)]);
		},
	);

	it('maps a mediator message to a human agent, and a failed status to message.failed', async () => {
		const agentMessage = fixture('staryaai', 'chat-message-created-agent');
		const mediator = {
			...agentMessage,
			data: { ...(agentMessage.data as object), from: { type: 'mediator', userId: 'op_7' } },
		};
		expect((await deliver(trigger, setup, withToken(mediator))).items![0]).toMatchObject({
			event: 'message.sent',
			sender: { type: 'agent', id: 'op_7' },
		});
		const status = fixture('staryaai', 'chat-message-status-updated');
		const failed = {
			...status,
			data: { ...(status.data as object), status: 'failed', error: true },
		};
		expect((await deliver(trigger, setup, withToken(failed))).items![0]).toMatchObject({
			event: 'message.failed',
			error: { code: null },
		});
	});

	it('emits an event name it does not know, under that name', async () => {
		const envelope = {
			event: 'chat.archived',
			timestamp: '2024-05-21T15:00:00.005Z',
			data: { id: CHAT },
		};
		const run = await deliver(trigger, setup, withToken(envelope));
		expect(run.items![0]).toMatchObject({
			event: 'chat.archived',
			problems: ['"chat.archived" is not in the StaryaAI event catalogue'],
		});
	});

	it('selects the mislabelled tag event by what it is, not by its name', async () => {
		const tagOnly = { ...setup, parameters: { events: ['chat.tag.appended'] } };
		const statusOnly = { ...setup, parameters: { events: ['chat.message.status.updated'] } };
		expect(
			(await deliver(trigger, tagOnly, withToken(fixture('staryaai', 'chat-tag-appended')))).items,
		).toHaveLength(1);
		expect(
			(await deliver(trigger, statusOnly, withToken(fixture('staryaai', 'chat-tag-appended'))))
				.items,
		).toBeNull();
	});
});

describe('StaryaAI Trigger authentication and personal data', () => {
	const user = fixture('staryaai', 'user-created');

	it('answers 401 and starts nothing without the header, or with another value', async () => {
		expect(await deliver(trigger, setup, { body: user })).toMatchObject({
			status: 401,
			items: null,
		});
		expect(
			await deliver(trigger, setup, { body: user, headers: { 'x-starya-token': 'guess' } }),
		).toMatchObject({ status: 401 });
	});

	it('accepts Basic auth when chosen', async () => {
		const basic = {
			parameters: { authentication: 'basicAuth' },
			credentials: { staryaAiWebhookApi: { basicAuthUser: 'starya', basicAuthPassword: 'pw' } },
		};
		const run = await deliver(trigger, basic, {
			body: user,
			headers: { authorization: basicAuthorization('starya', 'pw') },
		});
		expect(run.items).toHaveLength(1);
	});

	it('never echoes CPF, e-mail or birth date in answers, problems or the console', async () => {
		const logged = ['log', 'info', 'warn', 'error', 'debug'].map((level) =>
			jest.spyOn(console, level as 'log').mockImplementation(() => undefined),
		);
		const data = user.data as Record<string, unknown>;
		const hostile = {
			...user,
			data: {
				...data,
				cpf: 123.456789,
				birthDate: ['1990-05-15'],
				email: { address: 'john@x.io' },
			},
		};
		const forged = await deliver(trigger, setup, { body: hostile });
		const accepted = await deliver(trigger, setup, withToken(hostile));
		const notJson = await deliver(trigger, setup, {
			body: '{"cpf":"123.456.789-00","email":"john@x.io"',
			headers: { 'x-starya-token': TOKEN },
		});

		const visible = JSON.stringify([
			forged.body,
			accepted.body,
			accepted.items![0].problems,
			notJson.body,
		]);
		expect(visible).not.toMatch(/123\.45|1990-05-15|john@x\.io|123\.456/);
		expect(accepted.items![0].problems).toEqual([
			'data.email: expected string, got object',
			'data.birthDate: expected string, got array',
			'data.cpf: expected string, got number',
		]);
		expect(notJson.status).toBe(400);
		for (const spy of logged) {
			expect(spy).not.toHaveBeenCalled();
			spy.mockRestore();
		}
	});
});
