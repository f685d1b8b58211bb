import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiAuthenticate } from '../lib/n8n/credentialChecks';
import { partooRegistration } from '../lib/providers/partoo/registration';

export class PartooApi implements ICredentialType {
	name = 'partooApi';

	displayName = 'Partoo API';

	icon: Icon = {
		light: 'file:../nodes/PartooTrigger/partoo.svg',
		dark: 'file:../nodes/PartooTrigger/partoo.dark.svg',
	};

	documentationUrl = 'https://developers.partoo.co/guides/api/resources/settings/webhooks/setup';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"A Partoo API key (Settings → API keys). Used to register the webhook; deliveries are checked against Partoo's public key, not this one.",
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			default: 'production',
			options: [
				{ name: 'Production', value: 'production' },
				{ name: 'Sandbox', value: 'sandbox' },
			],
			description: 'Which Partoo platform, API and signing key to use',
		},
		{
			displayName: 'Organisation ID',
			name: 'orgId',
			type: 'string',
			default: '',
			description:
				"The organisation whose deliveries the trigger accepts (each Partoo delivery names it in org_id) and whose webhooks it manages. Leave empty to use the API key's own organisation, which the trigger asks Partoo for when the workflow is activated. Provider-level API keys must fill it in.",
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://api.partoo.co/v2',
			description:
				"Leave empty for the environment's API (https://api.partoo.co/v2, or https://api.sandbox.partoo.co/v2 for the sandbox). Set it only to reach Partoo's API through another address.",
		},
	];

	authenticate = apiAuthenticate(partooRegistration.authentication);

	test: ICredentialTestRequest = {
		request: {
			// The test carries the API credentials: a redirect (to http, to another host) is not followed.
			disableFollowRedirect: true,
			baseURL:
				'={{$credentials.baseUrl || ($credentials.environment === "sandbox" ? "https://api.sandbox.partoo.co/v2" : "https://api.partoo.co/v2")}}',
			url: '/webhooks',
		},
	};
}
