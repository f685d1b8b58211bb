import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiAuthenticate } from '../lib/n8n/credentialChecks';
import { timelyAiRegistration } from '../lib/providers/timelyai/registration';

export class TimelyAiApi implements ICredentialType {
	name = 'timelyAiApi';

	displayName = 'Timely.ai API';

	icon: Icon = {
		light: 'file:../nodes/TimelyAiTrigger/timelyai.svg',
		dark: 'file:../nodes/TimelyAiTrigger/timelyai.dark.svg',
	};

	documentationUrl = 'https://docs.timelyai.com.br/en/webhooks/overview';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Your workspace API key (Settings → API). Needed for the trigger to register its webhook.',
		},
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only when you register the webhook yourself: the secret Timely.ai showed when the webhook was created. When the trigger registers its webhook, it keeps the secret Timely.ai returns.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.timelyai.com.br',
			description:
				"The address of Timely.ai's API. Keep the default unless Timely.ai gave you another.",
		},
	];

	authenticate = apiAuthenticate(timelyAiRegistration.authentication);

	// GET /v1/me answers who the API key belongs to (docs.timelyai.com.br/en/api-reference/introduction).
	test: ICredentialTestRequest = {
		request: {
			// The test carries the API credentials: a redirect (to http, to another host) is not followed.
			disableFollowRedirect: true,
			baseURL: '={{$credentials.baseUrl}}',
			url: '/v1/me',
		},
	};
}
