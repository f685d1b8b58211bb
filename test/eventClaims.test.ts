import { sleep } from 'n8n-workflow';

import {
	claimLimitsFor,
	EventClaims,
	eventKey,
	inFlightWait,
	retryWindowMs,
	type ClaimLimits,
} from '../lib/n8n/eventClaims';
import { providerById } from '../lib/providerRegistry';
import { fixture } from './support/fixtures';
import {
	deliver,
	type TestDelivery,
	type TriggerRun,
	type TriggerSetup,
} from './support/runTrigger';
import { hmac } from './support/signing';
import { TRIGGER_NODES } from './support/triggerNodes';

const LIMITS: ClaimLimits = { rememberMs: 60_000, leaseMs: 10_000, capacity: 1000 };

describe('the claims of one trigger, without n8n', () => {
	it('runs a new event, skips it once succeeded, and runs it again once failed', () => {
		const claims = new EventClaims(LIMITS);
		expect(claims.decide(['a'], 0)).toEqual({ kind: 'run', indexes: [0] });
		expect(claims.stateOf('a', 1)).toBe('inFlight');
		claims.settle(['a'], 'succeeded', 2);
		expect(claims.decide(['a'], 3)).toEqual({ kind: 'skip' });

		expect(claims.decide(['b'], 4)).toEqual({ kind: 'run', indexes: [0] });
		claims.settle(['b'], 'failed', 5);
		expect(claims.stateOf('b', 6)).toBe('failed');
		expect(claims.decide(['b'], 7)).toEqual({ kind: 'run', indexes: [0] });
	});

	it('has a repeat of an event in flight wait, and wakes it when the event settles', async () => {
		const claims = new EventClaims(LIMITS);
		claims.decide(['a'], 0);
		const decision = claims.decide(['a'], 1);
		expect(decision.kind).toBe('wait');
		let woken = false;
		void (decision as { settled: Promise<void> }).settled.then(() => (woken = true));
		await sleep(1);
		expect(woken).toBe(false);
		claims.settle(['a'], 'succeeded', 2);
		await sleep(1);
		expect(woken).toBe(true);
		expect(claims.decide(['a'], 3)).toEqual({ kind: 'skip' });
	});

	it('takes an execution in flight past its lease for dead: its event runs again', () => {
		const claims = new EventClaims(LIMITS);
		claims.decide(['a'], 0);
		expect(claims.decide(['a'], 9_999).kind).toBe('wait');
		expect(claims.decide(['a'], 10_000)).toEqual({ kind: 'run', indexes: [0] });
	});

	it('forgets a succeeded event after the retry window', () => {
		const claims = new EventClaims(LIMITS);
		claims.decide(['a'], 0);
		claims.settle(['a'], 'succeeded', 1_000);
		expect(claims.decide(['a'], 60_999)).toEqual({ kind: 'skip' });
		expect(claims.decide(['a'], 61_000)).toEqual({ kind: 'run', indexes: [0] });
	});

	it('runs only the new and failed events of a batch, copies of one event together', () => {
		const claims = new EventClaims(LIMITS);
		claims.decide(['done', 'lost'], 0);
		claims.settle(['done'], 'succeeded', 1);
		claims.settle(['lost'], 'failed', 1);
		expect(claims.decide(['done', 'lost', 'new', 'done', 'new'], 2)).toEqual({
			kind: 'run',
			indexes: [1, 2, 4],
		});
		claims.settle(['lost', 'new'], 'succeeded', 3);
		expect(claims.decide(['new', 'done', 'lost'], 4)).toEqual({ kind: 'skip' });
	});

	it('waits when any event of a batch is in flight, and claims nothing meanwhile', () => {
		const claims = new EventClaims(LIMITS);
		claims.decide(['running'], 0);
		expect(claims.decide(['new', 'running'], 1).kind).toBe('wait');
		expect(claims.stateOf('new', 2)).toBeUndefined();
	});

	it('keeps at most its capacity of events, forgetting the oldest', () => {
		const claims = new EventClaims({ ...LIMITS, capacity: 3 });
		for (const key of ['a', 'b', 'c', 'd']) {
			claims.decide([key], 0);
			claims.settle([key], 'succeeded', 0);
		}
		expect(claims.size).toBe(3);
		expect(claims.stateOf('a', 1)).toBeUndefined();
		expect(claims.stateOf('d', 1)).toBe('succeeded');
	});

	it('forgets an event once the provider, by its documented count, sends it no more', () => {
		const claims = new EventClaims({ ...LIMITS, maxDeliveries: 3 });
		claims.decide(['a'], 0);
		claims.settle(['a'], 'failed', 0);
		claims.decide(['a'], 1);
		claims.settle(['a'], 'succeeded', 1);
		expect(claims.decide(['a'], 2)).toEqual({ kind: 'skip' });
		expect(claims.size).toBe(0);
	});

	it('remembers each provider for its own retry window', () => {
		const windowOf = (id: string) => retryWindowMs(providerById(id)!.deliveryRetries);
		// Timely.ai: 5 + 15 + 60 + 300 + 900 s between six attempts of up to 10 s each.
		expect(windowOf('timelyai')).toBe((1280 + 60) * 1000);
		// Dotdigital: retries for 24 h, the last one answered within 10 s.
		expect(windowOf('dotdigital')).toBe((24 * 3600 + 10) * 1000);
		// Partoo documents 5 resends and no schedule: a day, or its 6th delivery.
		expect(windowOf('partoo')).toBe(24 * 3600 * 1000);
		expect(claimLimitsFor(providerById('partoo')!.deliveryRetries).maxDeliveries).toBe(6);
		expect(windowOf('klink')).toBe(3600 * 1000);
		expect(windowOf('staryaai')).toBe(3600 * 1000);
	});

	it('keys long event ids by their hash, and an unauthenticated event by its content too', () => {
		expect(eventKey('evt_01HX4A1K9MFQR4YZDNV7P9WCE')).toBe('evt_01HX4A1K9MFQR4YZDNV7P9WCE');
		expect(eventKey('x'.repeat(10_000))).toHaveLength(44);
		expect(eventKey('a', 'content-1')).not.toBe(eventKey('a', 'content-2'));
	});
});

