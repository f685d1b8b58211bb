import { sleep, Workflow, type INode, type INodeType, type INodeTypes } from 'n8n-workflow';

import { credentialReadTimeout } from '../lib/n8n/credentialCache';
import type { ProviderId } from '../lib/providerRegistry';
import { fixture } from './support/fixtures';
import { fakeTheClockOnly } from './support/fakeClock';
import { deliver, type TriggerSetup } from './support/runTrigger';
import { hmac } from './support/signing';
import { TRIGGER_NODES } from './support/triggerNodes';

const SECRET = 'timely-secret';
const timelyAi = TRIGGER_NODES.timelyai;
const messageReceived = JSON.stringify(fixture('timelyai', 'message-received'));
const signed = (body = messageReceived, secret = SECRET) => ({
	body,
	headers: { 'x-timely-signature': `sha256=${hmac('sha256', secret, body, 'hex')}` },
});
const UNAVAILABLE = {
	status: 'unavailable',
	reason: 'the delivery could not be taken now; send it again later',
};
const WHEN_FINISHED = { autoRegister: false, acknowledge: 'whenWorkflowFinishes' };

/** n8n's answer settings for a stored node, evaluated by n8n's own expression engine. */
function webhookAnswerOf(
	nodeType: INodeType,
	typeVersion: number,
	parameters: INode['parameters'],
) {
	const node: INode = {
		id: 'trigger',
		name: 'Trigger',
		type: `n8n-nodes-messaging-triggers.${nodeType.description.name}`,
		typeVersion,
		position: [0, 0],
		parameters,
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: true, nodeTypes });
	const webhook = nodeType.description.webhooks![0];
	const evaluate = (value: unknown, fallback: string) =>
		workflow.expression.getSimpleParameterValue(
			workflow.getNode('Trigger')!,
			value as string,
			'webhook',
			{},
			undefined,
			fallback,
		);
	return {
		responseMode: evaluate(webhook.responseMode, 'onReceived'),
		responseData: evaluate(webhook.responseData, 'firstEntryJson'),
	};
}

const versionsOf = (nodeType: INodeType) => [nodeType.description.version].flat();

describe('the Acknowledge choice of every trigger', () => {
	const everyVersion = Object.entries(TRIGGER_NODES).flatMap(([id, nodeType]) =>
		versionsOf(nodeType).map((version) => [id, version] as const),
	);

	it.each(everyVersion)(
		'answers %s version %s on receipt for a workflow saved before the choice existed',
		(id, version) => {
			const nodeType = TRIGGER_NODES[id as ProviderId];
			expect(webhookAnswerOf(nodeType, version, { events: ['*'] })).toEqual({
				responseMode: 'onReceived',
				responseData: 'noData',
			});
			expect(webhookAnswerOf(nodeType, version, { acknowledge: 'onReceipt' })).toEqual({
				responseMode: 'onReceived',
				responseData: 'noData',
			});
		},
	);

	it.each(everyVersion)(
		'answers %s version %s when the last node finishes, with no workflow data',
		(id, version) => {
			const nodeType = TRIGGER_NODES[id as ProviderId];
			expect(webhookAnswerOf(nodeType, version, { acknowledge: 'whenWorkflowFinishes' })).toEqual({
				responseMode: 'lastNode',
				responseData: 'noData',
			});
		},
	);

	it('offers On Receipt (the default) and When the Workflow Finishes, as a mode without expressions', () => {
		for (const nodeType of Object.values(TRIGGER_NODES)) {
			const acknowledge = nodeType.description.properties.find(
				(property) => property.name === 'acknowledge',
			)!;
			expect(acknowledge).toMatchObject({
				displayName: 'Acknowledge',
				type: 'options',
				default: 'onReceipt',
				noDataExpression: true,
			});
			expect(acknowledge.options!.map((option) => 'value' in option && option.value)).toEqual([
				'onReceipt',
				'whenWorkflowFinishes',
			]);
		}
	});

	const hintOf = (id: ProviderId) =>
		TRIGGER_NODES[id].description.properties.find((property) => property.name === 'acknowledge')!
			.hint;
	const noticeOf = (id: ProviderId) => {
		const notice = TRIGGER_NODES[id].description.properties.find(
			(property) => property.name === 'acknowledgeNotice',
		)!;
		expect(notice.type).toBe('notice');
		expect(notice.displayOptions).toEqual({ show: { acknowledge: ['whenWorkflowFinishes'] } });
		return notice.displayName;
	};

	it('says what each provider does with an answer that is not 2xx, from its documentation', () => {
		expect(hintOf('timelyai')).toBe(
			'Timely.ai waits 10 s for an answer and resends a delivery not answered 2xx after 5 s, 15 s, 60 s, 5 min and 15 min, then marks the webhook failing',
		);
		expect(hintOf('dotdigital')).toBe(
			'Dotdigital CPaaS waits 10 s for an answer and resends a delivery not answered 2xx (except 400, which loses its events) from 5 s later for up to 24 h, then moves the delivery to its dead-letter queue',
		);
		expect(hintOf('partoo')).toBe('Partoo resends a delivery answered 5xx up to 5 times');
		expect(hintOf('klink')).toBe(
			'K-LINK documents no retries: a delivery it gets no 2xx for may never be sent again',
		);
		expect(hintOf('staryaai')).toBe(
			'StaryaAI documents no retries: a delivery it gets no 2xx for may never be sent again',
		);
	});

	it('says, when the workflow must finish first, what repeats get, what a failure gets and what a Wait node does', () => {
		const failed =
			'The events of a failed execution are sent again and run again, so put no Remove Duplicates before the writes.';
		const waits =
			'An execution that waits (a Wait node, a send-and-wait step) is answered 200 when it starts waiting: what follows the wait is never sent again.';
		expect(noticeOf('timelyai')).toBe(
			`Timely.ai waits 10 s for the answer and sends a slower delivery again: while the first execution runs, its repeats start nothing and are answered 503, so keep the workflow short (Settings → Timeout Workflow). ${failed} ${waits}`,
		);
		expect(noticeOf('dotdigital')).toBe(
			`Dotdigital CPaaS waits 10 s for the answer and sends a slower delivery again: while the first execution runs, its repeats start nothing and are answered 503, so keep the workflow short (Settings → Timeout Workflow). ${failed} ${waits}`,
		);
		expect(noticeOf('partoo')).toBe(
			`Partoo documents no answer deadline: set the workflow's timeout (Settings → Timeout Workflow) so no delivery waits without bound. ${failed} ${waits}`,
		);
		expect(noticeOf('klink')).toBe(
			`K-LINK documents no retries, so the event of a failed execution, answered 500, may still be lost. Set the workflow's timeout (Settings → Timeout Workflow) so no delivery waits without bound. ${waits}`,
		);
	});
});

