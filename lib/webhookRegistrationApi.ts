import { asRecord } from './envelopeReading';
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

/** One call to a provider's API, relative to its base URL. */
export interface ProviderRequest {
	method: 'GET' | 'POST' | 'DELETE';
	path: string;
	body?: Record<string, unknown>;
	qs?: Record<string, string | number>;
}

/** What a create reply proves. */
export interface CreateReply {
	/** The registration to keep: present only when the reply proves every part of it. */
	registered?: RegisteredWebhook;
	/** Every webhook id the reply shows was created, proven or not (removed when not proven). */
	createdIds: string[];
	/** What the reply lacks, in words (`the webhook id for lead_received`). */
	missing: string[];
}

/** A webhook as the provider lists it. */
export interface ListedWebhook {
	id: string;
	url?: string;
	/** The event it delivers, for providers with one webhook per event type. */
	event?: string;
}

export interface WebhookListPage {
	webhooks: ListedWebhook[];
	/** Whether the provider says there is no further page. */
	lastPage: boolean;
}

/** A provider's webhook list: how to ask for a page, how to read it, and how far to read. */
export interface WebhookListApi {
	request(page: number): ProviderRequest;
	read(reply: unknown): WebhookListPage | undefined;
	maxPages: number;
	maxWebhooks: number;
}

/**
 * A provider's webhook API as data: n8n's lifecycle (lib/n8n/webhookRegistration.ts) sends
 * the requests and reads the replies with these functions.
 */
export interface WebhookRegistrationApi {
	/** From the provider's credential (lib/providerDefinition.ts `credential.type`). */
	baseUrl(credentials: Record<string, unknown>): string;
	/** Query parameters every request needs (an organisation id, say). */
	commonQuery?(credentials: Record<string, unknown>): Record<string, string>;
	/** The node makes the signing secret and sends it with the registration. */
	nodeGeneratesSecret?: boolean;
	createRequest(target: RegistrationTarget, generatedSecret?: string): ProviderRequest;
	readCreateReply(
		reply: unknown,
		target: RegistrationTarget,
		generatedSecret?: string,
	): CreateReply;
	removeRequest(id: string): ProviderRequest;
	/**
	 * How to tell one registered webhook still exists: a GET that answers 404 once it is gone.
	 * Absent when only the list can tell.
	 */
	existsRequest?(id: string): ProviderRequest;
	list?: WebhookListApi;
	/**
	 * One webhook per event type, with no secret of its own: a webhook already at the
	 * node's URL for a selected event delivers exactly as a new one would, so it is kept.
	 */
	reusesWebhooksPerEvent?: boolean;
}

/** Reads an id the provider returned, as text. */
export function idOf(value: unknown): string | undefined {
	const id = asRecord(value)?.id;
	if (typeof id === 'number' && Number.isFinite(id)) return String(id);
	return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** The path of one webhook under a collection, e.g. `/webhooks/42`. */
export function webhookPath(webhooksPath: string, id: string): string {
	return `${webhooksPath}/${encodeURIComponent(id)}`;
}

/** A base URL as typed in a credential, without trailing slashes; the default when empty. */
export function baseUrlOrDefault(value: unknown, fallback: string): string {
	const typed = typeof value === 'string' ? value.trim() : '';
	return (typed || fallback).replace(/\/+$/, '');
}

/**
 * Orders two webhook ids the same way in every n8n process: numerically when both are
 * numbers, else as text. Concurrent activations agree on which registration is kept.
 */
export function compareWebhookIds(left: string, right: string): number {
	const numeric = /^\d+$/;
	if (numeric.test(left) && numeric.test(right)) {
		return left.length - right.length || (left < right ? -1 : left > right ? 1 : 0);
	}
	return left < right ? -1 : left > right ? 1 : 0;
}
