import type { ICredentialDataDecryptedObject, IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { AccountCheck } from '../deliveryAccount';
import type { DeliveryAuthentication } from '../deliveryAuthentication';
import { cachedCredentials } from './credentialCache';
import type { ProviderDefinition } from '../providerDefinition';
import {
	authenticationOfValue,
	BASIC_AUTH_CREDENTIAL,
	HEADER_AUTH_CREDENTIAL,
	SECRET_PAIR_FIELDS,
	TRIGGER_VERSION,
} from './triggerCredentials';
import {
	AUTO_REGISTER_PARAMETER,
	TRIGGER_OPTIONS_PARAMETER,
	type TriggerOptions,
} from './triggerProperties';
import type { RegisteredWebhook } from '../webhookRegistrationApi';

function text(credential: ICredentialDataDecryptedObject, field: string): string {
	const value = credential[field];
	return typeof value === 'string' ? value : '';
}

/**
 * What the engine checks for one delivery, from the node's Authentication parameter and the
 * credential that goes with it. The credential is read only when the check needs it, and
 * what n8n decrypts is kept for a few seconds (lib/n8n/credentialCache.ts).
 */
export async function deliveryAuthentication(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
): Promise<DeliveryAuthentication> {
	const chosen = authenticationOfValue(provider, context.getNodeParameter('authentication'));
	if (!chosen)
		return { kind: 'misconfigured', reason: 'the trigger has an unknown authentication method' };
	if (context.getNode().typeVersion !== TRIGGER_VERSION)
		return {
			kind: 'misconfigured',
			reason: `the trigger is at node version ${context.getNode().typeVersion}, which this package no longer has: add the trigger again`,
		};
	const { method, allInOne } = chosen;
	const read = async (type: string) => await cachedCredentials(context, type);
	/** Basic or Header auth's two values, from the shared credential or the all-in-one one. */
	const secretPair = async (
		pair: keyof typeof SECRET_PAIR_FIELDS,
		sharedType: string,
	): Promise<[string, string]> => {
		const credential = await read(allInOne ? provider.allInOneCredential! : sharedType);
		const [first, second] = SECRET_PAIR_FIELDS[pair][allInOne ? 'allInOne' : 'shared'];
		return [text(credential, first), text(credential, second)];
	};
	switch (method) {
		case 'none':
			return { kind: 'none' };
		case 'basicAuth': {
			const [user, password] = await secretPair(method, BASIC_AUTH_CREDENTIAL);
			return { kind: 'basicAuth', user, password };
		}
		case 'headerAuth': {
			const [headerName, token] = await secretPair(method, HEADER_AUTH_CREDENTIAL);
			return { kind: 'headerToken', headerName, token };
		}
		case 'signature':
			return await signatureCheck(context, provider, allInOne, read);
	}
}

async function signatureCheck(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
	allInOne: boolean,
	read: (type: string) => Promise<ICredentialDataDecryptedObject>,
): Promise<DeliveryAuthentication> {
	const credentialType = allInOne ? provider.allInOneCredential : provider.credential?.type;
	if (provider.signingPublicKey && provider.ed25519SignatureHeader && credentialType) {
		const publicKey = provider.signingPublicKey(await read(credentialType));
		if (publicKey)
			return { kind: 'ed25519Signature', header: provider.ed25519SignatureHeader, publicKey };
	}
	const secretField = provider.credential?.signingSecretField;
	if (!provider.hmacSignature || !credentialType || !secretField) {
		return {
			kind: 'misconfigured',
			reason: `${provider.displayName} signatures cannot be checked with this setup`,
		};
	}
	const { timestampToleranceSeconds, requireTimestamp } = context.getNodeParameter(
		TRIGGER_OPTIONS_PARAMETER,
		{},
	) as TriggerOptions;
	const secret = await signingSecret(context, provider, async () =>
		text(await read(credentialType), secretField),
	);
	if (typeof secret !== 'string') return secret;
	return {
		kind: 'hmacSignature',
		scheme: provider.hmacSignature,
		secret,
		toleranceSeconds: timestampToleranceSeconds,
		requireTimestamp,
	};
}

/**
 * The secret a delivery must be signed with follows what the user sees: while the trigger
 * registers its own webhook, the secret kept at registration; otherwise the credential's.
 * A registration left from before auto-registration was turned off is never used and is
 * dropped, with a log line naming what may still be at the provider.
 */
async function signingSecret(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
	credentialSecret: () => Promise<string>,
): Promise<string | DeliveryAuthentication> {
	if (!provider.registration) return await credentialSecret();
	const staticData = context.getWorkflowStaticData('node') as IDataObject & {
		registration?: RegisteredWebhook;
	};
	const stored = staticData.registration as Record<string, unknown> | undefined;
	if (context.getNodeParameter(AUTO_REGISTER_PARAMETER, true) as boolean) {
		// Static data can be edited (n8n's API, an import): only a non-empty text is a secret.
		const secret = stored?.secret;
		if (typeof secret === 'string' && secret !== '') return secret;
		const reason =
			secret === undefined || secret === ''
				? 'no webhook secret was kept at registration'
				: `the webhook secret kept at registration is not text (${kindOf(secret)})`;
		return {
			kind: 'misconfigured',
			reason: `${reason}: deactivate and activate the workflow to register again`,
		};
	}
	if (stored) {
		delete staticData.registration;
		const ids = Array.isArray(stored.ids) ? stored.ids.map(String).join(', ') : '(not recorded)';
		context.logger.warn(
			`${provider.displayName}: "Register Webhook Automatically" is off, so the secret kept when this trigger registered webhook ${ids} is no longer used. Delete that webhook at ${provider.displayName} if it still exists.`,
			{ workflowId: context.getWorkflow().id, node: context.getNode().name, provider: provider.id },
		);
	}
	return await credentialSecret();
}

/** What a stored value is, for the log: never the value itself. */
function kindOf(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Where the lifecycle keeps the account it learnt from the provider (lib/n8n/webhookRegistration.ts). */
export const LEARNT_ACCOUNT = 'deliveryAccount';

/**
 * The account signed deliveries must be for, when the provider's deliveries name one: the
 * credential's, else the one learnt from the provider at activation. Answers why none is
 * known when neither is there, and nothing for other authentications (with Basic, Header or
 * no authentication a sender can write any account into the body anyway).
 */
export async function deliveryAccountCheck(
	context: IWebhookFunctions,
	provider: ProviderDefinition,
): Promise<AccountCheck | string | undefined> {
	const account = provider.deliveryAccount;
	if (!account || !provider.credential) return undefined;
	const chosen = authenticationOfValue(provider, context.getNodeParameter('authentication'));
	if (chosen?.method !== 'signature') return undefined;
	const credential = await cachedCredentials(context, provider.credential.type);
	const learnt = (context.getWorkflowStaticData('node') as IDataObject)[LEARNT_ACCOUNT];
	const expected =
		text(credential, account.credentialField).trim() || (typeof learnt === 'string' ? learnt : '');
	if (expected) return { account, expected };
	return `the trigger does not know which ${provider.displayName} ${account.label} it is for: fill in the ${account.label} in the credential, or deactivate and activate the workflow so that the trigger asks ${provider.displayName}`;
}
