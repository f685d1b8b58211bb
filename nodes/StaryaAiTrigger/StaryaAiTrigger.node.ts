import {
	NodeConnectionTypes,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { completeFieldGroupTest } from '../../lib/n8n/credentialChecks';
import { manualWebhookRegistration } from '../../lib/n8n/manualRegistration';
import { receiveDelivery } from '../../lib/n8n/receiveDelivery';
import {
	AUTHENTICATION_METHODS,
	authenticationProperty,
	eventsProperty,
	eventsSubtitle,
	messagingWebhook,
	rawBodyProperty,
	triggerOptionsProperty,
} from '../../lib/n8n/triggerProperties';
import { staryaAiProvider } from '../../lib/providers/staryaai';

export class StaryaAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'StaryaAI Trigger',
		name: 'staryaAiTrigger',
		icon: { light: 'file:staryaai.svg', dark: 'file:staryaai.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: eventsSubtitle,
		description:
			'Starts the workflow on StaryaAI (formerly PsycoAI) webhook events: users, chats, messages, tags',
		defaults: {
			name: 'StaryaAI Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'staryaAiWebhookApi',
				required: true,
				testedBy: 'staryaAiWebhookApiTest',
				displayOptions: { hide: { authentication: ['none'] } },
			},
		],
		webhooks: [messagingWebhook],
		properties: [
			{
				displayName:
					"StaryaAI does not sign its webhooks and has no webhook API: give StaryaAI this node's Production URL with a secret header (or Basic auth) and set the same values in the credential. With None, anyone who knows the URL can start this workflow.",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			authenticationProperty(
				[
					{
						...AUTHENTICATION_METHODS.headerAuth,
						description: 'A secret header StaryaAI sends with each delivery',
					},
					AUTHENTICATION_METHODS.basicAuth,
					AUTHENTICATION_METHODS.none,
				],
				'headerAuth',
			),
			rawBodyProperty,
			eventsProperty(staryaAiProvider),
			triggerOptionsProperty,
		],
	};

	methods = {
		credentialTest: {
			staryaAiWebhookApiTest: completeFieldGroupTest([
				{ label: 'Header Auth', fields: ['headerName', 'headerToken'] },
				{ label: 'Basic Auth', fields: ['basicAuthUser', 'basicAuthPassword'] },
			]),
		},
	};

	// StaryaAI documents no webhook API (see the notice above).
	webhookMethods = { default: manualWebhookRegistration };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this, staryaAiProvider, {
			credentialType: 'staryaAiWebhookApi',
		});
	}
}
