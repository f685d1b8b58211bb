import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { completeFieldGroupTest } from '../../lib/n8n/credentialChecks';
import { receiveDelivery } from '../../lib/n8n/receiveDelivery';
import {
	AUTHENTICATION_METHODS,
	authenticationProperty,
	autoRegisterProperties,
	eventsProperty,
	eventsSubtitle,
	messagingWebhook,
	rawBodyProperty,
	triggerOptionsProperty,
} from '../../lib/n8n/triggerProperties';
import { registeredWebhookLifecycle } from '../../lib/n8n/webhookRegistration';
import { dotdigitalProvider } from '../../lib/providers/dotdigital';
import { dotdigitalRegistration } from '../../lib/providers/dotdigital/registration';

export class DotdigitalTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dotdigital CPaaS Trigger',
		name: 'dotdigitalTrigger',
		icon: { light: 'file:dotdigital.svg', dark: 'file:dotdigital.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: eventsSubtitle,
		description:
			'Starts the workflow on Dotdigital Enterprise Communications API (formerly Comapi) webhook events: messages, profiles, conversations',
		defaults: {
			name: 'Dotdigital CPaaS Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{ name: 'dotdigitalCpaasApi', required: true, testedBy: 'dotdigitalCpaasApiTest' },
		],
		webhooks: [messagingWebhook],
		properties: [
			...autoRegisterProperties('Dotdigital'),
			authenticationProperty(
				[
					{
						...AUTHENTICATION_METHODS.signature,
						description: 'HMAC-SHA1 of the body in X-Comapi-Signature, with the webhook secret',
					},
					AUTHENTICATION_METHODS.none,
				],
				'signature',
			),
			rawBodyProperty,
			eventsProperty(dotdigitalProvider),
			triggerOptionsProperty,
		],
	};

	methods = {
		credentialTest: {
			dotdigitalCpaasApiTest: completeFieldGroupTest([
				{ label: 'Webhook registration', fields: ['apiUser', 'apiPassword'] },
				{ label: 'Signature of a webhook registered by hand', fields: ['webhookSecret'] },
			]),
		},
	};

	webhookMethods = { default: registeredWebhookLifecycle(dotdigitalRegistration) };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this, dotdigitalProvider, {
			credentialType: 'dotdigitalCpaasApi',
			keepsSecretAtRegistration: true,
			signature: () => ({ secretField: 'webhookSecret' }),
		});
	}
}
