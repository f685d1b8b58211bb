import {
	NodeConnectionTypes,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import type { ProviderDefinition } from '../providerDefinition';
import { acknowledgeProperties } from './acknowledgement';
import { manualWebhookRegistration } from './manualRegistration';
import { receiveDelivery } from './receiveDelivery';
import { credentialFieldTests, triggerCredentials, triggerVersions } from './triggerCredentials';
import {
	authenticationProperty,
	autoRegisterProperties,
	eventsProperty,
	eventsSubtitle,
	messagingWebhook,
	rawBodyProperty,
	triggerOptionsProperty,
} from './triggerProperties';
import { registeredWebhookLifecycle } from './webhookRegistration';

/** The node description of a provider's trigger, all of it derived from the definition. */
export function triggerDescription(provider: ProviderDefinition): INodeTypeDescription {
	const { trigger } = provider;
	const versions = triggerVersions(provider);
	const registers = provider.registration !== undefined;
	const setupNotice: INodeProperties[] = trigger.setupNotice
		? [{ displayName: trigger.setupNotice, name: 'setupNotice', type: 'notice', default: '' }]
		: [];
	return {
		displayName: `${provider.displayName} Trigger`,
		name: trigger.name,
		icon: { light: `file:${trigger.icon}.svg`, dark: `file:${trigger.icon}.dark.svg` },
		group: ['trigger'],
		version: versions.length === 1 ? versions[0] : versions,
		defaultVersion: versions[versions.length - 1],
		subtitle: eventsSubtitle,
		description: trigger.description,
		defaults: { name: `${provider.displayName} Trigger` },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: triggerCredentials(provider),
		webhooks: [messagingWebhook],
		properties: [
			...setupNotice,
			...(registers ? autoRegisterProperties(provider.displayName) : []),
			authenticationProperty(provider),
			rawBodyProperty,
			eventsProperty(provider),
			...acknowledgeProperties(provider),
			triggerOptionsProperty(provider),
		],
	};
}

/**
 * The n8n node class of a provider's trigger. A node file is one line:
 * `export class AcmeTrigger extends messagingTrigger(acmeProvider) {}`.
 */
export function messagingTrigger(provider: ProviderDefinition): new () => INodeType {
	const webhookLifecycle = provider.registration
		? registeredWebhookLifecycle(provider)
		: manualWebhookRegistration;
	const credentialTest = credentialFieldTests(provider);
	return class implements INodeType {
		description = triggerDescription(provider);

		methods = { credentialTest };

		webhookMethods = { default: webhookLifecycle };

		async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
			return await receiveDelivery.call(this, provider);
		}
	};
}
