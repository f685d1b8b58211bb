/* eslint-disable @n8n/community-nodes/no-restricted-imports -- development script (demo, end-to-end); not part of the published package */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ProviderId } from '../../lib/providerRegistry';
import type { WorkflowJson } from './n8nApi';
import { REPO_ROOT } from './n8nRuntime';
import { PACKAGE_NAME } from './n8nServer';

/** The data table the AI-vs-human counts example stores one row per message in (examples/README.md). */
export const EXAMPLE_DATA_TABLE = {
	name: 'ai-vs-human-messages',
	columns: [
		{ name: 'eventId', type: 'string' },
		{ name: 'provider', type: 'string' },
		{ name: 'channel', type: 'string' },
		{ name: 'senderClass', type: 'string' },
		{ name: 'sentAt', type: 'date' },
	],
};

export const TRIGGER_NODE_TYPES: Record<ProviderId, string> = {
	klink: 'klinkTrigger',
	partoo: 'partooTrigger',
	timelyai: 'timelyAiTrigger',
	dotdigital: 'dotdigitalTrigger',
	staryaai: 'staryaAiTrigger',
};

export const CREDENTIAL_TYPES: Record<ProviderId, string> = {
	klink: 'klinkWebhookApi',
	partoo: 'partooApi',
	timelyai: 'timelyAiApi',
	dotdigital: 'dotdigitalCpaasApi',
	staryaai: 'staryaAiWebhookApi',
};

/** The authentication each provider's deliveries carry (Partoo's Ed25519 cannot be produced by anyone but Partoo). */
export const SIGNED_AUTHENTICATION: Record<ProviderId, string> = {
	klink: 'signature',
	partoo: 'signature',
	timelyai: 'signature',
	dotdigital: 'signature',
	staryaai: 'headerAuth',
};

export interface TriggerWorkflowOptions {
	provider: ProviderId;
	name: string;
	credentialId: string;
	events?: string[];
	authentication?: string;
	output?: 'canonical' | 'raw';
	/** Nodes after the trigger: each is connected to the previous one's first output. */
	then?: Array<{
		name: string;
		type: string;
		typeVersion?: number;
		parameters: Record<string, unknown>;
	}>;
}

export const TRIGGER_NODE_NAME = 'Trigger';

export interface BuiltWorkflow {
	workflow: WorkflowJson;
	/** The production URL path of the trigger, after `/webhook/`. */
	webhookPath: string;
}

/**
 * A workflow with one of our triggers, as a user would build it, but registered by hand
 * (no provider API is reachable from a test machine).
 */
export function triggerWorkflow(options: TriggerWorkflowOptions): BuiltWorkflow {
	const webhookId = randomUUID();
	const trigger = {
		id: randomUUID(),
		name: TRIGGER_NODE_NAME,
		type: `${PACKAGE_NAME}.${TRIGGER_NODE_TYPES[options.provider]}`,
		typeVersion: 1,
		position: [0, 0],
		webhookId,
		parameters: {
			autoRegister: false,
			authentication: options.authentication ?? SIGNED_AUTHENTICATION[options.provider],
			events: options.events ?? ['*'],
			additionalOptions: options.output ? { output: options.output } : {},
		},
		credentials: {
			[CREDENTIAL_TYPES[options.provider]]: {
				id: options.credentialId,
				name: `${options.provider} e2e`,
			},
		},
	};
	return {
		workflow: chain(options.name, trigger, options.then ?? []),
		webhookPath: `${webhookId}/webhook`,
	};
}

/** n8n's own Webhook node (POST, answers at once) followed by the given nodes. */
export function webhookNodeWorkflow(
	name: string,
	then: NonNullable<TriggerWorkflowOptions['then']>,
): BuiltWorkflow {
	const webhookId = randomUUID();
	const webhook = {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId,
		parameters: { httpMethod: 'POST', path: webhookId, responseMode: 'onReceived', options: {} },
	};
	return { workflow: chain(name, webhook, then), webhookPath: webhookId };
}

function chain(
	name: string,
	first: WorkflowJson['nodes'][number],
	rest: NonNullable<TriggerWorkflowOptions['then']>,
): WorkflowJson {
	const nodes = [
		first,
		...rest.map((node, index) => ({
			id: randomUUID(),
			typeVersion: 1,
			position: [220 * (index + 1), 0],
			...node,
		})),
	];
	const connections: Record<string, unknown> = {};
	for (let index = 1; index < nodes.length; index++) {
		connections[nodes[index - 1].name] = {
			main: [[{ node: nodes[index].name, type: 'main', index: 0 }]],
		};
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

/** The importable workflow files in examples/, sorted. */
export function exampleFiles(): string[] {
	return readdirSync(EXAMPLES_DIR)
		.filter((name) => name.endsWith('.json'))
		.sort();
}

export interface ExampleWorkflow {
	workflow: WorkflowJson;
	/** The production URL path (after `/webhook/`) of each of our triggers, by node name. */
	triggerPaths: Record<string, string>;
}

/**
 * An example as a user imports it, with its credential placeholders pointed at existing
 * credentials (by credential type) and webhook registration off (no provider API is
 * reachable from a demo or test machine).
 */
export function exampleWorkflow(
	file: string,
	credentialIdsByType: Record<string, string>,
): ExampleWorkflow {
	const workflow = JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson;
	const triggerTypes = new Set(
		Object.values(TRIGGER_NODE_TYPES).map((name) => `${PACKAGE_NAME}.${name}`),
	);
	const triggerPaths: Record<string, string> = {};
	for (const node of workflow.nodes) {
		if (triggerTypes.has(node.type)) {
			node.parameters.autoRegister = false;
			triggerPaths[node.name] = `${String(node.webhookId)}/webhook`;
		}
		const credentials = node.credentials as Record<string, { id: string }> | undefined;
		for (const [type, reference] of Object.entries(credentials ?? {})) {
			if (credentialIdsByType[type]) reference.id = credentialIdsByType[type];
		}
	}
	return { workflow, triggerPaths };
}
