import { randomBytes } from 'node:crypto';
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IHookFunctions,
} from 'n8n-workflow';

import { asRecord } from '../envelopeReading';
import { selectedCatalogueEvents } from '../eventSelection';
import {
	compareWebhookIds,
	type ListedWebhook,
	type RegisteredWebhook,
	type RegistrationTarget,
} from '../webhookRegistrationApi';
import type { ProviderDefinition } from '../providerDefinition';
import { learnDeliveryAccount } from './deliveryAccountLearning';
import {
	httpStatusOf,
	MANUAL_REGISTRATION_HINT,
	providerError,
	providerSession,
	wasUnanswered,
	type ProviderRegistration,
	type ProviderSession,
	type Step,
} from './providerApiSession';
import { AUTO_REGISTER_PARAMETER, warnWhenN8nParsesTheBody } from './triggerProperties';

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

/**
 * n8n retries a failed activation up to five times, 1 to 8 s apart, and a failed removal up to
 * three times, on the same workflow object. Two failures are not repeated there: a provider
 * that did not answer (each retry would wait 15 s more, past n8n's publication lease), and a
 * create that may have left a webhook n8n cannot look up (each retry could leave one more).
 * The node's static data belongs to that workflow object, so a new activation starts afresh.
 */
const failuresNotToRepeat = new WeakMap<IDataObject, Map<Step, Error>>();

/** Runs one step with the provider; n8n's retry of a step that must not be repeated fails at once. */
async function inStep<T>(
	context: IHookFunctions,
	registration: ProviderRegistration,
	step: Step,
	work: (session: ProviderSession) => Promise<T>,
): Promise<T> {
	const staticData = context.getWorkflowStaticData('node');
	const earlier = failuresNotToRepeat.get(staticData)?.get(step);
	if (earlier) throw earlier;
	const session = await providerSession(context, registration, step);
	try {
		return await work(session);
	} catch (error) {
		const failure =
			error instanceof NodeApiError
				? error
				: new NodeOperationError(context.getNode(), error as Error);
		if (session.unrepeatable) {
			const failures = failuresNotToRepeat.get(staticData) ?? new Map<Step, Error>();
			failuresNotToRepeat.set(staticData, failures.set(step, failure));
		}
		throw failure;
	}
}

/**
 * Removes webhooks, one already gone being fine; answers the ids still there and why. After
 * a removal the provider did not answer, the others are not tried: each would wait as long.
 */
async function removeWebhooks(
	session: ProviderSession,
	registration: ProviderRegistration,
	ids: string[],
): Promise<{ left: string[]; firstError?: Error }> {
	const left: string[] = [];
	let firstError: Error | undefined;
	for (const id of new Set(ids)) {
		if (firstError && wasUnanswered(firstError)) {
			left.push(id);
			continue;
		}
		try {
			await session.call(registration.removeRequest(id), true);
		} catch (error) {
			left.push(id);
			firstError ??= error as Error;
		}
	}
	return { left, firstError };
}

/**
 * `Webhook 12 is` / `Webhooks 11, 12 are` … still registered, for error messages; after a
 * removal the provider did not answer, they may or may not be.
 */
function leftoverSentence(providerName: string, ids: string[], removalError?: Error): string {
	const [subject, verb, pronoun] =
		ids.length === 1
			? [`Webhook ${ids[0]}`, 'is', 'it']
			: [`Webhooks ${ids.join(', ')}`, 'are', 'them'];
	if (removalError && wasUnanswered(removalError)) {
		return `${subject} may still be registered at ${providerName}: if ${providerName} lists ${pronoun}, delete ${pronoun} there by hand`;
	}
	return `${subject} ${verb} still registered at ${providerName} and could not be removed: delete ${pronoun} there by hand`;
}

interface WebhookList {
	webhooks: ListedWebhook[];
	/** False when the list was cut short (page or webhook limit, a page repeating itself). */
	complete: boolean;
}

