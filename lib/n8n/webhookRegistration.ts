import {
	NodeApiError,
	NodeOperationError,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type IHookFunctions,
	type IHttpRequestMethods,
	type JsonObject,
} from 'n8n-workflow';

import { selectedCatalogueEvents } from '../eventSelection';
import type { MessagingProvider } from '../messagingProvider';
import { AUTO_REGISTER_PARAMETER, warnWhenRawBodyIsOverwritten } from './triggerProperties';

/** What a trigger asks the provider to send, and where. */
export interface RegistrationTarget {
	url: string;
	events: string[];
	/** `n8n <workflow>`, with ` (test)` for the editor's "Listen for test event". */
	name: string;
}

/** What the node keeps in its static data about the webhook it registered. */
export interface RegisteredWebhook {
	ids: string[];
	url: string;
	events: string[];
	/** The signing secret the provider returned, or the node generated (read by `webhook()`). */
	secret?: string;
}

export interface ApiRequest {
	method: IHttpRequestMethods;
	path: string;
	body?: IDataObject;
	qs?: IDataObject;
	/** Answer null instead of failing when the provider says 404 (already gone). */
	allowNotFound?: boolean;
}

/** Sends one authenticated request to the provider's API and returns the parsed body. */
export type ApiClient = (request: ApiRequest) => Promise<unknown>;

/** A provider's webhook API, in terms of the three lifecycle steps n8n drives. */
export interface WebhookRegistrationApi {
	provider: MessagingProvider;
	credentialType: string;
	baseUrl(credentials: ICredentialDataDecryptedObject): string;
	/** Query parameters every request needs (e.g. Partoo's `org_id`). */
	commonQuery?(credentials: ICredentialDataDecryptedObject): IDataObject;
	/** Whether the registration is still there; absent when the provider offers no way to look. */
	stillRegistered?(api: ApiClient, stored: RegisteredWebhook): Promise<boolean>;
	create(api: ApiClient, target: RegistrationTarget): Promise<RegisteredWebhook>;
	/** Where a registered webhook lives: removal is `DELETE <webhooksPath>/<id>` for each id. */
	webhooksPath: string;
}

/** Removes every webhook of a registration; one already gone at the provider is fine. */
async function removeRegistration(
	api: ApiClient,
	registration: WebhookRegistrationApi,
	stored: RegisteredWebhook,
) {
	for (const id of stored.ids) {
		await api({
			method: 'DELETE',
			path: webhookPath(registration.webhooksPath, id),
			allowNotFound: true,
		});
	}
}

/** The path of one registered webhook, e.g. `/webhooks/42`. */
export function webhookPath(webhooksPath: string, id: string): string {
	return `${webhooksPath}/${encodeURIComponent(id)}`;
}

interface NodeStaticData extends IDataObject {
	registration?: RegisteredWebhook & IDataObject;
}

/** The secret stored at registration, if the node registered its webhook itself. */
export function registeredSecret(staticData: IDataObject): string | undefined {
	return (staticData as NodeStaticData).registration?.secret;
}

function autoRegisters(context: IHookFunctions): boolean {
	return context.getNodeParameter(AUTO_REGISTER_PARAMETER, true) as boolean;
}

async function apiClient(
	context: IHookFunctions,
	registration: WebhookRegistrationApi,
	action: string,
): Promise<ApiClient> {
	const credentials = await context.getCredentials(registration.credentialType);
	const baseUrl = registration.baseUrl(credentials);
	const commonQuery = registration.commonQuery?.(credentials) ?? {};
	return async ({ method, path, body, qs, allowNotFound }) => {
		try {
			return await context.helpers.httpRequestWithAuthentication.call(
				context,
				registration.credentialType,
				{
					method,
					url: `${baseUrl}${path}`,
					qs: { ...commonQuery, ...qs },
					body,
					json: true,
				},
			);
		} catch (error) {
			if (allowNotFound && httpStatusOf(error) === 404) return null;
			throw providerApiError(context, registration.provider.displayName, action, error);
		}
	};
}

