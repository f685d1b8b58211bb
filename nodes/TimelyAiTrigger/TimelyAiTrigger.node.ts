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
	TRIGGER_OPTIONS_PARAMETER,
	triggerOptionsProperty,
} from '../../lib/n8n/triggerProperties';
import { registeredWebhookLifecycle } from '../../lib/n8n/webhookRegistration';
import { timelyAiProvider } from '../../lib/providers/timelyai';
import { timelyAiRegistration } from '../../lib/providers/timelyai/registration';

export class TimelyAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Timely.ai Trigger',
		name: 'timelyAiTrigger',
		icon: { light: 'file:timelyai.svg', dark: 'file:timelyai.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: eventsSubtitle,
		description:
			'Starts the workflow on Timely.ai webhook events: messages, conversations, contacts, channels, appointments',
		defaults: {
			name: 'Timely.ai Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'timelyAiApi', required: true, testedBy: 'timelyAiApiTest' }],
		webhooks: [messagingWebhook],
		properties: [
			...autoRegisterProperties('Timely.ai'),
			authenticationProperty(
				[
					{
						...AUTHENTICATION_METHODS.signature,
						description:
							'HMAC-SHA256 in X-Timely-Signature; a stale X-Timely-Timestamp is refused as a replay (see Options → Require Timestamp)',
					},
					AUTHENTICATION_METHODS.none,
				],
				'signature',
			),
			rawBodyProperty,
			eventsProperty(timelyAiProvider),
			{
				...triggerOptionsProperty,
				options: [
					...(triggerOptionsProperty.options ?? []),
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'timestampToleranceSeconds',
						type: 'number',
						default: 300,
						typeOptions: { minValue: 1 },
						description:
							'How far X-Timely-Timestamp may be from now before a delivery is refused as a replay',
					},
					{
						displayName: 'Require Timestamp',
						name: 'requireTimestamp',
						type: 'boolean',
						default: false,
						description:
							"Whether to refuse deliveries without X-Timely-Timestamp and accept only signatures over the timestamp and the body. Without it, a captured delivery signed over the body alone can be replayed. Turn it on once your Timely.ai webhook sends the header (Timely.ai's docs describe both signatures).",
					},
				],
			},
		],
	};

	methods = {
		credentialTest: {
			timelyAiApiTest: completeFieldGroupTest([
				{ label: 'Webhook registration', fields: ['apiKey'] },
				{ label: 'Signature of a webhook registered by hand', fields: ['webhookSecret'] },
			]),
		},
	};

	webhookMethods = { default: registeredWebhookLifecycle(timelyAiRegistration) };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { timestampToleranceSeconds, requireTimestamp } = this.getNodeParameter(
			TRIGGER_OPTIONS_PARAMETER,
			{},
		) as { timestampToleranceSeconds?: number; requireTimestamp?: boolean };
		return await receiveDelivery.call(this, timelyAiProvider, {
			credentialType: 'timelyAiApi',
			keepsSecretAtRegistration: true,
			signature: () => ({
				secretField: 'webhookSecret',
				toleranceSeconds: timestampToleranceSeconds,
				requireTimestamp,
			}),
		});
	}
}
