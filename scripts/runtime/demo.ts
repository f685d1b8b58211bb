/* eslint-disable @n8n/community-nodes/no-restricted-imports -- the `npm start` demo and its browser walk; not part of the published package */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import { PROVIDER_IDS, providerById, type ProviderId } from '../../lib/providerRegistry';
import {
	demoFixture,
	newSecrets,
	onlyProviderCanSign,
	signedHeaders,
	triggerCredentialsOf,
} from './deliveries';
import type { N8nApi, WorkflowJson } from './n8nApi';
import { waitForWebhook } from './n8nApi';
import { REPO_ROOT } from './n8nRuntime';
import { PACKAGE_NAME } from './n8nServer';
import {
	STAND_IN_PROVIDERS,
	standInCredentialData,
	startProviderApiStandIn,
	type ProviderApiStandIn,
	type StandInProvider,
} from './providerApiStandIn';
import { EXAMPLE_DATA_TABLE, EXAMPLES_DIR, exampleFiles, triggerNode } from './workflows';

export const DEMO_WORKFLOW_NAME = 'Demo: Messaging Triggers';
export const DEMO_FIELDS_NODE = 'Event Fields';

/** Realistic samples for providers whose documented example is a schema with placeholders. */
const DEMO_PAYLOADS_DIR = join(REPO_ROOT, 'scripts', 'demoPayloads');

export interface DemoDelivery {
	provider: ProviderId;
	/** The trigger's name on the canvas. */
	nodeName: string;
	url: string;
	/** The file the curl sends, relative to the repository root. */
	payloadFile: string;
	/** The command printed for the user, run from the repository root. */
	curl: string;
}

export interface Demo {
	workflowId: string;
	deliveries: DemoDelivery[];
	/** The demo's credentials, one per provider. */
	credentials: Array<{ provider: ProviderId; id: string; name: string }>;
	/** The examples' workflow names, imported inactive. */
	examples: string[];
	/** Answers the credential tests of the providers with a webhook API. */
	standIn: ProviderApiStandIn;
}

const isStandIn = (provider: ProviderId): provider is StandInProvider =>
	(STAND_IN_PROVIDERS as readonly string[]).includes(provider);

/**
 * What `npm start` sets up in a fresh n8n: one credential per provider (those with an API
 * pointed at a local stand-in of it, so that their Test button passes), one active workflow
 * with the five triggers feeding Event Fields, a signed curl per trigger, and the examples,
 * imported inactive with their placeholder credentials.
 */
export async function setUpDemo(api: N8nApi): Promise<Demo> {
	const standIn = await startProviderApiStandIn();
	const secrets = newSecrets();
	const credentialIds: Record<string, string> = {};
	const demoCredentials: Demo['credentials'] = [];
	for (const provider of PROVIDER_IDS) {
		const credentials = triggerCredentialsOf(provider, secrets);
		if (credentials.length !== 1)
			throw new Error(
				`The demo expects one credential for the ${provider} trigger, not ${credentials.length}`,
			);
		const [{ type, data }] = credentials;
		const name = `${displayName(provider)} (demo${isStandIn(provider) ? ', local API stand-in' : ''})`;
		credentialIds[type] = await api.createCredential(
			type,
			name,
			isStandIn(provider)
				? standInCredentialData(
						standIn,
						provider,
						onlyProviderCanSign(provider) ? undefined : secrets[provider],
					)
				: data,
		);
		demoCredentials.push({ provider, id: credentialIds[type], name });
	}

	const triggers = PROVIDER_IDS.map((provider, index) => {
		const trigger = triggerNode({
			provider,
			credentialIds,
			nodeName: `${displayName(provider)} Trigger`,
		});
		trigger.position = [0, index * 200];
		return trigger;
	});
	const eventFields = {
		id: randomUUID(),
		name: DEMO_FIELDS_NODE,
		type: `${PACKAGE_NAME}.eventFields`,
		typeVersion: 1,
		position: [400, 400],
		parameters: { fields: ['event', 'senderType', 'channel', 'contactName', 'text', 'errorCode'] },
	};
	const workflow: WorkflowJson = {
		name: DEMO_WORKFLOW_NAME,
		nodes: [...triggers, eventFields],
		connections: Object.fromEntries(
			triggers.map(({ name }) => [
				name,
				{ main: [[{ node: DEMO_FIELDS_NODE, type: 'main', index: 0 }]] },
			]),
		),
		settings: { executionOrder: 'v1' },
	};
	const workflowId = await api.createWorkflow(workflow);
	await api.activateWorkflow(workflowId);

	const deliveries: DemoDelivery[] = [];
	for (const [index, provider] of PROVIDER_IDS.entries()) {
		const url = `${api.baseUrl}/webhook/${String(triggers[index].webhookId)}/webhook`;
		await waitForWebhook(url);
		const payloadPath = existsSync(join(DEMO_PAYLOADS_DIR, `${provider}.json`))
			? join(DEMO_PAYLOADS_DIR, `${provider}.json`)
			: demoFixture(provider).path;
		const headers = signedHeaders(provider, readFileSync(payloadPath), secrets);
		const payloadFile = relative(REPO_ROOT, payloadPath);
		deliveries.push({
			provider,
			nodeName: triggers[index].name,
			url,
			payloadFile,
			curl: `curl -X POST '${url}' ${Object.entries(headers)
				.map(([name, value]) => `-H '${name}: ${value}'`)
				.join(' ')} --data-binary @${payloadFile}`,
		});
	}

	await api.createDataTable(EXAMPLE_DATA_TABLE.name, EXAMPLE_DATA_TABLE.columns);
	const examples: string[] = [];
	for (const file of exampleFiles()) {
		const example = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson;
		await api.createWorkflow(example);
		examples.push(example.name);
	}
	return { workflowId, deliveries, credentials: demoCredentials, examples, standIn };
}

export const displayName = (provider: ProviderId) => providerById(provider)!.displayName;