const SECRET = 'timely-secret';
const timelyAi = TRIGGER_NODES.timelyai;
const message = fixture('timelyai', 'message-received');
const signed = (envelope: object = message): TestDelivery => {
	const body = JSON.stringify(envelope);
	return {
		body,
		headers: { 'x-timely-signature': `sha256=${hmac('sha256', SECRET, body, 'hex')}` },
	};
};
const ACCEPTED = { status: 'accepted', received: 1, emitted: 1 };
let triggers = 0;
/** A trigger of its own: no event delivered to it before. */
function trigger(
	acknowledge: 'onReceipt' | 'whenWorkflowFinishes',
	more: Partial<TriggerSetup> = {},
) {
	return {
		parameters: { autoRegister: false, acknowledge },
		credentials: { timelyAiApi: { webhookSecret: SECRET } },
		workflowId: `claims-${++triggers}`,
		nodeId: 'trigger',
		...more,
	} satisfies TriggerSetup;
}
/** Resolves with which of the runs have finished, once the others are still running after `ms`. */
async function finishedWithin(runs: Array<Promise<TriggerRun>>, ms: number) {
	const done = runs.map(() => false);
	runs.forEach((run, index) => void run.then(() => (done[index] = true)));
	await sleep(ms);
	return done;
}

describe('a repeated delivery through the trigger', () => {
	const wait = inFlightWait.ms;
	beforeAll(() => (inFlightWait.ms = 300));
	afterAll(() => (inFlightWait.ms = wait));

	it('of a succeeded event answers 2xx with the same body and starts no execution', async () => {
		const setup = trigger('whenWorkflowFinishes');
		const first = await deliver(timelyAi, setup, signed());
		expect(first.items).toHaveLength(1);
		expect(first.n8nAnswers(200, undefined)).toEqual({ status: 200, body: ACCEPTED });
		const repeat = await deliver(timelyAi, setup, signed());
		expect(repeat).toMatchObject({ status: 200, body: ACCEPTED, items: null });
	});

	it('of an event accepted on receipt starts no execution', async () => {
		const setup = trigger('onReceipt');
		expect(await deliver(timelyAi, setup, signed())).toMatchObject({ status: 200, body: ACCEPTED });
		const repeat = await deliver(timelyAi, setup, signed());
		expect(repeat).toMatchObject({ status: 200, body: ACCEPTED, items: null });
	});

	it('of an event in flight waits, then answers 503 with Retry-After and starts nothing', async () => {
		const setup = trigger('whenWorkflowFinishes');
		const first = await deliver(timelyAi, setup, signed());
		const started = Date.now();
		const repeat = await deliver(timelyAi, setup, signed());
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(repeat).toMatchObject({
			status: 503,
			items: null,
			headers: { 'retry-after': '10' },
			body: {
				status: 'unavailable',
				reason: 'the events of this delivery are still being processed; send it again later',
			},
		});
		// The first execution's success is still the provider's 2xx, and ends the repeats.
		expect(first.n8nAnswers(200, undefined)).toEqual({ status: 200, body: ACCEPTED });
		expect(await deliver(timelyAi, setup, signed())).toMatchObject({ status: 200, items: null });
	});

	it('of an event in flight that succeeds while it waits answers 2xx and starts nothing', async () => {
		const setup = trigger('whenWorkflowFinishes');
		const first = await deliver(timelyAi, setup, signed());
		const repeat = deliver(timelyAi, setup, signed());
		await sleep(50);
		first.n8nAnswers(200, undefined);
		expect(await repeat).toMatchObject({ status: 200, body: ACCEPTED, items: null });
	});

	it('of an event in flight that fails while it waits runs it again', async () => {
		const setup = trigger('whenWorkflowFinishes');
		const first = await deliver(timelyAi, setup, signed());
		const repeat = deliver(timelyAi, setup, signed());
		await sleep(50);
		first.n8nAnswers(500, { message: 'Error in workflow' });
		const run = await repeat;
		expect(run.items).toHaveLength(1);
		expect(run.n8nAnswers(200, undefined)).toEqual({ status: 200, body: ACCEPTED });
	});

	it.each([
		[500, { message: 'Error in workflow' }],
		[200, { message: 'Workflow executed successfully but no data was returned' }],
	])('of an event whose execution was answered %s %j runs it again', async (status, body) => {
		const setup = trigger('whenWorkflowFinishes');
		(await deliver(timelyAi, setup, signed())).n8nAnswers(status, body);
		const repeat = await deliver(timelyAi, setup, signed());
		expect(repeat.items).toHaveLength(1);
	});

	it('in three simultaneous copies starts exactly one execution', async () => {
		const setup = trigger('whenWorkflowFinishes');
		const copies = [1, 2, 3].map(() => deliver(timelyAi, setup, signed()));
		const finished = await finishedWithin(copies, 50);
		expect(finished.filter(Boolean)).toHaveLength(1);
		const first = await copies[finished.indexOf(true)];
		expect(first.items).toHaveLength(1);
		first.n8nAnswers(200, undefined);
		const others = await Promise.all(copies.filter((_, index) => !finished[index]));
		expect(others.map(({ status, items }) => ({ status, items }))).toEqual([
			{ status: 200, items: null },
			{ status: 200, items: null },
		]);
	});

	it('in three simultaneous copies on receipt starts exactly one execution', async () => {
		const setup = trigger('onReceipt');
		const copies = await Promise.all([1, 2, 3].map(() => deliver(timelyAi, setup, signed())));
		expect(copies.map(({ status }) => status)).toEqual([200, 200, 200]);
		expect(copies.filter(({ items }) => items !== null)).toHaveLength(1);
	});

	it('to two workflows runs in each of them', async () => {
		const one = trigger('onReceipt');
		const other = trigger('onReceipt');
		expect((await deliver(timelyAi, one, signed())).items).toHaveLength(1);
		expect((await deliver(timelyAi, other, signed())).items).toHaveLength(1);
		expect((await deliver(timelyAi, one, signed())).items).toBeNull();
	});

	it("from the editor's Listen for Test Event always runs, and is not remembered", async () => {
		const setup = trigger('onReceipt', { mode: 'manual' });
		expect((await deliver(timelyAi, setup, signed())).items).toHaveLength(1);
		expect((await deliver(timelyAi, setup, signed())).items).toHaveLength(1);
		expect((await deliver(timelyAi, { ...setup, mode: 'webhook' }, signed())).items).toHaveLength(
			1,
		);
	});

	it('runs every time with Skip Repeated Events off', async () => {
		const setup = trigger('onReceipt');
		setup.parameters = {
			...setup.parameters,
			additionalOptions: { skipRepeatedEvents: false },
		} as never;
		expect((await deliver(timelyAi, setup, signed())).items).toHaveLength(1);
		expect((await deliver(timelyAi, setup, signed())).items).toHaveLength(1);
	});

	it('without authentication is not skipped for a forged copy that reuses its event id', async () => {
		const setup = trigger('onReceipt');
		setup.parameters = { ...setup.parameters, authentication: 'none' } as never;
		const forged = { ...message, data: { ...(message.data as object), content: 'forged' } };
		expect((await deliver(timelyAi, setup, { body: forged })).items).toHaveLength(1);
		expect((await deliver(timelyAi, setup, { body: message })).items).toHaveLength(1);
		expect((await deliver(timelyAi, setup, { body: message })).items).toBeNull();
	});
});