/** An n8n error that names the provider and the HTTP status, never a stack trace. */
function providerApiError(
	context: IHookFunctions,
	providerName: string,
	action: string,
	error: unknown,
): NodeApiError {
	const status = httpStatusOf(error);
	const message = status
		? `${providerName} answered HTTP ${status} while ${action} the webhook`
		: `${providerName} could not be reached while ${action} the webhook`;
	// Built from our own summary: re-wrapping n8n's NodeApiError would hand back its generic text.
	return new NodeApiError(
		context.getNode(),
		{ message, httpCode: status ? String(status) : null } as JsonObject,
		{
			message,
			description:
				status === 401 || status === 403
					? 'Check the API credentials of this trigger, or turn off "Register Webhook Automatically" and register the URL by hand.'
					: 'Turn off "Register Webhook Automatically" to register the URL by hand.',
			httpCode: status ? String(status) : undefined,
		},
	);
}

function httpStatusOf(error: unknown): number | undefined {
	const candidate = error as
		| { httpCode?: string; response?: { status?: number }; status?: number }
		| undefined;
	const status = Number(candidate?.httpCode ?? candidate?.response?.status ?? candidate?.status);
	return Number.isInteger(status) && status > 0 ? status : undefined;
}

function currentTarget(
	context: IHookFunctions,
	registration: WebhookRegistrationApi,
): RegistrationTarget {
	const testMode = context.getMode() === 'manual';
	const workflowName = context.getWorkflow().name ?? context.getWorkflow().id ?? 'workflow';
	return {
		url: context.getNodeWebhookUrl('default') as string,
		events: selectedCatalogueEvents(
			registration.provider,
			context.getNodeParameter('events', []) as string[],
		),
		name: `n8n ${workflowName}${testMode ? ' (test)' : ''}`,
	};
}

function sameTarget(stored: RegisteredWebhook, target: RegistrationTarget): boolean {
	return (
		stored.url === target.url &&
		[...stored.events].sort().join() === [...target.events].sort().join()
	);
}

/**
 * `checkExists`: true when this node's registration is still in place for the current URL
 * and events. A stale one (other events, other URL) is removed so `create` starts clean.
 */
export async function webhookExists(
	this: IHookFunctions,
	registration: WebhookRegistrationApi,
): Promise<boolean> {
	if (!autoRegisters(this)) return true;
	const staticData = this.getWorkflowStaticData('node') as NodeStaticData;
	const stored = staticData.registration;
	if (!stored) return false;
	const api = await apiClient(this, registration, 'checking');
	if (sameTarget(stored, currentTarget(this, registration))) {
		if (!registration.stillRegistered || (await registration.stillRegistered(api, stored)))
			return true;
	} else {
		await removeRegistration(api, registration, stored);
	}
	delete staticData.registration;
	return false;
}

/** `create`: registers exactly the selected events and keeps what later deliveries need. */
export async function createWebhook(
	this: IHookFunctions,
	registration: WebhookRegistrationApi,
): Promise<boolean> {
	if (!autoRegisters(this)) return false;
	const target = currentTarget(this, registration);
	const api = await apiClient(this, registration, 'registering');
	const registered = await registration.create(api, target).catch((error: unknown) => {
		// API failures are already NodeApiErrors naming the provider; anything else is a reply we could not use.
		throw error instanceof NodeApiError
			? error
			: new NodeOperationError(
					this.getNode(),
					`${registration.provider.displayName}: ${(error as Error).message}`,
					{
						description: 'Turn off "Register Webhook Automatically" to register the URL by hand.',
					},
				);
	});
	(this.getWorkflowStaticData('node') as NodeStaticData).registration =
		registered as RegisteredWebhook & IDataObject;
	return true;
}

/** `delete`: removes what `create` registered. */
export async function deleteWebhook(
	this: IHookFunctions,
	registration: WebhookRegistrationApi,
): Promise<boolean> {
	if (!autoRegisters(this)) return false;
	const staticData = this.getWorkflowStaticData('node') as NodeStaticData;
	const stored = staticData.registration;
	if (!stored) return false;
	const api = await apiClient(this, registration, 'removing');
	await removeRegistration(api, registration, stored);
	delete staticData.registration;
	return true;
}

/** Reads an id the provider returned, as text. */
export function idOf(value: unknown): string | undefined {
	const id = (value as { id?: unknown } | null)?.id;
	return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/** The `webhookMethods.default` of a trigger whose provider has a webhook API. */
export function registeredWebhookLifecycle(registration: WebhookRegistrationApi) {
	return {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			warnWhenRawBodyIsOverwritten(this);
			return await webhookExists.call(this, registration);
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return await createWebhook.call(this, registration);
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return await deleteWebhook.call(this, registration);
		},
	};
}
