/* eslint-disable @n8n/community-nodes/credential-test-required -- a webhook secret cannot be checked against an API: the triggers test it by "testedBy" (lib/n8n/triggerCredentials.ts), which this rule cannot see in a description built from the provider definition; test/providerCompleteness.test.ts checks every credential is tested. */
import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

export class MessagingTriggersBasicAuthApi implements ICredentialType {
	name = 'messagingTriggersBasicAuthApi';

	displayName = 'Messaging Webhook Basic Auth API';

	icon: Icon = { light: 'file:webhookAuth.svg', dark: 'file:webhookAuth.dark.svg' };

	documentationUrl =
		'https://github.com/messaging-triggers/n8n-nodes-messaging-triggers#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			description: 'The user name the provider sends in the Authorization header',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The password the provider sends with that user',
		},
	];
}