/** Reads the provider's webhook list, bounded in pages and webhooks. */
async function listWebhooks(
	session: ProviderSession,
	registration: ProviderRegistration,
	context: IHookFunctions,
): Promise<WebhookList> {
	const list = registration.list!;
	const webhooks: ListedWebhook[] = [];
	const seen = new Set<string>();
	let previousPage = '';
	for (let page = 1; page <= list.maxPages; page++) {
		const read = list.read(await session.call(list.request(page)));
		if (!read) {
			throw providerError(
				context,
				`${session.providerName} answered something other than its JSON webhook list while ${session.step} the webhook`,
			);
		}
		const pageIds = read.webhooks.map((webhook) => webhook.id).join('\n');
		if (page > 1 && pageIds === previousPage) return { webhooks, complete: false };
		previousPage = pageIds;
		for (const webhook of read.webhooks) {
			if (seen.has(webhook.id)) continue;
			seen.add(webhook.id);
			webhooks.push(webhook);
			if (webhooks.length >= list.maxWebhooks) return { webhooks, complete: false };
		}
		if (read.lastPage) return { webhooks, complete: true };
	}
	return { webhooks, complete: false };
}

async function webhooksAt(
	session: ProviderSession,
	registration: ProviderRegistration,
	context: IHookFunctions,
	url: string,
): Promise<ListedWebhook[]> {
	const { webhooks } = await listWebhooks(session, registration, context);
	return webhooks.filter((webhook) => webhook.url === url);
}

