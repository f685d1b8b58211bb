import { WebhookContext } from 'n8n-core';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

export interface TestDelivery {
	/** Bytes as sent; an object is serialized as JSON. */
	body: Buffer | string | object;
	headers?: Record<string, string>;
	/** What n8n's `readRawBody` fails with (over its size limit, a broken gzip stream), if it does. */
	readError?: unknown;
}

export interface TriggerSetup {
	parameters?: INode['parameters'];
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The node's static data, as left by webhook registration. */
	staticData?: IDataObject;
	/** The node's version; the version new nodes get when absent. */
	typeVersion?: number;
	/**
	 * Ids as n8n would have them; unless named, each delivery gets a node id and a credential id
	 * of its own (a node of its own remembers no events delivered before: lib/n8n/eventClaims.ts).
	 */
	workflowId?: string;
	nodeId?: string;
	credentialId?: string;
	/** n8n's execution mode: `manual` for the editor's Listen for Test Event. */
	mode?: 'webhook' | 'manual';
}

let credentialsCreated = 0;
let nodesCreated = 0;

/** What the provider would see, and what the workflow would get. */
export interface TriggerRun {
	status: number;
	body: unknown;
	/** Items of the execution that was started, or null when none was. */
	items: IDataObject[] | null;
	/** Headers the node set on its answer (lower-case names). */
	headers: Record<string, string>;
	/** What the node wrote to n8n's log as warnings: message and metadata. */
	warnings: Array<{ message: string; meta: Record<string, unknown> }>;
	/**
	 * What the caller gets when n8n answers after the execution, as n8n 1.x and 2.x send a
	 * static answer (`res.status(code)`, then `res.json(body)`), e.g. `(500, {message: 'Error
	 * in workflow'})`, or `(200, undefined)` for `noData`.
	 */
	n8nAnswers(code: number, body: unknown): { status: number; body: unknown };
}

export function bodyBytes(body: TestDelivery['body']): Buffer {
	if (Buffer.isBuffer(body)) return body;
	return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

/**
 * Runs one delivery through a trigger node's `webhook()` inside n8n-core's real
 * WebhookContext (real parameter resolution with defaults, real credential checks), then
 * answers as n8n's webhook helpers do.
 */
export async function deliver(
	nodeType: INodeType,
	setup: TriggerSetup,
	delivery: TestDelivery,
): Promise<TriggerRun> {
	const typeName = `n8n-nodes-messaging-triggers.${nodeType.description.name}`;
	const credentialTypes = nodeType.description.credentials?.map(({ name }) => name) ?? [];
	const credentialId = setup.credentialId ?? `credential-${++credentialsCreated}`;
	const node: INode = {
		id: setup.nodeId ?? `trigger-under-test-${++nodesCreated}`,
		name: 'Trigger',
		type: typeName,
		typeVersion: setup.typeVersion ?? nodeType.description.defaultVersion ?? 1,
		position: [0, 0],
		parameters: setup.parameters ?? {},
		credentials: Object.fromEntries(
			credentialTypes.map((name) => [name, { id: credentialId, name }]),
		),
	};
	const nodeTypes: INodeTypes = {
		getByName: () => nodeType,
		getByNameAndVersion: () => nodeType,
		getKnownTypes: () => ({}),
	};
	const workflow = new Workflow({
		id: setup.workflowId ?? 'wf',
		nodes: [node],
		connections: {},
		active: true,
		nodeTypes,
		staticData: setup.staticData ? { 'node:Trigger': setup.staticData } : undefined,
	});
	const workflowNode = workflow.getNode(node.name) as INode;

	const rawBody = bodyBytes(delivery.body);
	const headers = Object.fromEntries(
		Object.entries({ 'content-type': 'application/json', ...delivery.headers }).map(([k, v]) => [
			k.toLowerCase(),
			v,
		]),
	);
	const request = delivery.readError
		? {
				method: 'POST',
				headers,
				query: {},
				params: {},
				readRawBody: async () => {
					throw delivery.readError;
				},
			}
		: { method: 'POST', headers, rawBody, body: parsedOrEmpty(rawBody), query: {}, params: {} };
	const response = new RecordingResponse();

	const additionalData = {
		httpRequest: request,
		httpResponse: response,
		credentialsHelper: {
			isCredentialUsableByNode: () => true,
			getDecrypted: async (_data: unknown, _node: unknown, type: string) => {
				const credentials = setup.credentials?.[type];
				if (!credentials) throw new Error(`no test credentials of type ${type}`);
				return credentials;
			},
		},
	} as unknown as IWorkflowExecuteAdditionalData;
	const webhookData = { webhookDescription: nodeType.description.webhooks?.[0] } as IWebhookData;

	const context = new WebhookContext(
		workflow,
		workflowNode,
		additionalData,
		setup.mode ?? 'webhook',
		webhookData,
		[],
		null,
	);
	const warnings: TriggerRun['warnings'] = [];
	jest.spyOn(context.logger, 'warn').mockImplementation((message, meta) => {
		warnings.push({ message, meta: (meta ?? {}) as Record<string, unknown> });
	});
	const result = await nodeType.webhook!.call(context);
	const n8nAnswers = (code: number, body: unknown) => {
		response.status(code).json(body);
		return { status: response.statusCode, body: response.body };
	};
	const { headers: answerHeaders } = response;

	if (result.noWebhookResponse)
		return {
			status: response.statusCode,
			body: response.body,
			headers: answerHeaders,
			items: null,
			warnings,
			n8nAnswers,
		};
	const items = result.workflowData ? result.workflowData[0].map((item) => item.json) : null;
	// n8n answers the trigger's webhookResponse when no execution starts; otherwise, told
	// `noData`, an empty 200 through res.json: on receipt once it has started the execution,
	// when the workflow finishes later (n8nAnswers).
	const whenFinished = setup.parameters?.acknowledge === 'whenWorkflowFinishes';
	if (!result.workflowData || !whenFinished) {
		const answered = n8nAnswers(200, result.workflowData ? undefined : result.webhookResponse);
		return { ...answered, headers: answerHeaders, items, warnings, n8nAnswers };
	}
	return {
		status: 200,
		body: result.webhookResponse,
		headers: answerHeaders,
		items,
		warnings,
		n8nAnswers,
	};
}

function parsedOrEmpty(rawBody: Buffer): unknown {
	try {
		return JSON.parse(rawBody.toString('utf8'));
	} catch {
		return {};
	}
}

/** The subset of express's Response a trigger uses to answer by itself. */
class RecordingResponse {
	statusCode = 200;
	body: unknown = undefined;
	headersSent = false;
	headers: Record<string, string> = {};

	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	json(body: unknown) {
		this.body = body;
		return this;
	}

	send(body: unknown) {
		this.body = body;
		return this;
	}

	end() {
		return this;
	}
}
