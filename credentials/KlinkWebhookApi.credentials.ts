/* eslint-disable @n8n/community-nodes/credential-test-required -- a webhook secret cannot be checked against an API: the triggers test it by "testedBy" (lib/n8n/triggerCredentials.ts), which this rule cannot see in a description built from the provider definition; test/providerCompleteness.test.ts checks every credential is tested. */
import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

export class KlinkWebhookApi implements ICredentialType {
	name = 'klinkWebhookApi';

	displayName = 'K-LINK Webhook API';

	icon: Icon = {
		light: 'file:../nodes/KlinkTrigger/klink.svg',
		dark: 'file:../nodes/KlinkTrigger/klink.dark.svg',
	};

	documentationUrl = 'https://developers.klink.cloud/webhook-setup-1913619m0';

	properties: INodeProperties[] = [
		{
			displayName:
				'Fill in the fields of the authentication you chose for this webhook in K-LINK (Settings → Webhooks) and in the trigger',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'For "Default by K-LINK" (Signature) authentication: the webhook\'s signing secret, revealed with the eye icon on the webhook in K-LINK → Settings → Webhooks',
		},
		{
			displayName: 'Basic Auth User',
			name: 'basicAuthUser',
			type: 'string',
			default: '',
			description: 'For Basic Auth: the user name set on the webhook in K-LINK',
		},
		{
			displayName: 'Basic Auth Password',
			name: 'basicAuthPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'For Basic Auth: the password set on the webhook in K-LINK',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			placeholder: 'e.g. X-Webhook-Token',
			description: 'For Header Auth: the custom header K-LINK sends',
		},
		{
			displayName: 'Header Value',
			name: 'headerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'For Header Auth: the value of that header',
		},
	];
}
