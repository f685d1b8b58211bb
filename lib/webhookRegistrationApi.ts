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
	/** The reply named ids that are not plain ids: webhooks n8n will neither use nor remove. */
	unusableIds?: boolean;
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
 * How API credentials go into a request: headers (header name → credential field), or HTTP
 * Basic from two credential fields. The credential's `authenticate` and its test use the same.
 */
export type ApiAuthentication =
	| { headers: Record<string, string> }
	| { basicAuth: { user: string; password: string } };

/**
 * A provider's webhook API as data: n8n's lifecycle (lib/n8n/webhookRegistration.ts) sends
 * the requests and reads the replies with these functions.
 */
export interface WebhookRegistrationApi {
	/** From the provider's credential (lib/providerDefinition.ts `credential.type`). */
	baseUrl(credentials: Record<string, unknown>): string;
	/** How the credential's API key or user goes into requests (the credential's `authenticate`). */
	authentication: ApiAuthentication;
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
	 * How to ask whose API key the credential holds, for a provider whose deliveries name
	 * their account (lib/deliveryAccount.ts) when the credential does not name it.
	 */
	accountOfApiKey?: { request: ProviderRequest; read(reply: unknown): string | undefined };
	/**
	 * One webhook per event type, with no secret of its own: a webhook already at the
	 * node's URL for a selected event delivers exactly as a new one would, so it is kept.
	 */
	reusesWebhooksPerEvent?: boolean;
}

/**
 * What a webhook id may be: it becomes a path segment of later calls (`DELETE /webhooks/<id>`),
 * so only unreserved URL characters, at most 128, and never `.` or `..` alone.
 */
const SAFE_WEBHOOK_ID = /^(?!\.{1,2}$)[A-Za-z0-9._~-]{1,128}$/;

/** Reads an id the provider returned, as text; undefined when absent or not a safe path segment. */
export function idOf(value: unknown): string | undefined {
	const id = asRecord(value)?.id;
	const text = typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? String(id) : id;
	return typeof text === 'string' && SAFE_WEBHOOK_ID.test(text) ? text : undefined;
}

/** Whether a reply names an id that `idOf` refuses. */
export function hasUnusableId(value: unknown): boolean {
	return namesAnId(value) && idOf(value) === undefined;
}

/** Whether a reply names an id at all, usable or not (to say which of the two it lacks). */
function namesAnId(value: unknown): boolean {
	const id = asRecord(value)?.id;
	return id !== undefined && id !== null && id !== '';
}

/** What a reply lacks when it has no usable id: `the webhook id`, or why the one it gave is refused. */
export function missingIdText(value: unknown): string {
	return hasUnusableId(value)
		? 'a usable webhook id (the one given is not a plain id)'
		: 'the webhook id';
}

/**
 * A signing secret a provider returned: text of 8 to 1,024 visible ASCII characters. Anything
 * else (a number, an empty or short string, spaces or control characters) is not one.
 */
export function signingSecretOf(value: unknown): string | undefined {
	return typeof value === 'string' && /^[\x21-\x7e]{8,1024}$/.test(value) ? value : undefined;
}

/** The path of one webhook under a collection, e.g. `/webhooks/42`; never for an id that is not plain. */
export function webhookPath(webhooksPath: string, id: string): string {
	if (!SAFE_WEBHOOK_ID.test(id)) throw new Error('A webhook id that is not plain was not sent');
	return `${webhooksPath}/${id}`;
}

/** A base URL as typed in a credential, without trailing slashes; the default when empty. */
export function baseUrlOrDefault(value: unknown, fallback: string): string {
	const typed = typeof value === 'string' ? value.trim() : '';
	return (typed || fallback).replace(/\/+$/, '');
}

/**
 * Why a base URL may not receive API keys or credentials, or undefined when it may: `https:`,
 * or plain `http:` to this machine only (127.0.0.0/8, ::1, localhost), for tests and local proxies.
 */
export function unsafeBaseUrlReason(baseUrl: string): string | undefined {
	let url: URL;
	try {
		url = new URL(baseUrl);
	} catch {
		return 'The Base URL is not a valid URL';
	}
	if (url.protocol === 'https:') return undefined;
	const host = url.hostname.toLowerCase();
	const loopback = host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
	if (url.protocol === 'http:' && loopback) return undefined;
	return `The Base URL must start with https:// (plain http:// only to this machine: 127.0.0.1, ::1, localhost), since it receives the API credentials; "${url.protocol}//${url.host}" is refused`;
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