describe('a delivery acknowledged when the workflow finishes', () => {
	const setup: TriggerSetup = {
		parameters: WHEN_FINISHED,
		credentials: { timelyAiApi: { webhookSecret: SECRET } },
	};

	it("starts the execution, and n8n's empty success answer carries the trigger's small JSON, never the workflow's data", async () => {
		const run = await deliver(timelyAi, setup, signed());
		expect(run.items).toHaveLength(1);
		expect(run.n8nAnswers(200, undefined)).toEqual({
			status: 200,
			body: { status: 'accepted', received: 1, emitted: 1 },
		});
	});

	it("keeps n8n's 500 for a failed execution, with a small body of its own instead of n8n's", async () => {
		const run = await deliver(timelyAi, setup, signed());
		expect(
			run.n8nAnswers(500, { code: 0, message: 'Error in workflow', stacktrace: 'Error: at …' }),
		).toEqual({
			status: 500,
			body: {
				status: 'failed',
				reason: 'the workflow did not finish on this delivery; send it again later',
			},
		});
	});

	it.each([
		'Workflow executed successfully but no data was returned',
		'Workflow executed successfully but the last node did not return any data',
	])(
		'answers 503 when n8n says "%s": n8n has no result for the execution, so the provider must resend',
		async (message) => {
			const run = await deliver(timelyAi, setup, signed());
			expect(run.n8nAnswers(200, { message })).toEqual({ status: 503, body: UNAVAILABLE });
			const reason = `n8n answered 200 without the execution's result ("${message}"); the provider is asked to resend`;
			expect(run.warnings).toEqual([
				{
					message: `Timely.ai delivery answered 503: ${reason}`,
					meta: { workflowId: 'wf', node: 'Trigger', provider: 'timelyai', status: 503, reason },
				},
			]);
		},
	);

	it('answers a forged delivery 401 at once and starts nothing, as on receipt', async () => {
		const run = await deliver(timelyAi, setup, signed(messageReceived, 'another-secret'));
		expect(run).toMatchObject({
			status: 401,
			items: null,
			body: { status: 'rejected', reason: 'the delivery is not authenticated' },
		});
	});

	it('answers a body that is not JSON 400 at once and starts nothing', async () => {
		const run = await deliver(timelyAi, setup, signed('{"event":'));
		expect(run).toMatchObject({ status: 400, items: null });
	});

	it('answers unselected events 200 at once and starts nothing', async () => {
		const run = await deliver(
			timelyAi,
			{ ...setup, parameters: { ...WHEN_FINISHED, events: ['contact.created'] } },
			signed(),
		);
		expect(run).toMatchObject({ status: 200, items: null, body: { status: 'ignored' } });
	});
});

