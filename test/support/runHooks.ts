import { HookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeType,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export const WEBHOOK_BASE = 'https://n8n.example.test/webhook';
export const WEBHOOK_TEST_BASE = 'https://n8n.example.test/webhook-test';

/**
 * Runs a credential type's `authenticate` the way n8n's CredentialsHelper does: a function is
 * called; a generic block is resolved for `={{$credentials.field}}` expressions (headers,
 * query string, Basic auth).
 */
async function authenticate(
	credentialType: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	request: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const definition = credentialType.authenticate;
	if (typeof definition === 'function') return await definition(credentials, request);
	if (!definition || definition.type !== 'generic') return request;
	const resolve = (value: unknown) => {
		const match =
			typeof value === 'string' ? /^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/.exec(value) : null;
		return match ? credentials[match[1]] : value;
	};
	const resolveAll = (values: IDataObject | undefined): IDataObject =>
		Object.fromEntries(
			Object.entries(values ?? {}).map(([key, value]) => [key, resolve(value)]),
		) as IDataObject;
	const { headers, qs, auth } = definition.properties as {
		headers?: IDataObject;
		qs?: IDataObject;
		auth?: IDataObject;
	};
	return {
		...request,
		headers: { ...request.headers, ...resolveAll(headers) } as IHttpRequestOptions['headers'],
		qs: { ...request.qs, ...resolveAll(qs) },
		...(auth ? { auth: resolveAll(auth) as { username: string; password: string } } : {}),
	};
}

export interface HookHarness {
	staticData: IDataObject;
	/** What the node wrote to n8n's log as warnings. */
	warnings: string[];
	/** One activation: a new workflow with the static data kept so far, as n8n loads it from its database. */
	run(method: HookMethod, mode?: WorkflowExecuteMode): Promise<boolean>;
	/**
	 * One activation that n8n retries after a failure: `checkExists` then, unless it answers
	 * true, `method`, up to `attempts` times on the same workflow object (n8n 2.41's
	 * retryTriggerActivation, without its waits). Answers each attempt's outcome.
	 */
	runRetried(method: 'create' | 'delete', attempts: number): Promise<Array<boolean | Error>>;
	setParameters(parameters: INode['parameters']): void;
}

type HookMethod = 'checkExists' | 'create' | 'delete';

/**
 * Drives a trigger's webhook lifecycle through n8n-core's real HookContext: real parameter
 * defaults, static data, webhook URLs and `httpRequestWithAuthentication` (HTTP goes out
 * through n8n's own client, so nock can play the provider).
 */
export function hookHarness(
	nodeType: INodeType,
	credentialType: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	parameters: INode['parameters'] = {},
): HookHarness {
	const staticData: IDataObject = {};
	const warnings: string[] = [];
	let nodeParameters = parameters;
	const credentialsHelper = {
		isCredentialUsableByNode: () => true,
		getParentTypes: () => [],
		preAuthentication: async () => undefined,
		getDecrypted: async () => credentials,
		authenticate: async (
			decrypted: ICredentialDataDecryptedObject,
			_type: string,
			request: IHttpRequestOptions,
		) => await authenticate(credentialType, decrypted, request),
	};

	return {
		staticData,
		warnings,
		setParameters(next) {
			nodeParameters = next;
		},
		async run(method, mode = 'trigger') {
			const workflow = newWorkflow();
			try {
				return await runOn(workflow, method, mode);
			} finally {
				keepStaticData(workflow);
			}
		},
		async runRetried(method, attempts) {
			const workflow = newWorkflow();
			const outcomes: Array<boolean | Error> = [];
			for (let attempt = 0; attempt < attempts; attempt++) {
				try {
					const exists = method === 'create' && (await runOn(workflow, 'checkExists', 'trigger'));
					outcomes.push(exists || (await runOn(workflow, method, 'trigger')));
					break;
				} catch (error) {
					outcomes.push(error as Error);
				}
			}
			keepStaticData(workflow);
			return outcomes;
		},
	};

	function newWorkflow(): Workflow {
		const node: INode = {
			id: 'node-1',
			name: 'Trigger',
			type: `n8n-nodes-messaging-triggers.${nodeType.description.name}`,
			typeVersion: 1,
			position: [0, 0],
			parameters: nodeParameters,
			webhookId: 'hook-id',
			credentials: { [credentialType.name]: { id: '1', name: credentialType.name } },
		};
		return new Workflow({
			id: 'wf-1',
			name: 'Inbound to CRM',
			nodes: [node],
			connections: {},
			active: true,
			staticData: { 'node:Trigger': asSaved(staticData) },
			nodeTypes: {
				getByName: () => nodeType,
				getByNameAndVersion: () => nodeType,
				getKnownTypes: () => ({}),
			},
		});
	}

	async function runOn(
		workflow: Workflow,
		method: HookMethod,
		mode: WorkflowExecuteMode,
	): Promise<boolean> {
		const additionalData = {
			credentialsHelper,
			webhookBaseUrl: WEBHOOK_BASE,
			webhookTestBaseUrl: WEBHOOK_TEST_BASE,
		} as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = {
			webhookDescription: nodeType.description.webhooks![0],
			isTest: mode === 'manual',
		} as IWebhookData;
		const context = new HookContext(
			workflow,
			workflow.getNode('Trigger')!,
			additionalData,
			mode,
			'activate',
			webhookData,
		);
		jest
			.spyOn(context.logger, 'warn')
			.mockImplementation((message: string) => void warnings.push(message));
		return await nodeType.webhookMethods!.default![method].call(context);
	}

	/** n8n saves the workflow's static data after an activation; mirror it for the next one. */
	function keepStaticData(workflow: Workflow): void {
		for (const key of Object.keys(staticData)) delete staticData[key];
		Object.assign(staticData, asSaved(workflow.staticData['node:Trigger'] as IDataObject));
	}
}

/** Static data as n8n's database keeps it between activations: JSON. */
function asSaved(staticData: IDataObject | undefined): IDataObject {
	return JSON.parse(JSON.stringify(staticData ?? {})) as IDataObject;
}
