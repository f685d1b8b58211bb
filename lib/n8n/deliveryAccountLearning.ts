import { NodeOperationError, type IHookFunctions } from 'n8n-workflow';

import { LEARNT_ACCOUNT } from './deliveryCredentials';
import { providerSession, type ProviderRegistration } from './providerApiSession';

/**
 * Signed deliveries must be for the credential's account (lib/deliveryAccount.ts). When the
 * credential does not name it, the provider is asked whose API key the credential holds at
 * every activation (n8n asks `checkExists` first each time), and the answer is kept for
 * `webhook()`. A provider that cannot say fails the activation.
 */
export async function learnDeliveryAccount(
	context: IHookFunctions,
	registration: ProviderRegistration,
): Promise<void> {
	const { provider, accountOfApiKey } = registration;
	const account = provider.deliveryAccount;
	if (!account || !accountOfApiKey) return;
	const staticData = context.getWorkflowStaticData('node');
	// Only signed deliveries are checked for their account: nothing to learn, nor to read, otherwise.
	if (context.getNodeParameter('authentication') !== 'signature') {
		delete staticData[LEARNT_ACCOUNT];
		return;
	}
	const credentials = await context.getCredentials(registration.credentialType);
	const named = credentials[account.credentialField];
	if (typeof named === 'string' && named.trim()) {
		delete staticData[LEARNT_ACCOUNT];
		return;
	}
	const session = await providerSession(context, registration, 'checking');
	let learnt: string | undefined;
	let cause = '';
	try {
		learnt = accountOfApiKey.read(await session.call(accountOfApiKey.request));
	} catch (error) {
		cause = `: ${(error as Error).message}`;
	}
	if (!learnt) {
		throw new NodeOperationError(
			context.getNode(),
			`${provider.displayName} did not say which ${account.label} the API key belongs to${cause}`,
			{
				description: `Fill in the ${account.label} in the ${provider.displayName} credential: signed deliveries are accepted only for it.`,
			},
		);
	}
	staticData[LEARNT_ACCOUNT] = learnt;
}
