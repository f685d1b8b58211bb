/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- unit test with a local HTTP receiver; not part of the published package */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import {
	NO_ANSWER,
	RETRY_POLICIES,
	simulateProviders,
	summarise,
	type ProviderEvent,
	type RetryPolicy,
} from '../scripts/runtime/retrySimulator';
import { newSecrets } from '../scripts/runtime/deliveries';

/** A receiver whose answer to each request the test decides; it keeps every request it got. */
interface Receiver {
	url: string;
	requests: Array<{ at: number; body: string; headers: IncomingMessage['headers'] }>;
	maxInFlight: number;
	close(): Promise<void>;
}

type Answer = number | 'hang';

async function startReceiver(
	answerFor: (requestIndex: number, body: string) => Answer,
): Promise<Receiver> {
	const requests: Receiver['requests'] = [];
	const hanging: ServerResponse[] = [];
	let inFlight = 0;
	const receiver = { requests, maxInFlight: 0 } as Receiver;
	const server: Server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		inFlight++;
		receiver.maxInFlight = Math.max(receiver.maxInFlight, inFlight);
		response.on('close', () => inFlight--);
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const body = Buffer.concat(chunks).toString('utf8');
			const answer = answerFor(requests.length, body);
			requests.push({ at: performance.now(), body, headers: request.headers });
			if (answer === 'hang') {
				hanging.push(response);
				return;
			}
			// Held a little, so that concurrent requests overlap.
			setTimeout(() => response.writeHead(answer).end('{}'), 20);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
	receiver.close = async () => {
		for (const response of hanging) response.destroy();
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
	return receiver;
}

const secrets = newSecrets();
let receiver: Receiver | undefined;
afterEach(async () => {
	await receiver?.close();
	receiver = undefined;
});

const timelyEvent = (eventId: string): ProviderEvent => ({
	provider: 'timelyai',
	eventId,
	envelope: { event: 'message.received', event_id: eventId, data: {} },
	url: receiver!.url,
});
const dotdigitalEvent = (eventId: string): ProviderEvent => ({
	provider: 'dotdigital',
	eventId,
	envelope: { eventId, name: 'message.inbound', payload: {} },
	url: receiver!.url,
});
const partooEvent = (eventId: string): ProviderEvent => ({
	provider: 'partoo',
	eventId,
	envelope: { type: 'message_created', payload: { id: eventId } },
	url: receiver!.url,
});

/** Gaps between consecutive requests, in milliseconds. */
const gaps = (requests: Receiver['requests']) =>
	requests.slice(1).map((request, index) => request.at - requests[index].at);

describe('the provider retry simulator', () => {
	test('the policies hold the providers documented deadlines and schedules', () => {
		expect(RETRY_POLICIES.timelyai.answerDeadlineMs).toBe(10_000);
		expect(RETRY_POLICIES.timelyai.retryDelaysMs).toEqual([
			5_000, 15_000, 60_000, 300_000, 900_000,
		]);
		expect(RETRY_POLICIES.dotdigital.answerDeadlineMs).toBe(10_000);
		expect(RETRY_POLICIES.dotdigital.retryDelaysMs[0]).toBe(5_000);
		// 5 s doubling: 14 waits (5 s … 40,960 s) add up to 81,915 s; a 15th would pass 24 h.
		expect(RETRY_POLICIES.dotdigital.retryDelaysMs).toHaveLength(14);
		expect(RETRY_POLICIES.dotdigital.afterLastAttempt).toBe('dead-letter queue');
		expect(RETRY_POLICIES.dotdigital.retryDelaysMs[13]).toBe(40_960_000);
		// Partoo documents 5 retries with exponential backoff, no first wait and no deadline.
		expect(RETRY_POLICIES.partoo.retryDelaysMs).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
		expect(RETRY_POLICIES.partoo.assumed).toBe(
			'a 10 s answer deadline; a first resend 10 s later; waits that double; no answer in time counts as a 5xx',
		);
		expect(RETRY_POLICIES.partoo.retries(404)).toBe(false);
		expect(RETRY_POLICIES.dotdigital.retries(401)).toBe(true);
		expect(RETRY_POLICIES.dotdigital.retries(400)).toBe(false);
		expect(RETRY_POLICIES.timelyai.retries(404)).toBe(true);
		for (const provider of ['klink', 'staryaai'] as const) {
			expect(RETRY_POLICIES[provider].retryDelaysMs).toEqual([]);
			expect(RETRY_POLICIES[provider].assumed).toBe('a 10 s answer deadline; no resend at all');
		}
	});

	test('Timely.ai: signed as Timely.ai signs, resent after 5 s and 15 s (÷100) until a 200', async () => {
		receiver = await startReceiver((index) => (index < 2 ? 503 : 200));
		const report = await simulateProviders([timelyEvent('evt_1')], {
			secrets,
			speedUp: 100,
			concurrency: 4,
		});
		expect(report.events).toHaveLength(1);
		expect(report.events[0].outcome).toBe('delivered');
		expect(report.events[0].answers.map(({ status }) => status)).toEqual([503, 503, 200]);
		const [first, second] = gaps(receiver.requests);
		expect(first).toBeGreaterThanOrEqual(45);
		expect(first).toBeLessThan(2000);
		expect(second).toBeGreaterThanOrEqual(145);
		expect(second).toBeLessThan(2000);
		for (const { body, headers } of receiver.requests) {
			expect(JSON.parse(body)).toEqual({ event: 'message.received', event_id: 'evt_1', data: {} });
			const signed = `${String(headers['x-timely-timestamp'])}.${body}`;
			const expected = createHmac('sha256', secrets.timelyai).update(signed).digest('hex');
			expect(headers['x-timely-signature']).toBe(`sha256=${expected}`);
		}
	});

	test('Timely.ai gives up after its fifth resend', async () => {
		receiver = await startReceiver(() => 500);
		const report = await simulateProviders([timelyEvent('evt_2')], {
			secrets,
			speedUp: 10_000,
			concurrency: 1,
		});
		expect(receiver.requests).toHaveLength(6);
		expect(report.events[0]).toMatchObject({ outcome: 'dropped' });
		expect(summarise(report)).toEqual({
			events: 1,
			delivered: 0,
			notDelivered: 1,
			attempts: 6,
			resent: 1,
			answers: { '500': 6 },
		});
	});

	test("no wait is longer than longestWaitMs: all of Timely.ai's resends, undivided, in well under a second each", async () => {
		receiver = await startReceiver(() => 503);
		const started = performance.now();
		const report = await simulateProviders([timelyEvent('evt_3')], {
			secrets,
			speedUp: 1,
			longestWaitMs: 30,
			concurrency: 1,
		});
		expect(receiver.requests).toHaveLength(6);
		expect(report.events[0].outcome).toBe('dropped');
		for (const gap of gaps(receiver.requests)) expect(gap).toBeGreaterThanOrEqual(25);
		expect(performance.now() - started).toBeLessThan(5000);
	});

	test('Partoo: a 4xx is never resent, a 5xx up to 5 times', async () => {
		receiver = await startReceiver((_index, body) => (body.includes('refused') ? 400 : 503));
		const report = await simulateProviders([partooEvent('refused'), partooEvent('failing')], {
			secrets,
			speedUp: 1000,
			concurrency: 2,
		});
		const byId = Object.fromEntries(report.events.map((event) => [event.eventId, event]));
		expect(byId.refused.answers.map(({ status }) => status)).toEqual([400]);
		expect(byId.refused.outcome).toBe('dropped');
		expect(byId.failing.answers.map(({ status }) => status)).toEqual([
			503, 503, 503, 503, 503, 503,
		]);
		expect(byId.failing.outcome).toBe('dropped');
	});

	test('Dotdigital: batches of envelopes; a 400 loses the batch, a hang is resent, 24 h of 5xx ends in its dead-letter queue', async () => {
		let hung = false;
		receiver = await startReceiver((_index, body) => {
			const ids = (JSON.parse(body) as Array<{ eventId: string }>).map(({ eventId }) => eventId);
			if (ids.includes('d1')) return 400;
			if (ids.includes('d3') && !hung) return ((hung = true), 'hang');
			if (ids.includes('d5')) return 502;
			return 200;
		});
		const shortDeadline: RetryPolicy = { ...RETRY_POLICIES.dotdigital, answerDeadlineMs: 300 };
		const report = await simulateProviders(['d1', 'd2', 'd3', 'd4', 'd5'].map(dotdigitalEvent), {
			secrets,
			speedUp: 1_000_000,
			concurrency: 3,
			dotdigitalBatchSize: 2,
			policies: { dotdigital: shortDeadline },
		});
		const bodies = receiver.requests.map(({ body }) =>
			(JSON.parse(body) as Array<{ eventId: string }>).map(({ eventId }) => eventId),
		);
		expect(bodies.slice(0, 3).sort()).toEqual([['d1', 'd2'], ['d3', 'd4'], ['d5']]);
		for (const { body, headers } of receiver.requests) {
			const expected = createHmac('sha1', secrets.dotdigital).update(body).digest('hex');
			expect(headers['x-comapi-signature']).toBe(expected);
		}
		const byId = Object.fromEntries(report.events.map((event) => [event.eventId, event]));
		expect(byId.d1).toMatchObject({ outcome: 'dropped', answers: [{ status: 400 }] });
		expect(byId.d2).toMatchObject({ outcome: 'dropped', answers: [{ status: 400 }] });
		expect(byId.d3.answers.map(({ status }) => status)).toEqual([NO_ANSWER, 200]);
		expect(byId.d3.answers[0].latencyMs).toBeGreaterThanOrEqual(290);
		expect(byId.d4.outcome).toBe('delivered');
		expect(byId.d5.answers).toHaveLength(15);
		expect(byId.d5.outcome).toBe('dead-letter queue');
	});

	test('K-LINK and StaryaAI (no documented retries): one attempt', async () => {
		receiver = await startReceiver(() => 503);
		const report = await simulateProviders(
			[
				{
					provider: 'klink',
					eventId: 'k',
					envelope: { event: 'message.inbound', data: {} },
					url: receiver.url,
				},
				{
					provider: 'staryaai',
					eventId: 's',
					envelope: { event: 'chat.created', data: {} },
					url: receiver.url,
				},
			],
			{
				secrets,
				speedUp: 1,
				concurrency: 2,
			},
		);
		expect(receiver.requests).toHaveLength(2);
		expect(report.events.map(({ outcome }) => outcome)).toEqual(['dropped', 'dropped']);
	});

	test('never more requests in flight than its concurrency', async () => {
		receiver = await startReceiver(() => 200);
		const events = Array.from({ length: 20 }, (_, index) => timelyEvent(`evt_c${index}`));
		const report = await simulateProviders(events, {
			secrets,
			speedUp: 100,
			concurrency: 3,
		});
		expect(summarise(report).delivered).toBe(20);
		expect(receiver.maxInFlight).toBeLessThanOrEqual(3);
		expect(receiver.maxInFlight).toBeGreaterThan(1);
	});
});