describe('a failure that is the trigger’s own', () => {
	afterEach(() => {
		credentialReadTimeout.ms = 8_000;
	});

	it('bounds every credential read to 8 s', () => {
		expect(credentialReadTimeout.ms).toBe(8_000);
	});

	it('answers 503 when the credential read fails, saying nothing of the configuration, and logs why', async () => {
		const run = await deliver(timelyAi, { parameters: WHEN_FINISHED, credentials: {} }, signed());
		expect(run).toMatchObject({ status: 503, items: null, body: UNAVAILABLE });
		expect(run.warnings).toEqual([
			{
				message:
					"Timely.ai delivery refused with 503: the trigger's credential could not be read: no test credentials of type timelyAiApi",
				meta: {
					workflowId: 'wf',
					node: 'Trigger',
					provider: 'timelyai',
					status: 503,
					reason:
						"the trigger's credential could not be read: no test credentials of type timelyAiApi",
				},
			},
		]);
	});

	it('answers 503 once a credential read has hung for the bound', async () => {
		credentialReadTimeout.ms = 100;
		const started = Date.now();
		const run = await deliver(
			timelyAi,
			{
				parameters: { autoRegister: false },
				credentials: { timelyAiApi: new Promise(() => {}) as never },
			},
			signed(),
		);
		const elapsed = Date.now() - started;
		expect(run).toMatchObject({ status: 503, items: null, body: UNAVAILABLE });
		expect(run.warnings[0].meta.reason).toBe(
			"the trigger's credential could not be read: n8n did not return the credential within 0.1 s",
		);
		expect(elapsed).toBeGreaterThanOrEqual(95);
		expect(elapsed).toBeLessThan(2_000);
	});

	it('does not hold later deliveries on a hung read, and asks n8n again only once it is abandoned', async () => {
		credentialReadTimeout.ms = 200;
		let reads = 0;
		let hangs = true;
		const setup: TriggerSetup = {
			workflowId: 'wf-hung',
			nodeId: 'node-hung',
			credentialId: 'credential-hung',
			parameters: { autoRegister: false },
		};
		Object.defineProperty(setup, 'credentials', {
			get: () => {
				reads++;
				return { timelyAiApi: hangs ? new Promise(() => {}) : { webhookSecret: SECRET } };
			},
		});
		const started = Date.now();
		const first = deliver(timelyAi, setup, signed());
		// The second delivery arrives while the first one's read is under way.
		await sleep(20);
		const second = deliver(timelyAi, setup, signed());
		const statuses = (await Promise.all([first, second])).map((run) => run.status);
		const elapsed = Date.now() - started;
		expect(statuses).toEqual([503, 503]);
		// One read, shared: the second delivery waited for the first read's bound, not its own.
		expect(reads).toBe(1);
		expect(elapsed).toBeLessThan(200 + 1_000);

		// Within 2 s of giving up, the failure is remembered; after, the same read is waited on again.
		hangs = false;
		expect((await deliver(timelyAi, setup, signed())).status).toBe(503);
		fakeTheClockOnly(Date.now() + 2_500);
		expect((await deliver(timelyAi, setup, signed())).status).toBe(503);
		expect(reads).toBe(1);
		// A read n8n has not finished in 30 s is abandoned: the next delivery reads afresh.
		jest.setSystemTime(Date.now() + 30_000);
		expect((await deliver(timelyAi, setup, signed())).status).toBe(200);
		expect(reads).toBe(2);
		jest.useRealTimers();
	});

	it('answers 503 with its own body when the trigger fails unexpectedly, where n8n would answer 500 and record a failed execution', async () => {
		const run = await deliver(
			timelyAi,
			{
				// An expression naming a node the workflow does not have: n8n throws while reading it.
				parameters: { autoRegister: false, events: '={{ $("No Such Node").item.json.events }}' },
				credentials: { timelyAiApi: { webhookSecret: SECRET } },
			},
			signed(),
		);
		expect(run).toMatchObject({ status: 503, items: null, body: UNAVAILABLE });
		expect(run.warnings[0].message).toMatch(
			/^Timely\.ai delivery refused with 503: unexpected ExpressionError at \S+ \(.+:\d+:\d+\)$/,
		);
		expect(JSON.stringify(run.warnings)).not.toContain('No Such Node');
	});
});
