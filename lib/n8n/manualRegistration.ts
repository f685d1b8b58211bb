import type { IHookFunctions } from 'n8n-workflow';

import { warnWhenN8nParsesTheBody } from './triggerProperties';

/**
 * Webhook lifecycle of a provider with no webhook API: the user pastes the URL into the
 * provider's dashboard, so there is nothing to check, create or delete. `checkExists` answers
 * true so n8n does not ask `create` for a registration that cannot happen.
 */
export const manualWebhookRegistration = {
	async checkExists(this: IHookFunctions): Promise<boolean> {
		warnWhenN8nParsesTheBody(this);
		return true;
	},
	async create(this: IHookFunctions): Promise<boolean> {
		return false;
	},
	async delete(this: IHookFunctions): Promise<boolean> {
		return false;
	},
};
