/* eslint-disable @n8n/community-nodes/credential-test-required -- a webhook secret cannot be checked against an API: the triggers test it by "testedBy" (lib/n8n/triggerCredentials.ts), which this rule cannot see in a description built from the provider definition; test/providerCompleteness.test.ts checks every credential is tested. */
import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

export class StaryaAiWebhookApi implements ICredentialType {
	name = 'staryaAiWebhookApi';

	displayName = 'StaryaAI Webhook API';

	icon: Icon = {
		light: 'file:../nodes/StaryaAiTrigger/staryaai.svg',
		dark: 'file:../nodes/StaryaAiTrigger/staryaai.dark.svg',
	};

	documentationUrl = 'https://docs.starya.ai/reference/event-schema';

	properties: INodeProperties[] = [
		{
			displayName:
				'StaryaAI does not sign its webhooks. Give StaryaAI a URL protected by a header token or Basic auth, with the same values here.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Header Name',
			name: 'headerName',
			type: 'string',
			default: '',
			placeholder: 'e.g. X-Webhook-Token',
			description: 'For Header Auth: the header StaryaAI sends with each delivery',
		},
		{
			displayName: 'Header Value',
			name: 'headerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'For Header Auth: the value of that header',
		},
		{
			displayName: 'Basic Auth User',
			name: 'basicAuthUser',
			type: 'string',
			default: '',
			description: 'For Basic Auth: the user name StaryaAI sends',
		},
		{
			displayName: 'Basic Auth Password',
			name: 'basicAuthPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'For Basic Auth: the password StaryaAI sends',
		},
	];
}
