import type { KeyObject } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import type { DeliveryAuthentication } from '../deliveryAuthentication';
import type { MessagingProvider } from '../messagingProvider';
import type { AuthenticationMethod } from './triggerProperties';

export interface SignatureSettings {
	/** The credential field holding the shared secret; `signingSecret` unless said otherwise. */
	secretField?: string;
	/** A secret kept at registration; it wins over the credential's. */
	registeredSecret?: string;
	/** Replay window for providers that send a timestamp. */
	toleranceSeconds?: number;
	/** The provider's public key, for providers that sign with their own key pair. */
	publicKey?: KeyObject;
}

function text(credentials: ICredentialDataDecryptedObject | undefined, field: string): string {
	const value = credentials?.[field];
	return typeof value === 'string' ? value : '';
}

/**
 * Turns the node's Authentication choice and its credential into what the engine checks.
 * Basic and header auth read the same credential fields for every provider that offers them.
 */
export function deliveryAuthenticationFrom(
	method: AuthenticationMethod,
	provider: MessagingProvider,
	credentials: ICredentialDataDecryptedObject | undefined,
	signature: SignatureSettings = {},
): DeliveryAuthentication {
	switch (method) {
		case 'signature':
			if (provider.ed25519SignatureHeader && signature.publicKey) {
				return { kind: 'ed25519Signature', header: provider.ed25519SignatureHeader, publicKey: signature.publicKey };
			}
			if (provider.hmacSignature) {
				return {
					kind: 'hmacSignature',
					scheme: provider.hmacSignature,
					secret: signature.registeredSecret || text(credentials, signature.secretField ?? 'signingSecret'),
					toleranceSeconds: signature.toleranceSeconds,
				};
			}
			return { kind: 'misconfigured', reason: `${provider.displayName} signatures cannot be checked with this setup` };
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

/**
 * The trigger's credential, read only when the check needs it: n8n loads and decrypts a
 * credential from its database on every call, for every delivery. A secret kept at
 * registration replaces the credential's signing secret, so it is not read then either.
 */
export async function credentialsForCheck(
	context: IWebhookFunctions,
	credentialType: string,
	method: AuthenticationMethod,
	registeredSecret?: string,
): Promise<ICredentialDataDecryptedObject | undefined> {
	if (method === 'none' || (method === 'signature' && registeredSecret)) return undefined;
	return await context.getCredentials<ICredentialDataDecryptedObject>(credentialType);
}
