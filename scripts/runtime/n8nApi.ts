import { randomBytes } from 'node:crypto';

import { sleep } from './n8nServer';

export interface Owner {
	email: string;
	password: string;
}

export function newOwner(): Owner {
	// n8n wants 8+ characters with a digit and a capital letter.
	return { email: 'demo@example.com', password: `Demo-${randomBytes(6).toString('hex')}-1A` };
}

const API_KEY_SCOPES = [
	'workflow:create',
	'workflow:read',
	'workflow:list',
	'workflow:update',
	'workflow:delete',
	'workflow:activate',
	'workflow:deactivate',
	'execution:list',
	'execution:read',
	'execution:delete',
	'credential:create',
	'dataTable:create',
	'dataTable:list',
];

export interface WorkflowJson {
	name: string;
	nodes: Array<
		Record<string, unknown> & { name: string; type: string; parameters: Record<string, unknown> }
	>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: string;
	finished: boolean;
	mode: string;
	startedAt?: string;
	stoppedAt?: string | null;
}

export interface ExecutionDetail extends ExecutionSummary {
	data?: {
		resultData?: {
			runData?: Record<
				string,
				Array<{ data?: { main?: Array<Array<{ json: Record<string, unknown> }> | null> } }>
			>;
		};
	};
}

/** n8n's REST (owner setup, API key) and public API (`/api/v1`), as a user's scripts would call them. */
export class N8nApi {
	private constructor(
		readonly baseUrl: string,
		private readonly apiKey: string,
	) {}

	/**
	 * Creates the instance owner on a fresh n8n and an API key for the public API.
	 * `extraScopes` (e.g. `execution:retry`) are added to the key's default scopes.
	 */
	static async setUp(baseUrl: string, owner: Owner, extraScopes: string[] = []): Promise<N8nApi> {
		await request(`${baseUrl}/rest/owner/setup`, 'POST', {
			body: { email: owner.email, firstName: 'Demo', lastName: 'Owner', password: owner.password },
		});
		return await N8nApi.logIn(baseUrl, owner, extraScopes);
	}

