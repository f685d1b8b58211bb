/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- development script (`npm run bench:isolates`); not part of the published package */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { fixtureFiles, newSecrets, signedHeaders } from './runtime/deliveries';
import { N8nApi, newOwner } from './runtime/n8nApi';
import { ensureN8nRuntime } from './runtime/n8nRuntime';
import { freePort, installPackage, packPackage, startN8n } from './runtime/n8nServer';
import {
	createTriggerCredentials,
	triggerWorkflow,
	webhookNodeWorkflow,
} from './runtime/workflows';

/**
 * Expression isolates per delivery (issue 27, item 6): n8n 2.41.1 with
 * N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true takes an isolate only when an expression is
 * evaluated. Its own metrics (N8N_METRICS, N8N_EXPRESSION_ENGINE_OBSERVABILITY_ENABLED) count
 * isolates acquired and expressions evaluated (code cache hits + misses); read before and after
 * DELIVERIES deliveries to each of our trigger (both Acknowledge choices) and n8n's Webhook node
 * version 1 and 2.
 */
const DELIVERIES = Number(process.env.ISOLATE_DELIVERIES) || 50;

export const LAZY_ACQUIRE_ENV = {
	N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE: 'true',
	N8N_METRICS: 'true',
	N8N_EXPRESSION_ENGINE_OBSERVABILITY_ENABLED: 'true',
};

async function counters(baseUrl: string): Promise<{ acquired: number; evaluated: number }> {
	const text = await (await fetch(`${baseUrl}/metrics`)).text();
	const sum = (pattern: RegExp) =>
		text
			.split('\n')
			.filter((line) => pattern.test(line) && !line.startsWith('#'))
			.reduce((total, line) => total + Number(line.trim().split(/\s+/).pop()), 0);
	return {
		acquired: sum(/^\w*expression_pool_acquired/),
		evaluated: sum(/^\w*expression_code_cache_(hit|miss)/),
	};
}

export async function isolatesPerDelivery(
	baseUrl: string,
	api: N8nApi,
): Promise<Array<{ target: string; acquired: number; evaluated: number }>> {
	const secrets = newSecrets();
	const timely = await createTriggerCredentials(api, 'timelyai', secrets, 'isolates');
	const targets = [
		[
			'our trigger, On Receipt',
			triggerWorkflow({ provider: 'timelyai', name: 'isolates ours', credentialIds: timely }),
		],
		[
			'our trigger, When the Workflow Finishes',
			triggerWorkflow({
				provider: 'timelyai',
				name: 'isolates ours when finished',
				credentialIds: timely,
				acknowledge: 'whenWorkflowFinishes',
			}),
		],
		["n8n's Webhook node v1", webhookNodeWorkflow('isolates webhook v1', [], undefined, 1)],
		["n8n's Webhook node v2", webhookNodeWorkflow('isolates webhook v2', [])],
	] as const;
	const template = JSON.parse(
		fixtureFiles('timelyai')
			.find(({ name }) => name === 'message-received')!
			.bytes.toString('utf8'),
	) as Record<string, unknown>;
	const results = [];
	for (const [target, built] of targets) {
		const ours = target.startsWith('our');
		const { url } = await api.deploy(built, { waitForTrigger: ours });
		const before = await counters(baseUrl);
		for (let index = 0; index < DELIVERIES; index++) {
			const body = Buffer.from(
				JSON.stringify({ ...template, event_id: `evt_isolates_${target.length}_${index}` }),
			);
			const response = await fetch(url, {
				method: 'POST',
				headers: signedHeaders('timelyai', body, secrets),
				body,
			});
			await response.arrayBuffer();
		}
		const after = await counters(baseUrl);
		results.push({
			target,
			acquired: (after.acquired - before.acquired) / DELIVERIES,
			evaluated: (after.evaluated - before.evaluated) / DELIVERIES,
		});
	}
	return results;
}

async function main(): Promise<void> {
	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);
	const workDir = mkdtempSync(join(tmpdir(), 'n8n-isolates-'));
	const userFolder = join(workDir, 'user');
	await installPackage(userFolder, process.env.ISOLATE_TARBALL ?? (await packPackage(workDir)));
	const n8n = await startN8n(runtime, {
		userFolder,
		port: await freePort(),
		logFile: join(workDir, 'n8n.log'),
		env: LAZY_ACQUIRE_ENV,
	});
	try {
		const api = await N8nApi.setUp(n8n.baseUrl, newOwner());
		const results = await isolatesPerDelivery(n8n.baseUrl, api);
		console.log(
			`n8n ${runtime.n8nVersion}, N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true, ${DELIVERIES} deliveries each:\n| Target | isolates acquired per delivery | expressions evaluated per delivery |\n|---|---|---|\n${results.map(({ target, acquired, evaluated }) => `| ${target} | ${acquired.toFixed(2)} | ${evaluated.toFixed(2)} |`).join('\n')}`,
		);
	} finally {
		await n8n.stop();
		rmSync(workDir, { recursive: true, force: true });
	}
}

if (require.main === module)
	main().catch((error: Error) => {
		console.error(`isolate count failed: ${error.stack ?? error.message}`);
		process.exit(1);
	});
