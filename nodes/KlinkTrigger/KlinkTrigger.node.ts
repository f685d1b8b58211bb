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
import { klinkProvider } from '../../lib/providers/klink';

export class KlinkTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'K-LINK Trigger',
		name: 'klinkTrigger',
		icon: { light: 'file:klink.svg', dark: 'file:klink.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: eventsSubtitle,
		description: 'Starts the workflow when K-LINK sends a contact or message webhook event',
		defaults: {
			name: 'K-LINK Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'klinkWebhookApi',
				required: true,
				testedBy: 'klinkWebhookApiTest',
				displayOptions: { hide: { authentication: ['none'] } },
			},
		],
		webhooks: [messagingWebhook],
		properties: [
			{
				displayName:
					"K-LINK has no webhook API: copy this node's Production URL into K-LINK → Settings → Webhooks → Add webhook (use the Development environment with the Test URL), tick the same events, and choose the same authentication as below",
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			authenticationProperty(
				[
					{
						...AUTHENTICATION_METHODS.signature,
						name: 'Signature (Default by K-LINK)',
						description:
							"HMAC-SHA256 of the body in the x-signature header, with the webhook's signing secret",
					},
					AUTHENTICATION_METHODS.basicAuth,
					{ ...AUTHENTICATION_METHODS.headerAuth, name: 'Custom Header' },
					AUTHENTICATION_METHODS.none,
				],
				'signature',
			),
			rawBodyProperty,
			eventsProperty(klinkProvider),
			triggerOptionsProperty,
		],
	};

	methods = {
		credentialTest: {
			klinkWebhookApiTest: completeFieldGroupTest([
				{ label: 'Signature', fields: ['signingSecret'] },
				{ label: 'Basic Auth', fields: ['basicAuthUser', 'basicAuthPassword'] },
				{ label: 'Custom Header', fields: ['headerName', 'headerToken'] },
			]),
		},
	};

	// K-LINK registers webhooks in its dashboard only (see the notice above).
	webhookMethods = { default: manualWebhookRegistration };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await receiveDelivery.call(this, klinkProvider, { credentialType: 'klinkWebhookApi' });
	}
}
