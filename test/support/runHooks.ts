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
 * Resolves a credential type's generic `authenticate` block the way n8n's CredentialsHelper
 * does for `={{$credentials.field}}` expressions (headers, query string, Basic auth).
 */
function authenticate(
	credentialType: ICredentialType,
	credentials: ICredentialDataDecryptedObject,
	request: IHttpRequestOptions,
): IHttpRequestOptions {
	const definition = credentialType.authenticate;
	if (!definition || typeof definition === 'function' || definition.type !== 'generic')
		return request;
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
	run(method: 'checkExists' | 'create' | 'delete', mode?: WorkflowExecuteMode): Promise<boolean>;
	setParameters(parameters: INode['parameters']): void;
}

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
		) => authenticate(credentialType, decrypted, request),
	};

	return {
		staticData,
		warnings,
		setParameters(next) {
			nodeParameters = next;
		},
		async run(method, mode = 'trigger') {
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
			const workflow = new Workflow({
				id: 'wf-1',
				name: 'Inbound to CRM',
				nodes: [node],
				connections: {},
				active: true,
				staticData: { 'node:Trigger': staticData },
				nodeTypes: {
					getByName: () => nodeType,
					getByNameAndVersion: () => nodeType,
					getKnownTypes: () => ({}),
				},
			});
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
			const result = await nodeType.webhookMethods!.default![method].call(context);
			// n8n keeps the context's static data on the workflow; mirror it for the next call.
			Object.assign(staticData, workflow.staticData['node:Trigger']);
			for (const key of Object.keys(staticData)) {
				if (!(key in (workflow.staticData['node:Trigger'] as IDataObject))) delete staticData[key];
			}
			return result;
		},
	};
}
