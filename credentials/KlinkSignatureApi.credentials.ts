/* eslint-disable @n8n/community-nodes/credential-test-required -- a webhook secret cannot be checked against an API: the triggers test it by "testedBy" (lib/n8n/triggerCredentials.ts), which this rule cannot see in a description built from the provider definition; test/providerCompleteness.test.ts checks every credential is tested. */
import type { Icon, ICredentialType, INodeProperties } from 'n8n-workflow';

export class KlinkSignatureApi implements ICredentialType {
	name = 'klinkSignatureApi';

	displayName = 'K-LINK Signature API';

	icon: Icon = {
		light: 'file:../nodes/KlinkTrigger/klink.svg',
		dark: 'file:../nodes/KlinkTrigger/klink.dark.svg',
	};

	documentationUrl = 'https://developers.klink.cloud/webhook-setup-1913619m0';

	properties: INodeProperties[] = [
		{
			displayName: 'Signing Secret',
			name: 'signingSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				"The webhook's signing secret, revealed with the eye icon on the webhook in K-LINK → Settings → Webhooks",
		},
	];
}
