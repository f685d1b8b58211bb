/* eslint-disable @n8n/community-nodes/no-restricted-imports -- development script (demo, end-to-end); not part of the published package */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { AuthenticationMethod } from '../../lib/providerDefinition';
import { PROVIDER_IDS, providerById, type ProviderId } from '../../lib/providerRegistry';
import { authenticationValue, TRIGGER_VERSION } from '../../lib/n8n/triggerCredentials';
import {
	allInOneCredentialOf,
	credentialTypesFor,
	scriptAuthentication,
	triggerCredentialsOf,
	type DeliverySecrets,
} from './deliveries';
import type { N8nApi, WorkflowJson } from './n8nApi';
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

/** A trigger's node type in a workflow, as a community install names it. */
export function triggerNodeType(provider: ProviderId): string {
	return `${PACKAGE_NAME}.${providerById(provider)!.trigger.name}`;
}

/**
 * Creates the credentials a script's triggers of this provider use, holding its secret: the
 * credentials of the scripts' authentication and the provider's default one, and the
 * all-in-one credential (the examples'). Returns their ids by credential type.
 */
export async function createTriggerCredentials(
	api: N8nApi,
	provider: ProviderId,
	secrets: DeliverySecrets,
	label: string,
): Promise<Record<string, string>> {
	const methods = new Set([
		scriptAuthentication(provider),
		providerById(provider)!.authentication.default,
	]);
	const credentials = [...methods].flatMap((method) =>
		triggerCredentialsOf(provider, secrets, method),
	);
	const allInOne = allInOneCredentialOf(provider, secrets);
	if (allInOne) credentials.push(allInOne);
	const ids: Record<string, string> = {};
	for (const { type, data } of credentials)
		ids[type] ??= await api.createCredential(type, `${label} (${type})`, data);
	return ids;
}

export interface TriggerWorkflowOptions {
	provider: ProviderId;
	name: string;
	/** Credential ids by type (createTriggerCredentials); the trigger gets those its authentication asks for. */
	credentialIds: Record<string, string>;
	events?: string[];
	authentication?: AuthenticationMethod;
	output?: 'canonical' | 'raw';
	/** The trigger's Options → Skip Repeated Events; absent: its default (on). */
	skipRepeatedEvents?: boolean;
	/** The trigger's Acknowledge parameter; absent: its default. */
	acknowledge?: 'onReceipt' | 'whenWorkflowFinishes';
	/** Nodes after the trigger: each is connected to the previous one's first output. */
	then?: Array<{
		name: string;
		type: string;
		typeVersion?: number;
		/** n8n's node setting "On Error", e.g. `continueErrorOutput`. */
		onError?: string;
		/** n8n's node settings "Retry On Fail", "Max. Tries" and "Wait Between Tries (ms)". */
		retryOnFail?: boolean;
		maxTries?: number;
		waitBetweenTries?: number;
		credentials?: Record<string, { id: string; name: string }>;
		parameters: Record<string, unknown>;
	}>;
}

export const TRIGGER_NODE_NAME = 'Trigger';

/** n8n's Remove Duplicates letting each `eventId` through once across executions (it records the id as it lets it through). */
export function removeDuplicatesOnEventId(
	name: string,
	options: Record<string, unknown> = {},
): NonNullable<TriggerWorkflowOptions['then']>[number] {
	return {
		name,
		type: 'n8n-nodes-base.removeDuplicates',
		typeVersion: 2,
		parameters: {
			operation: 'removeItemsSeenInPreviousExecutions',
			logic: 'removeItemsWithAlreadySeenKeyValues',
			dedupeValue: '={{ $json.eventId }}',
			options,
		},
	};
}

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
	const trigger = triggerNode(options);
	return {
		workflow: chain(options.name, trigger, options.then ?? []),
		webhookPath: `${String(trigger.webhookId)}/webhook`,
	};
}

/** One of our triggers as a workflow node (named TRIGGER_NODE_NAME unless told otherwise), registration off. */
export function triggerNode(
	options: Omit<TriggerWorkflowOptions, 'name' | 'then'> & { nodeName?: string },
): WorkflowJson['nodes'][number] {
	const authentication = options.authentication ?? scriptAuthentication(options.provider);
	const credentials: Record<string, { id: string; name: string }> = {};
	for (const type of credentialTypesFor(options.provider, authentication)) {
		const id = options.credentialIds[type];
		if (!id) throw new Error(`No ${type} credential for the ${options.provider} trigger`);
		credentials[type] = { id, name: `${options.provider} (${type})` };
	}
	return {
		id: randomUUID(),
		name: options.nodeName ?? TRIGGER_NODE_NAME,
		type: triggerNodeType(options.provider),
		typeVersion: TRIGGER_VERSION,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: {
			autoRegister: false,
			authentication: authenticationValue(providerById(options.provider)!, authentication),
			events: options.events ?? ['*'],
			additionalOptions: {
				...(options.output ? { output: options.output } : {}),
				...(options.skipRepeatedEvents === undefined
					? {}
					: { skipRepeatedEvents: options.skipRepeatedEvents }),
			},
			...(options.acknowledge ? { acknowledge: options.acknowledge } : {}),
		},
		credentials,
	};
}

/**
 * n8n's own Webhook node (POST, answers at once) followed by the given nodes; with a credential
 * id, it checks a header with n8n's Header Auth credential.
 */
export function webhookNodeWorkflow(
	name: string,
	then: NonNullable<TriggerWorkflowOptions['then']>,
	headerAuthCredentialId?: string,
	typeVersion = 2,
): BuiltWorkflow {
	const webhookId = randomUUID();
	const webhook = {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion,
		position: [0, 0],
		webhookId,
		parameters: {
			httpMethod: 'POST',
			path: webhookId,
			responseMode: 'onReceived',
			options: {},
			...(headerAuthCredentialId ? { authentication: 'headerAuth' } : {}),
		},
		...(headerAuthCredentialId
			? { credentials: { httpHeaderAuth: { id: headerAuthCredentialId, name: name } } }
			: {}),
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
	const triggerTypes = new Set(PROVIDER_IDS.map(triggerNodeType));
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
