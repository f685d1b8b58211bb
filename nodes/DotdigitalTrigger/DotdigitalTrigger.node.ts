import {
	NodeConnectionTypes,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { completeFieldGroupTest } from '../../lib/n8n/credentialChecks';
import { deliveryAuthenticationFrom } from '../../lib/n8n/deliveryCredentials';
import { receiveDelivery } from '../../lib/n8n/receiveDelivery';
import {
	AUTHENTICATION_METHODS,
	authenticationProperty,
	eventsProperty,
	messagingWebhook,
	triggerOptionsProperty,
	type AuthenticationMethod,
} from '../../lib/n8n/triggerProperties';
import { dotdigitalProvider } from '../../lib/providers/dotdigital';

export class DotdigitalTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Dotdigital CPaaS Trigger',
		name: 'dotdigitalTrigger',
		icon: { light: 'file:dotdigital.svg', dark: 'file:dotdigital.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description:
			'Starts the workflow on Dotdigital Enterprise Communications API (formerly Comapi) webhook events: messages, profiles, conversations',
		defaults: {
			name: 'Dotdigital CPaaS Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'dotdigitalCpaasApi',
				required: true,
				testedBy: 'dotdigitalCpaasApiTest',
				displayOptions: { hide: { authentication: ['none'] } },
			},
		],
		webhooks: [messagingWebhook],
		properties: [
			{
				displayName:
					'Register this node\'s Production URL as a webhook of your Dotdigital API space, with the same secret as in the credential and "batch" on or off: both are understood, one item per event',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
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
			eventsProperty(dotdigitalProvider),
			triggerOptionsProperty,
		],
	};

	methods = {
		credentialTest: {
			dotdigitalCpaasApiTest: completeFieldGroupTest([
				{ label: 'Signature', fields: ['webhookSecret'] },
			]),
		},
	};

	// Registration through Dotdigital's webhook API is not done by this version: the URL is
	// registered by hand, so there is nothing to check, create or delete here.
	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return true;
			},
			async create(this: IHookFunctions): Promise<boolean> {
				return false;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				return false;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const method = this.getNodeParameter('authentication', 'signature') as AuthenticationMethod;
		const credentials = method === 'none' ? undefined : await this.getCredentials('dotdigitalCpaasApi');
		return await receiveDelivery.call(
			this,
			dotdigitalProvider,
			deliveryAuthenticationFrom(method, dotdigitalProvider, credentials, { signingSecret: 'webhookSecret' }),
		);
	}
}