	static async logIn(baseUrl: string, owner: Owner, extraScopes: string[] = []): Promise<N8nApi> {
		const login = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!login.ok) throw new Error(`n8n login answered ${login.status}: ${await login.text()}`);
		const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
		const createKey = async (scopes: string[]) =>
			(await request(`${baseUrl}/rest/api-keys`, 'POST', {
				headers: { cookie },
				body: { label: `scripts-${Date.now()}`, expiresAt: null, scopes },
			})) as { data: { rawApiKey: string } };
		const scopes = [...API_KEY_SCOPES, ...extraScopes];
		// n8n 1.x has no data tables, and refuses a key asking for their scopes.
		const key = await createKey(scopes).catch(
			async () => await createKey(scopes.filter((scope) => !scope.startsWith('dataTable:'))),
		);
		return new N8nApi(baseUrl, key.data.rawApiKey);
	}

	private async call(path: string, method = 'GET', body?: unknown): Promise<unknown> {
		return await request(`${this.baseUrl}/api/v1${path}`, method, {
			headers: { 'x-n8n-api-key': this.apiKey },
			body,
		});
	}

	async createCredential(
		type: string,
		name: string,
		data: Record<string, unknown>,
	): Promise<string> {
		const create = async (body: Record<string, unknown>) =>
			(await this.call('/credentials', 'POST', { name, type, data: body })) as { id: string };
		// n8n 1.x's credential schema makes credentials that send requests name the domains they may call.
		const created = await create(data).catch(async (error: Error) => {
			if (!error.message.includes('allowedDomains')) throw error;
			return await create({ ...data, allowedHttpRequestDomains: 'all' });
		});
		return created.id;
	}

	/** Replaces a credential's data (the key needs the `credential:update` scope). */
	async updateCredential(id: string, data: Record<string, unknown>): Promise<void> {
		await this.call(`/credentials/${id}`, 'PATCH', { data });
	}

	/** Deletes a credential (the key needs the `credential:delete` scope). */
	async deleteCredential(id: string): Promise<void> {
		await this.call(`/credentials/${id}`, 'DELETE');
	}

	async createDataTable(
		name: string,
		columns: Array<{ name: string; type: string }>,
	): Promise<void> {
		await this.call('/data-tables', 'POST', { name, columns });
	}

	async createWorkflow(workflow: WorkflowJson): Promise<string> {
		const { name, nodes, connections } = workflow;
		const created = (await this.call('/workflows', 'POST', {
			name,
			nodes,
			connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
		})) as { id: string };
		return created.id;
	}

	/**
	 * Creates and activates a workflow, and waits until n8n serves its trigger's webhook
	 * (at `webhookBase`, the webhook process in queue mode). n8n's own Webhook node is not
	 * polled: a POST to it would start an execution.
	 */
	async deploy(
		built: { workflow: WorkflowJson; webhookPath: string },
		{
			webhookBase = this.baseUrl,
			waitForTrigger = true,
		}: { webhookBase?: string; waitForTrigger?: boolean } = {},
	): Promise<{ id: string; path: string; url: string }> {
		const id = await this.createWorkflow(built.workflow);
		await this.activateWorkflow(id);
		const path = `/webhook/${built.webhookPath}`;
		if (waitForTrigger) await waitForWebhook(`${webhookBase}${path}`);
		return { id, path, url: `${webhookBase}${path}` };
	}

	async activateWorkflow(id: string): Promise<void> {
		await this.call(`/workflows/${id}/activate`, 'POST');
	}

	async deactivateWorkflow(id: string): Promise<void> {
		await this.call(`/workflows/${id}/deactivate`, 'POST');
	}

	/** The stored workflow, with its static data (what trigger nodes keep between activations). */
	async workflow(id: string): Promise<WorkflowJson & { active: boolean; staticData?: unknown }> {
		return (await this.call(`/workflows/${id}`)) as WorkflowJson & {
			active: boolean;
			staticData?: unknown;
		};
	}

	/** Saves a new version of a workflow; n8n republishes it at once when it is active. */
	async updateWorkflow(id: string, workflow: WorkflowJson): Promise<void> {
		const { name, nodes, connections } = workflow;
		await this.call(`/workflows/${id}`, 'PUT', {
			name,
			nodes,
			connections,
			settings: workflow.settings ?? { executionOrder: 'v1' },
		});
	}

	/**
	 * Every execution of a workflow, newest first (follows the API's cursor); with `status`, only
	 * those (n8n 1.x lists `waiting` executions only when asked for them).
	 */
	async executions(
		workflowId: string,
		includeData = false,
		status?: string,
	): Promise<ExecutionDetail[]> {
		const all: ExecutionDetail[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({
				workflowId,
				limit: '250',
				includeData: String(includeData),
			});
			if (status) query.set('status', status);
			if (cursor) query.set('cursor', cursor);
			const page = (await this.call(`/executions?${query}`)) as {
				data: ExecutionDetail[];
				nextCursor?: string | null;
			};
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		return all;
	}

	async execution(id: string): Promise<ExecutionDetail> {
		return (await this.call(`/executions/${id}?includeData=true`)) as ExecutionDetail;
	}

	/** Retries a failed or crashed execution (needs the `execution:retry` scope); returns the new execution. */
	async retryExecution(id: string): Promise<ExecutionSummary & { retryOf?: string | null }> {
		return (await this.call(`/executions/${id}/retry`, 'POST', {})) as ExecutionSummary & {
			retryOf?: string | null;
		};
	}

	/**
	 * Waits until a workflow has `count` executions that are no longer running, then a
	 * little longer to catch any extra one; returns what is there.
	 */
	async settledExecutions(
		workflowId: string,
		count: number,
		timeoutMs = 60_000,
	): Promise<ExecutionDetail[]> {
		const deadline = Date.now() + timeoutMs;
		let executions: ExecutionDetail[] = [];
		while (Date.now() < deadline) {
			executions = await this.executions(workflowId);
			const settled = executions.filter(
				(execution) => !['new', 'running', 'waiting'].includes(execution.status),
			);
			if (settled.length >= count && settled.length === executions.length) break;
			await sleep(300);
		}
		await sleep(1000);
		return await this.executions(workflowId);
	}
}

/** Output items of one node in an execution (first run, given output). */
export function nodeOutput(
	execution: ExecutionDetail,
	nodeName: string,
	output = 0,
): Array<Record<string, unknown>> {
	const runs = execution.data?.resultData?.runData?.[nodeName];
	return (runs?.[0]?.data?.main?.[output] ?? []).map((item) => item.json);
}

async function request(
	url: string,
	method: string,
	options: { headers?: Record<string, string>; body?: unknown } = {},
): Promise<unknown> {
	const response = await fetch(url, {
		method,
		headers: { 'content-type': 'application/json', accept: 'application/json', ...options.headers },
		body: options.body === undefined ? undefined : JSON.stringify(options.body),
	});
	const text = await response.text();
	if (!response.ok)
		throw new Error(
			`${method} ${url.replace(/\?.*/, '')} answered ${response.status}: ${text.slice(0, 500)}`,
		);
	return text ? JSON.parse(text) : {};
}

/**
 * Waits until n8n has registered a production webhook for POST, without calling the trigger:
 * a CORS preflight-style `OPTIONS` with an `Origin` header makes n8n list the path's
 * registered methods in `Access-Control-Allow-Methods` and answer 204, starting nothing and
 * logging nothing (a POST would reach the trigger, or log "unknown webhook" until registered).
 */
export async function waitForWebhook(url: string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		const response = await fetch(url, {
			method: 'OPTIONS',
			headers: { origin: new URL(url).origin },
		}).catch(() => null);
		const methods = response?.headers.get('access-control-allow-methods') ?? '';
		if (methods.split(/,\s*/).includes('POST')) return;
		await sleep(250);
	}
	throw new Error(`webhook ${url} was not registered for POST within ${timeoutMs / 1000} s`);
}
