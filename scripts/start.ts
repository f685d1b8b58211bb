/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals, no-console -- the `npm start` demo; not part of the published package */
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

import { PROVIDER_IDS, providerById, type ProviderId } from '../lib/providerRegistry';
import { demoFixture, newSecrets, onlyProviderCanSign, signedHeaders } from './runtime/deliveries';
import { N8nApi, newOwner } from './runtime/n8nApi';
import { ensureN8nRuntime, REPO_ROOT, RUNTIME_DIR } from './runtime/n8nRuntime';
import { freePort, installPackage, packPackage, PACKAGE_NAME, startN8n } from './runtime/n8nServer';
import {
	createTriggerCredentials,
	EXAMPLE_DATA_TABLE,
	exampleFiles,
	exampleWorkflow,
	triggerWorkflow,
} from './runtime/workflows';

async function main(): Promise<void> {
	const started = Date.now();
	const runtime = await ensureN8nRuntime(process.env.N8N_VERSION);

	// A fresh instance every time: the demo owns nothing a user would want to keep.
	const demoDir = join(RUNTIME_DIR, 'demo');
	rmSync(demoDir, { recursive: true, force: true });
	mkdirSync(demoDir, { recursive: true });
	console.log(`Packing ${PACKAGE_NAME} and installing it into n8n's community nodes folder…`);
	await installPackage(demoDir, await packPackage(demoDir));

	const port = Number(process.env.N8N_PORT) || ((await isFree(5678)) ? 5678 : await freePort());
	console.log(
		`Starting n8n ${runtime.n8nVersion} on http://127.0.0.1:${port} (log: ${relative(REPO_ROOT, join(demoDir, 'n8n.log'))})…`,
	);
	const n8n = await startN8n(runtime, {
		userFolder: demoDir,
		port,
		logFile: join(demoDir, 'n8n.log'),
	});
	const stop = async () => {
		console.log('\nStopping n8n…');
		await n8n.stop();
		process.exit(0);
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);

	const owner = newOwner();
	const api = await N8nApi.setUp(n8n.baseUrl, owner);
	const secrets = newSecrets();
	const credentialIds = {} as Record<ProviderId, Record<string, string>>;
	for (const provider of PROVIDER_IDS) {
		credentialIds[provider] = await createTriggerCredentials(
			api,
			provider,
			secrets,
			`${displayName(provider)} (demo)`,
		);
	}

	const curls: string[] = [];
	for (const provider of PROVIDER_IDS) {
		const built = triggerWorkflow({
			provider,
			name: `Demo: ${displayName(provider)} events`,
			credentialIds: credentialIds[provider],
			then: [
				{
					name: 'Event Fields',
					type: `${PACKAGE_NAME}.eventFields`,
					parameters: {
						fields: ['event', 'senderType', 'channel', 'contactName', 'text', 'errorCode'],
					},
				},
			],
		});
		const { url } = await api.deploy(built);
		const fixture = demoFixture(provider);
		const headers = Object.entries(signedHeaders(provider, fixture.bytes, secrets)).map(
			([name, value]) => `-H '${name}: ${value}'`,
		);
		curls.push(
			`# ${displayName(provider)}${onlyProviderCanSign(provider) ? ` (unsigned: only ${displayName(provider)} holds its signing key)` : ''}\n` +
				`curl -X POST '${url}' ${headers.join(' ')} --data-binary @${relative(REPO_ROOT, fixture.path)}`,
		);
	}

	await api.createDataTable(EXAMPLE_DATA_TABLE.name, EXAMPLE_DATA_TABLE.columns);
	const examples = await importExamples(api, credentialIds);

	console.log(`
n8n is ready (${Math.round((Date.now() - started) / 1000)} s) with every ${PACKAGE_NAME} node in the node panel.

  Editor:    ${n8n.baseUrl}
  Login:     ${owner.email}
  Password:  ${owner.password}

Active workflows: one demo trigger per provider (trigger → Event Fields)${examples.length ? `, and the examples: ${examples.join(', ')}` : ''}.
Send each trigger a correctly signed sample event (from the repository root), then open Executions:

${curls.join('\n\n')}

Ctrl-C stops n8n. The next \`npm start\` begins again from a fresh instance.`);
}

/** Imports and activates the workflows in examples/ with the demo credentials. */
async function importExamples(
	api: N8nApi,
	credentialIds: Record<ProviderId, Record<string, string>>,
): Promise<string[]> {
	const credentialIdsByType = Object.assign({}, ...Object.values(credentialIds)) as Record<
		string,
		string
	>;
	const imported: string[] = [];
	for (const file of exampleFiles()) {
		const { workflow } = exampleWorkflow(file, credentialIdsByType);
		const id = await api.createWorkflow(workflow);
		try {
			await api.activateWorkflow(id);
			imported.push(`“${workflow.name}” (active)`);
		} catch (error) {
			imported.push(
				`“${workflow.name}” (imported, not active: ${(error as Error).message.replace(/^.*answered /, '')})`,
			);
		}
	}
	return imported;
}

const displayName = (provider: ProviderId) => providerById(provider)!.displayName;

async function isFree(port: number): Promise<boolean> {
	try {
		await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
		return false;
	} catch {
		return true;
	}
}

main().catch((error: Error) => {
	console.error(`\nnpm start failed: ${error.message}`);
	process.exit(1);
});
