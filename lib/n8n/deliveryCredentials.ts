import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import type { DeliveryAuthentication } from '../deliveryAuthentication';
import type { MessagingProvider } from '../messagingProvider';
import type { AuthenticationMethod } from './triggerProperties';

/** Credential field names shared by every messaging credential that offers these methods. */
export interface DeliveryCredentialFields {
	/** The field that holds the provider's signing secret, e.g. `signingSecret`. */
	signingSecret?: string;
}

function text(credentials: ICredentialDataDecryptedObject | undefined, field: string): string {
	const value = credentials?.[field];
	return typeof value === 'string' ? value : '';
}

/** Turns the node's Authentication choice and its credential into what the engine checks. */
export function deliveryAuthenticationFrom(
	method: AuthenticationMethod,
	provider: MessagingProvider,
	credentials: ICredentialDataDecryptedObject | undefined,
	fields: DeliveryCredentialFields = {},
): DeliveryAuthentication {
	switch (method) {
		case 'signature':
			if (!provider.hmacSignature) {
				return { kind: 'misconfigured', reason: `${provider.displayName} does not sign with a shared secret` };
			}
			return {
				kind: 'hmacSignature',
				scheme: provider.hmacSignature,
				secret: text(credentials, fields.signingSecret ?? 'signingSecret'),
			};
		case 'basicAuth':
			return { kind: 'basicAuth', user: text(credentials, 'basicAuthUser'), password: text(credentials, 'basicAuthPassword') };
		case 'headerAuth':
			return { kind: 'headerToken', headerName: text(credentials, 'headerName'), token: text(credentials, 'headerToken') };
		case 'none':
			return { kind: 'none' };
		default:
			return { kind: 'misconfigured', reason: 'the trigger has an unknown authentication method' };
	}
}