function currentTarget(
	context: IHookFunctions,
	registration: ProviderRegistration,
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

/** Whether every webhook of a stored registration is still at the provider. */
async function stillRegistered(
	context: IHookFunctions,
	session: ProviderSession,
	registration: ProviderRegistration,
	stored: RegisteredWebhook,
): Promise<boolean> {
	if (stored.ids.length === 0) return false;
	if (registration.existsRequest) {
		for (const id of stored.ids) {
			const reply = await session.call(registration.existsRequest(id), true);
			if (reply === null) return false;
			if (!asRecord(reply) && !Array.isArray(reply)) {
				throw providerError(
					context,
					`${session.providerName} answered something other than JSON while checking the webhook`,
				);
			}
		}
		return true;
	}
	if (registration.list) {
		const { webhooks } = await listWebhooks(session, registration, context);
		const listed = new Set(webhooks.map((webhook) => webhook.id));
		return stored.ids.every((id) => listed.has(id));
	}
	return true;
}

/** Removes a stored registration that no longer serves; fails naming what could not be removed. */
async function retireRegistration(
	context: IHookFunctions,
	session: ProviderSession,
	registration: ProviderRegistration,
	stored: RegisteredWebhook,
): Promise<void> {
	const { left, firstError } = await removeWebhooks(session, registration, stored.ids);
	if (left.length > 0) {
		throw providerError(
			context,
			`${firstError?.message ?? `${session.providerName} could not remove the webhook`}. ${leftoverSentence(session.providerName, left, firstError)}`,
			{ httpCode: httpStatusOf(firstError) },
		);
	}
}

/**
 * `checkExists`: true when this node's registration is still in place for the current URL
 * and events. One that no longer serves (other events, other URL, partly gone) is removed
 * so `create` starts clean.
 */
export async function webhookExists(
	this: IHookFunctions,
	registration: ProviderRegistration,
): Promise<boolean> {
	if (!autoRegisters(this)) return true;
	const staticData = this.getWorkflowStaticData('node') as NodeStaticData;
	const stored = staticData.registration;
	if (!stored) return false;
	return await inStep(this, registration, 'checking', async (session) => {
		if (
			sameTarget(stored, currentTarget(this, registration)) &&
			(await stillRegistered(this, session, registration, stored))
		) {
			return true;
		}
		await retireRegistration(this, session, registration, stored);
		delete staticData.registration;
		return false;
	});
}

/**
 * After a create that failed or was not proven: removes what the provider shows was created
 * for this node's URL, and answers the sentence the error adds about what is left.
 */
async function cleanUpUnprovenCreate(
	context: IHookFunctions,
	session: ProviderSession,
	registration: ProviderRegistration,
	url: string,
	createdIds: string[],
	unusableIds = false,
): Promise<string> {
	let found = createdIds;
	let lookedUp = false;
	if (registration.list) {
		try {
			const atUrl = await webhooksAt(session, registration, context, url);
			found = [...createdIds, ...atUrl.map((webhook) => webhook.id)];
			lookedUp = true;
		} catch {
			// Nothing more can be learnt; what is known is removed below and the rest said.
		}
	}
	const { left, firstError } = await removeWebhooks(session, registration, found);
	const sentences =
		left.length > 0 ? [leftoverSentence(session.providerName, left, firstError)] : [];
	if (unusableIds) {
		// Such an id never goes into a request path: the webhook cannot be removed from here.
		session.unrepeatable = true;
		sentences.push(
			`A webhook ${session.providerName} named with an id that is not plain was not removed: if ${session.providerName} lists a webhook for ${url}, delete it there by hand`,
		);
	}
	if (sentences.length > 0) return ` ${sentences.join('. ')}.`;
	if (lookedUp || createdIds.length > 0) return '';
	session.unrepeatable = true;
	return ` ${session.providerName} may have created a webhook for ${url} that n8n cannot look up: if ${session.providerName} lists one, delete it.`;
}

/**
 * Webhooks at the node's URL before a create: all are leftovers (a lost reply, an abandoned
 * activation), since the node holds no registration when n8n asks to create. Where they can
 * be reused (`reusesWebhooksPerEvent`), the oldest per selected event is kept; every other one is removed.
 */
async function clearLeftovers(
	context: IHookFunctions,
	session: ProviderSession,
	registration: ProviderRegistration,
	target: RegistrationTarget,
): Promise<Map<string, string>> {
	const atUrl = await webhooksAt(session, registration, context, target.url);
	const reused = new Map<string, string>();
	if (registration.reusesWebhooksPerEvent) {
		for (const event of target.events) {
			const oldest = atUrl
				.filter((webhook) => webhook.event === event)
				.map((webhook) => webhook.id)
				.sort(compareWebhookIds)[0];
			if (oldest) reused.set(event, oldest);
		}
	}
	const leftovers = atUrl
		.filter((webhook) => reused.get(webhook.event ?? '') !== webhook.id)
		.map((webhook) => webhook.id);
	const { left, firstError } = await removeWebhooks(session, registration, leftovers);
	if (left.length > 0) {
		throw providerError(
			context,
			`${session.providerName} holds earlier webhooks for this trigger. ${leftoverSentence(session.providerName, left, firstError)}`,
		);
	}
	return reused;
}

/**
 * After a create, for another activation of the same node that registered at the same time:
 * every process must keep the same webhooks. Where webhooks are reused (`reusesWebhooksPerEvent`), the oldest
 * per event wins and is recorded; otherwise each keeps its own and removes the older ones, so
 * the newest stays and two activations never remove each other's.
 */
async function settleConcurrentRegistrations(
	context: IHookFunctions,
	session: ProviderSession,
	registration: ProviderRegistration,
	registered: RegisteredWebhook,
): Promise<RegisteredWebhook> {
	const atUrl = await webhooksAt(session, registration, context, registered.url);
	let kept = registered.ids;
	let toRemove: string[];
	if (registration.reusesWebhooksPerEvent) {
		kept = registered.events.map(
			(event, index) =>
				[
					registered.ids[index],
					...atUrl.filter((webhook) => webhook.event === event).map((webhook) => webhook.id),
				].sort(compareWebhookIds)[0],
		);
		toRemove = [...registered.ids, ...atUrl.map((webhook) => webhook.id)].filter(
			(id) => !kept.includes(id),
		);
	} else {
		const newest = [...registered.ids].sort(compareWebhookIds).at(-1)!;
		toRemove = atUrl
			.map((webhook) => webhook.id)
			.filter((id) => !registered.ids.includes(id) && compareWebhookIds(id, newest) < 0);
	}
	const { left, firstError } = await removeWebhooks(session, registration, toRemove);
	if (left.length > 0) {
		context.logger.warn(leftoverSentence(session.providerName, left, firstError), {
			workflowId: context.getWorkflow().id,
			node: context.getNode().name,
		});
	}
	return { ...registered, ids: kept };
}

/** `create`: registers exactly the selected events and keeps what later deliveries need. */
export async function createWebhook(
	this: IHookFunctions,
	registration: ProviderRegistration,
): Promise<boolean> {
	if (!autoRegisters(this)) return false;
	const target = currentTarget(this, registration);
	const staticData = this.getWorkflowStaticData('node') as NodeStaticData;
	return await inStep(this, registration, 'registering', async (session) => {
		const reused = registration.list
			? await clearLeftovers(this, session, registration, target)
			: new Map<string, string>();
		const toCreate = { ...target, events: target.events.filter((event) => !reused.has(event)) };
		if (toCreate.events.length === 0) {
			staticData.registration = {
				ids: target.events.map((event) => reused.get(event)!),
				url: target.url,
				events: target.events,
			};
			return true;
		}

		const secret = registration.nodeGeneratesSecret ? randomBytes(32).toString('hex') : undefined;
		let reply: unknown;
		try {
			reply = await session.call(registration.createRequest(toCreate, secret));
		} catch (error) {
			const { message, description } = error as NodeApiError;
			const status = httpStatusOf(error);
			// A refusal (4xx) created nothing; a timeout, a 5xx or a dropped connection may have.
			const leftovers =
				status !== undefined && status < 500
					? ''
					: await cleanUpUnprovenCreate(this, session, registration, target.url, []);
			throw providerError(this, leftovers ? `${message}.${leftovers}` : message, {
				httpCode: status,
				description: description ?? undefined,
			});
		}

		const outcome = registration.readCreateReply(reply, toCreate, secret);
		if (!outcome.registered) {
			const leftovers = await cleanUpUnprovenCreate(
				this,
				session,
				registration,
				target.url,
				outcome.createdIds,
				outcome.unusableIds,
			);
			throw new NodeOperationError(
				this.getNode(),
				`${session.providerName} did not confirm the webhook registration: its reply lacks ${outcome.missing.join(' and ')}.${leftovers}`,
				{ description: MANUAL_REGISTRATION_HINT },
			);
		}
		const created = outcome.registered;
		// Per event type, the ids follow the selected events: reused ones and created ones together.
		const registered: RegisteredWebhook = registration.reusesWebhooksPerEvent
			? {
					...created,
					ids: target.events.map(
						(event) => reused.get(event) ?? created.ids[toCreate.events.indexOf(event)],
					),
					events: target.events,
				}
			: created;
		staticData.registration = (
			registration.list
				? await settleConcurrentRegistrations(this, session, registration, registered)
				: registered
		) as RegisteredWebhook & IDataObject;
		return true;
	});
}

/** `delete`: removes what `create` registered. */
export async function deleteWebhook(
	this: IHookFunctions,
	registration: ProviderRegistration,
): Promise<boolean> {
	if (!autoRegisters(this)) return false;
	const staticData = this.getWorkflowStaticData('node') as NodeStaticData;
	const stored = staticData.registration;
	if (!stored) return false;
	return await inStep(this, registration, 'removing', async (session) => {
		await retireRegistration(this, session, registration, stored);
		delete staticData.registration;
		return true;
	});
}

/** The `webhookMethods.default` of a trigger whose provider has a webhook API. */
export function registeredWebhookLifecycle(provider: ProviderDefinition) {
	const registration: ProviderRegistration = {
		...provider.registration!,
		provider,
		credentialType: provider.credential!.type,
	};
	return {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			warnWhenN8nParsesTheBody(this);
			await learnDeliveryAccount(this, registration);
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