describe('a repeated Dotdigital batch', () => {
	const secret = 'dotdigital-secret';
	const documented = fixture('dotdigital', 'message-inbound-1-sms');
	const batch = (ids: string[]) => {
		const body = JSON.stringify(ids.map((eventId) => ({ ...documented, eventId })));
		return { body, headers: { 'x-comapi-signature': hmac('sha1', secret, body, 'hex') } };
	};
	const setup: TriggerSetup = {
		parameters: { autoRegister: false, acknowledge: 'whenWorkflowFinishes' },
		credentials: { dotdigitalCpaasApi: { webhookSecret: secret } },
		workflowId: 'claims-batch',
		nodeId: 'trigger',
	};

	it('runs only the events not yet succeeded, and nothing when all are repeats', async () => {
		const first = await deliver(TRIGGER_NODES.dotdigital, setup, batch(['e1', 'e2']));
		first.n8nAnswers(200, undefined);
		const second = await deliver(TRIGGER_NODES.dotdigital, setup, batch(['e1', 'e2', 'e3']));
		expect(second.items!.map((item) => item.eventId)).toEqual(['e3']);
		expect(second.n8nAnswers(200, undefined)).toEqual({
			status: 200,
			body: { status: 'accepted', received: 3, emitted: 3 },
		});
		const third = await deliver(TRIGGER_NODES.dotdigital, setup, batch(['e3', 'e1', 'e2']));
		expect(third).toMatchObject({
			status: 200,
			items: null,
			body: { status: 'accepted', received: 3, emitted: 3 },
		});
	});
});
