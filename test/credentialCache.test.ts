import { DotdigitalTrigger } from '../nodes/DotdigitalTrigger/DotdigitalTrigger.node';
import { TimelyAiTrigger } from '../nodes/TimelyAiTrigger/TimelyAiTrigger.node';
import { fixture } from './support/fixtures';
import { fakeTheClockOnly } from './support/fakeClock';
import { deliver, type TriggerSetup } from './support/runTrigger';
import { hmac } from './support/signing';

const timelyAi = new TimelyAiTrigger();
const dotdigital = new DotdigitalTrigger();
const OLD_SECRET = 'secret-before-the-change';
const NEW_SECRET = 'secret-after-the-change';
const IDS = { workflowId: 'workflow-a', nodeId: 'node-a', credentialId: 'credential-a' };
const START = Date.parse('2026-11-21T10:00:00.000Z');

function timelyAiDelivery(secret: string) {
	const body = JSON.stringify(fixture('timelyai', 'message-received'));
	return {
		body,
		headers: { 'x-timely-signature': `sha256=${hmac('sha256', secret, body, 'hex')}` },
	};
}

function dotdigitalDelivery(secret: string) {
	const body = JSON.stringify(fixture('dotdigital', 'message-inbound-1-sms'));
	return { body, headers: { 'x-comapi-signature': hmac('sha1', secret, body, 'hex') } };
}

/** A Timely.ai credential whose reads by n8n's credentials helper are counted. */
function countedCredential(ids: Partial<TriggerSetup> = IDS) {
	const credential = {
		webhookSecret: OLD_SECRET,
		reads: 0,
		deleted: false,
		// A webhook registered by hand: the credential's secret checks deliveries.
		setup: { ...ids, parameters: { autoRegister: false } } as TriggerSetup,
	};
	Object.defineProperty(credential.setup, 'credentials', {
		get: () => {
			if (credential.deleted) return {};
			credential.reads++;
			return { timelyAiApi: { apiKey: 'k', webhookSecret: credential.webhookSecret } };
		},
	});
	return credential;
}

async function statusOf(setup: TriggerSetup, secret: string): Promise<number> {
	return (await deliver(timelyAi, setup, timelyAiDelivery(secret))).status;
}

const at = (milliseconds: number) => jest.setSystemTime(START + milliseconds);

