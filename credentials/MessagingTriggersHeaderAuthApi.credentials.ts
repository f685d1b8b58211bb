/* eslint-disable @n8n/community-nodes/credential-test-required -- a webhook secret cannot be checked against an API: the triggers test it by "testedBy" (lib/n8n/triggerCredentials.ts), which this rule cannot see in a description built from the provider definition; test/providerCompleteness.test.ts checks every credential is tested. */
import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

export class MessagingTriggersHeaderAuthApi implements ICredentialType {
	name = 'messagingTriggersHeaderAuthApi';

	displayName = 'Messaging Webhook Header Auth API';

	icon: Icon = { light: 'file:webhookAuth.svg', dark: 'file:webhookAuth.dark.svg' };

	documentationUrl =
		'https://github.com/messaging-triggers/n8n-nodes-messaging-triggers#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Name',
			name: 'name',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'e.g. X-Webhook-Token',
			description: 'The header the provider sends with each delivery',
		},
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password -- the header's value is the shared secret
		{
			displayName: 'Value',
			name: 'value',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The value of that header',
		},
	];
}
