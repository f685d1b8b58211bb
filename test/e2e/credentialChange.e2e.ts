/* eslint-disable @n8n/community-nodes/no-restricted-imports -- end-to-end suite: starts a real n8n; not part of the published package */
import { setTimeout as sleep } from 'node:timers/promises';

import {
	fixtureFiles,
	newSecrets,
	signedHeaders,
	triggerCredentialsOf,
	type DeliverySecrets,
} from '../../scripts/runtime/deliveries';
import { N8nApi, newOwner } from '../../scripts/runtime/n8nApi';
import { type N8nProcess } from '../../scripts/runtime/n8nServer';
import { triggerWorkflow } from '../../scripts/runtime/workflows';
import { printLogTailIfFailed, removeWorkDir, startPackagedN8n } from './packagedN8n';

/**
 * A signed trigger keeps what n8n decrypted for at most 5 seconds (README): a credential
 * changed or deleted through n8n's API stops letting deliveries in once they are past. A
 * deleted one is the owner's to fix, so its deliveries are answered 503 (retried), not 401.
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
	({ server, workDir } = await startPackagedN8n('n8n-e2e-credential-'));
	api = await N8nApi.setUp(server.baseUrl, newOwner(), ['credential:update', 'credential:delete']);
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
	if (server) await server.stop();
	removeWorkDir(workDir);
}, 60_000);

afterEach(() => printLogTailIfFailed(server));

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

	it('answers every delivery 503 (retry later, not forged) once a deleted credential is 5 seconds gone', async () => {
		const secrets = newSecrets();
		const { credentialId, url } = await signedTrigger('credential deleted', secrets);
		expect(await statusOf(url, secrets)).toBe(200);

		await api.deleteCredential(credentialId);
		await sleep(CACHE_SECONDS * 1000);
		expect(await statusOf(url, secrets)).toBe(503);
	});
});
