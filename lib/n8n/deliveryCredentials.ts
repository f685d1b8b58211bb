import type { KeyObject } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IWebhookFunctions } from 'n8n-workflow';

import type { DeliveryAuthentication } from '../deliveryAuthentication';
import type { MessagingProvider } from '../messagingProvider';
import { cachedCredentials } from './credentialCache';
import type { AuthenticationMethod } from './triggerProperties';
import { registeredSecret } from './webhookRegistration';

export interface SignatureSettings {
	/** The credential field holding the shared secret; `signingSecret` unless said otherwise. */
	secretField?: string;
	/** A secret kept at registration; it wins over the credential's. */
	registeredSecret?: string;
	/** Replay window for providers that send a timestamp. */
	toleranceSeconds?: number;
	/** Refuse deliveries whose signature does not cover a timestamp. */
	requireTimestamp?: boolean;
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
				return {
					kind: 'ed25519Signature',
					header: provider.ed25519SignatureHeader,
					publicKey: signature.publicKey,
				};
			}
			if (provider.hmacSignature) {
				return {
					kind: 'hmacSignature',
					scheme: provider.hmacSignature,
					secret:
						signature.registeredSecret ||
						text(credentials, signature.secretField ?? 'signingSecret'),
					toleranceSeconds: signature.toleranceSeconds,
					requireTimestamp: signature.requireTimestamp,
				};
			}
			return {
				kind: 'misconfigured',
				reason: `${provider.displayName} signatures cannot be checked with this setup`,
			};
		case 'basicAuth':
			return {
				kind: 'basicAuth',
				user: text(credentials, 'basicAuthUser'),
				password: text(credentials, 'basicAuthPassword'),
			};
		case 'headerAuth':
			return {
				kind: 'headerToken',
				headerName: text(credentials, 'headerName'),
				token: text(credentials, 'headerToken'),
			};
		case 'none':
			return { kind: 'none' };
		default:
			return { kind: 'misconfigured', reason: 'the trigger has an unknown authentication method' };
	}
}

/** How one trigger authenticates its deliveries: the data its node file gives. */
export interface TriggerAuthentication {
	credentialType: string;
	/** Whether a secret kept at registration replaces the credential's (Timely.ai, Dotdigital). */
	keepsSecretAtRegistration?: boolean;
	/** Provider-specific signature settings, which may depend on the credential. */
	signature?: (credentials: ICredentialDataDecryptedObject | undefined) => SignatureSettings;
}

/**
 * What the engine checks for this delivery, from the node's Authentication parameter. The
 * credential is read only when the check needs it: n8n loads and decrypts a credential from
 * its database on every read, for every delivery. A secret kept at registration replaces
 * the credential's signing secret, so the credential is not read then either.
 */
export async function deliveryAuthenticationOf(
	context: IWebhookFunctions,
	provider: MessagingProvider,
	trigger: TriggerAuthentication,
): Promise<DeliveryAuthentication> {
	const method = context.getNodeParameter('authentication') as AuthenticationMethod;
	const registered = trigger.keepsSecretAtRegistration
		? registeredSecret(context.getWorkflowStaticData('node'))
		: undefined;
	const credentials =
		method === 'none' || (method === 'signature' && registered)
			? undefined
			: await cachedCredentials(context, trigger.credentialType);
	return deliveryAuthenticationFrom(method, provider, credentials, {
		...trigger.signature?.(credentials),
		registeredSecret: registered,
	});
}
