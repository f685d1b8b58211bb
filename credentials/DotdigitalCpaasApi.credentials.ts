import type { Icon, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

import { apiAuthenticate } from '../lib/n8n/credentialChecks';
import { dotdigitalRegistration } from '../lib/providers/dotdigital/registration';

export class DotdigitalCpaasApi implements ICredentialType {
	name = 'dotdigitalCpaasApi';

	displayName = 'Dotdigital CPaaS (Comapi) API';

	icon: Icon = {
		light: 'file:../nodes/DotdigitalTrigger/dotdigital.svg',
		dark: 'file:../nodes/DotdigitalTrigger/dotdigital.dark.svg',
	};

	documentationUrl = 'https://developer.dotdigital.com/reference/webhooks';

	properties: INodeProperties[] = [
		{
			displayName: 'Webhook Secret',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Only when you register the webhook yourself: the secret set on it. Dotdigital signs every delivery with it in X-Comapi-Signature. When the trigger registers its webhook, it generates its own secret.',
		},
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			default: 'r1',
			description:
				'The region of your Dotdigital account, used to register webhooks through the API',
			options: [
				{ name: 'Europe (R1)', value: 'r1' },
				{ name: 'North America (R2)', value: 'r2' },
				{ name: 'Asia Pacific (R3)', value: 'r3' },
				{ name: 'Custom Base URL', value: 'custom' },
			],
		},
		// Always shown: n8n 1.x's public API makes a field shown only for one Region required
		// whenever Region is left at its default, refusing credentials made of the fields a user fills.
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'e.g. https://r1-api.dotdigital.com/cpaas',
			description:
				"Only with Region set to Custom Base URL: the full address of Dotdigital's CPaaS API, ending in /cpaas",
		},
		{
			displayName: 'API User',
			name: 'apiUser',
			type: 'string',
			default: '',
			placeholder: 'e.g. apiuser-xxxx@apiconnector.com',
			description:
				'An API user of your account (Settings → Access → API users), used to register webhooks',
		},
		{
			displayName: 'API Password',
			name: 'apiPassword',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
	];

	authenticate = apiAuthenticate(dotdigitalRegistration.authentication);

	test: ICredentialTestRequest = {
		request: {
			// The test carries the API credentials: a redirect (to http, to another host) is not followed.
			disableFollowRedirect: true,
			baseURL:
				'={{$credentials.region === "custom" ? $credentials.baseUrl : "https://" + $credentials.region + "-api.dotdigital.com/cpaas"}}',
			url: '/webhooks/availableevents',
		},
	};
}