describe('the credential a signed trigger checks deliveries with', () => {
	beforeEach(() => {
		// Only the clock is fake: n8n-core's own timers and promises run as usual.
		fakeTheClockOnly(START);
	});
	afterEach(() => jest.useRealTimers());

	it('is read from n8n once for deliveries within 5 seconds, and again after', async () => {
		const credential = countedCredential({ ...IDS, credentialId: 'credential-read-count' });
		for (const milliseconds of [0, 1000, 2500, 4999]) {
			at(milliseconds);
			expect(await statusOf(credential.setup, OLD_SECRET)).toBe(200);
		}
		expect(credential.reads).toBe(1);
		at(5000);
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(200);
		expect(credential.reads).toBe(2);
	});

	it('is read once for deliveries that arrive while n8n is still reading it', async () => {
		const credential = countedCredential({ ...IDS, credentialId: 'credential-concurrent' });
		const statuses = await Promise.all(
			[1, 2, 3].map(async () => await statusOf(credential.setup, OLD_SECRET)),
		);
		expect(statuses).toEqual([200, 200, 200]);
		expect(credential.reads).toBe(1);
	});

	it('lets the old secret in for less than 5 seconds after a change, then only the new one', async () => {
		const credential = countedCredential({ ...IDS, credentialId: 'credential-changed' });
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(200);

		credential.webhookSecret = NEW_SECRET;
		at(4999);
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(200);
		expect(await statusOf(credential.setup, NEW_SECRET)).toBe(401);

		at(5000);
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(401);
		expect(await statusOf(credential.setup, NEW_SECRET)).toBe(200);
	});

	it('answers every delivery 503 once a deleted credential is past the 5 seconds', async () => {
		const credential = countedCredential({ ...IDS, credentialId: 'credential-deleted' });
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(200);

		credential.deleted = true;
		at(4999);
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(200);
		at(5000);
		const refused = await deliver(timelyAi, credential.setup, timelyAiDelivery(OLD_SECRET));
		expect(refused.status).toBe(503);
		expect(refused.warnings[0].meta.reason).toBe(
			"the trigger's credential could not be read: no test credentials of type timelyAiApi",
		);
	});

	it('remembers a failed read for 2 seconds, then reads the credential again', async () => {
		const credential = countedCredential({ ...IDS, credentialId: 'credential-restored' });
		credential.deleted = true;
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(503);
		credential.deleted = false;
		at(1999);
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(503);
		expect(credential.reads).toBe(0);
		at(2000);
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(200);
		expect(credential.reads).toBe(1);
	});

	it('costs a handful of reads and log lines, not 100, when 100 deliveries arrive while reads fail', async () => {
		const setup: TriggerSetup = {
			...IDS,
			credentialId: 'credential-outage',
			nodeId: 'node-outage',
			parameters: { autoRegister: false },
		};
		let reads = 0;
		Object.defineProperty(setup, 'credentials', {
			get: () => {
				reads++;
				throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
			},
		});
		const runs = [];
		// 100 deliveries over 10 s: 20 at once, then 80 one every 100 ms.
		runs.push(
			...(await Promise.all(
				[...Array(20)].map(() => deliver(timelyAi, setup, timelyAiDelivery(OLD_SECRET))),
			)),
		);
		for (let index = 1; index <= 80; index++) {
			at(index * 125);
			runs.push(await deliver(timelyAi, setup, timelyAiDelivery(OLD_SECRET)));
		}
		const lines = runs.flatMap((run) => run.warnings.map(({ message }) => message));
		const statuses = [...new Set(runs.map(({ status }) => status))];
		expect(statuses).toEqual([503]);
		// A read every 2 s (at 0, 2, 4, 6, 8 and 10 s), a log line every 5 s (at 0, 5 and 10 s).
		expect(reads).toBe(6);
		expect(lines).toEqual([
			"Timely.ai delivery refused with 503: the trigger's credential could not be read: connect ECONNREFUSED 127.0.0.1:5432",
			"Timely.ai delivery refused with 503: the trigger's credential could not be read: connect ECONNREFUSED 127.0.0.1:5432 (and 58 more deliveries since the last such line)",
			"Timely.ai delivery refused with 503: the trigger's credential could not be read: connect ECONNREFUSED 127.0.0.1:5432 (and 39 more deliveries since the last such line)",
		]);
	});

	it('reads again when the clock is set back', async () => {
		const credential = countedCredential({ ...IDS, credentialId: 'credential-clock' });
		at(10_000);
		expect(await statusOf(credential.setup, OLD_SECRET)).toBe(200);
		credential.webhookSecret = NEW_SECRET;
		at(9_000);
		expect(await statusOf(credential.setup, NEW_SECRET)).toBe(200);
	});

	it('is never shared with another credential, node, workflow or credential type', async () => {
		const first = countedCredential({ ...IDS, credentialId: 'credential-shared' });
		expect(await statusOf(first.setup, OLD_SECRET)).toBe(200);

		for (const other of [
			{ ...IDS, credentialId: 'credential-other' },
			{ ...IDS, credentialId: 'credential-shared', nodeId: 'node-b' },
			{ ...IDS, credentialId: 'credential-shared', workflowId: 'workflow-b' },
		]) {
			const second = countedCredential(other);
			second.webhookSecret = NEW_SECRET;
			expect(await statusOf(second.setup, NEW_SECRET)).toBe(200);
			expect(second.reads).toBe(1);
		}

		const sameIdsOtherType: TriggerSetup = {
			...IDS,
			credentialId: 'credential-shared',
			parameters: { autoRegister: false },
			credentials: { dotdigitalCpaasApi: { webhookSecret: NEW_SECRET } },
		};
		expect(
			(await deliver(dotdigital, sameIdsOtherType, dotdigitalDelivery(NEW_SECRET))).status,
		).toBe(200);
		expect(await statusOf(first.setup, OLD_SECRET)).toBe(200);
		expect(first.reads).toBe(1);
	});
});
