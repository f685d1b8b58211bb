/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- end-to-end suite: starts a real n8n; not part of the published package */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import {
	fixtureFiles,
	newSecrets,
	signedHeaders,
	triggerCredentialsOf,
	type DeliverySecrets,
} from '../../scripts/runtime/deliveries';
import { N8nApi, newOwner } from '../../scripts/runtime/n8nApi';
import { ensureN8nRuntime } from '../../scripts/runtime/n8nRuntime';
import {
	freePort,
	installPackage,
	packPackage,
	startN8n,
	tail,
	type N8nProcess,
} from '../../scripts/runtime/n8nServer';
import { triggerWorkflow } from '../../scripts/runtime/workflows';

/**
 * A signed trigger keeps what n8n decrypted for at most 5 seconds (README): a credential
 * changed or deleted through n8n's API stops letting deliveries in once they are past.
 */

const CACHE_SECONDS = 5;
const SETUP_TIMEOUT_MS = 20 * 60_000;

let workDir: string;
let server: N8nProcess | undefined;
let api: N8nApi;

const delivery = fixtureFiles('timelyai').find(({ name }) => name === 'message-received')!.bytes;

async function statusOf(url: string, secrets: DeliverySecrets): Promise<number> {
	const response = await fetch(url, {
		method: 'POST',
		headers: signedHeaders('timelyai', delivery, secrets),
		body: delivery,
	});
	await response.arrayBuffer();
	return response.status;
}

/** A Timely.ai credential and a workflow whose trigger checks signatures with it. */
async function signedTrigger(name: string, secrets: DeliverySecrets) {
	const [{ type, data }] = triggerCredentialsOf('timelyai', secrets);
	const credentialId = await api.createCredential(type, name, data);
	const { url } = await api.deploy(
		triggerWorkflow({ provider: 'timelyai', name, credentialIds: { [type]: credentialId } }),
	);
	return { credentialId, url };
}

beforeAll(async () => {
	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);
	workDir = mkdtempSync(join(tmpdir(), 'n8n-e2e-credential-'));
	const userFolder = join(workDir, 'user');
	await installPackage(userFolder, await packPackage(workDir));
	server = await startN8n(runtime, {
		userFolder,
		port: await freePort(),
		logFile: join(workDir, 'n8n.log'),
	});
	api = await N8nApi.setUp(server.baseUrl, newOwner(), ['credential:update', 'credential:delete']);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	if (server) await server.stop();
	if (workDir && process.env.E2E_KEEP !== '1') rmSync(workDir, { recursive: true, force: true });
}, 60_000);

afterEach(() => {
	const state = expect.getState();
	if (server && state.assertionCalls > state.numPassingAsserts)
		process.stdout.write(`\nn8n log tail:\n${tail(server.logFile)}\n`);
});

describe('a credential changed in a real n8n', () => {
	it('checks deliveries with the new secret once 5 seconds have passed', async () => {
		const before = newSecrets();
		const after = newSecrets();
		const { credentialId, url } = await signedTrigger('credential changed', before);
		expect(await statusOf(url, before)).toBe(200);

		await api.updateCredential(credentialId, triggerCredentialsOf('timelyai', after)[0].data);
		// Within the 5 seconds the trigger still checks with what it read: n8n is not asked again.
		expect(await statusOf(url, before)).toBe(200);
		await sleep(CACHE_SECONDS * 1000);
		expect(await statusOf(url, before)).toBe(401);
		expect(await statusOf(url, after)).toBe(200);
	});

	it('refuses every delivery once a deleted credential is 5 seconds gone', async () => {
		const secrets = newSecrets();
		const { credentialId, url } = await signedTrigger('credential deleted', secrets);
		expect(await statusOf(url, secrets)).toBe(200);

		await api.deleteCredential(credentialId);
		await sleep(CACHE_SECONDS * 1000);
		expect(await statusOf(url, secrets)).toBe(401);
	});
});
