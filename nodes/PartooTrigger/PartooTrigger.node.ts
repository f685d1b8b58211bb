import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

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
import { partooProvider } from '../../lib/providers/partoo';
import { partooPublicKeys } from '../../lib/providers/partoo/publicKeys';
import { partooRegistration } from '../../lib/providers/partoo/registration';

export class PartooTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Partoo Trigger',
		name: 'partooTrigger',
		icon: { light: 'file:partoo.svg', dark: 'file:partoo.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: eventsSubtitle,
		description:
			'Starts the workflow on Partoo Messages webhook events: messages, businesses, leads',
		defaults: {
			name: 'Partoo Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'partooApi', required: true }],
		webhooks: [messagingWebhook],
		properties: [
			...autoRegisterProperties('Partoo'),
			authenticationProperty(
				[
					{
						...AUTHENTICATION_METHODS.signature,
						description:
							"Ed25519 signature in X-Partoo-Signature-v1, checked with Partoo's public key for the credential's environment",
					},
					AUTHENTICATION_METHODS.none,
				],
				'signature',
			),
			rawBodyProperty,
			eventsProperty(partooProvider),
			triggerOptionsProperty,
		],
	};

	webhookMethods = { default: registeredWebhookLifecycle(partooRegistration) };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this, partooProvider, {
			credentialType: 'partooApi',
			signature: (credentials) => ({
				publicKey: partooPublicKeys.get(
					credentials?.environment === 'sandbox' ? 'sandbox' : 'production',
				),
			}),
		});
	}
}
